import { encodeAddress } from './address.ts';
import { chooseAlphabet, MAX_PARTS, splitText } from './split-text.ts';
import { dcsOf, encodeUserData } from './user-data.ts';

export interface SubmitOptions {
  /** TP-SRR: ask the centre for a delivery report. Default true. */
  statusReport?: boolean;
  /** TP-VP, relative form (0xA7 = 24 h; TS 23.040 §9.2.3.12.1); null sends none. Default 0xA7. */
  validity?: number | null;
  /** `ucs2` forces UCS-2 even for plain ASCII. Default `auto`. */
  alphabet?: 'auto' | 'ucs2';
  /** The concatenation reference when the text needs several parts (0–255, or 0–65535 with refBits 16). Default 0. */
  concatRef?: number;
  /** IEI 0x00 (8-bit reference, the usual) or 0x08. Default 8. */
  refBits?: 8 | 16;
  /** TP-MR; 0 lets the modem number the message (it answers the number in +CMGS). Default 0. */
  messageRef?: number;
}

/** One SMS-SUBMIT as AT+CMGS takes it. */
export interface EncodedSubmit {
  /** Hex of `00` (use the SIM's service centre) then the TPDU. */
  hex: string;
  /** Octets of the TPDU alone: the number AT+CMGS=<length> wants. */
  tpduLength: number;
}

/**
 * Encodes a text to one SMS-SUBMIT, or to concatenated parts each with a UDH (TS 23.040 §9.2.2.2).
 * Throws TypeError for a bad number, RangeError for a text of more than 255 parts.
 */
export function encodeSubmit(to: string, text: string, opts: SubmitOptions = {}): EncodedSubmit[] {
  const address = encodeAddress(to);
  const alphabet = chooseAlphabet(text, opts.alphabet ?? 'auto');
  const refBits = opts.refBits ?? 8;
  const parts = splitText(text, alphabet, refBits);
  if (parts.length > MAX_PARTS) throw new RangeError(`the text needs ${parts.length} parts; at most ${MAX_PARTS}`);
  const validity = opts.validity === undefined ? 0xa7 : opts.validity;
  const concatRef = opts.concatRef ?? 0;
  return parts.map((part, i) => {
    const concat = parts.length > 1 ? { ref: concatRef, refBits, total: parts.length, seq: i + 1 } : null;
    const { udl, ud } = encodeUserData(part, alphabet, concat);
    // MTI 01 (SUBMIT); VPF 10 (relative) when a validity is given; SRR; UDHI when a header leads the data.
    const firstOctet = 0x01 | (validity === null ? 0 : 0x10) | ((opts.statusReport ?? true) ? 0x20 : 0) | (concat ? 0x40 : 0);
    const tpdu = Buffer.concat([
      Buffer.from([firstOctet, (opts.messageRef ?? 0) & 0xff]),
      address,
      Buffer.from([0x00, dcsOf(alphabet)]),
      validity === null ? Buffer.alloc(0) : Buffer.from([validity]),
      Buffer.from([udl]),
      ud,
    ]);
    return { hex: `00${tpdu.toString('hex').toUpperCase()}`, tpduLength: tpdu.length };
  });
}
