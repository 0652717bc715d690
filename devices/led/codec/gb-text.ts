import iconv from 'iconv-lite';

/**
 * Which characters a display can draw. Window bars (and most Onbon single/dual-colour controllers)
 * carry a GB2312 font: 682 symbols and 6763 Hanzi. `gb18030` is for displays with a full font.
 * The bytes are GB18030 either way (GB2312 characters encode the same in both).
 */
export type LedCharset = 'gb2312' | 'gb18030';

export interface EncodedText {
  bytes: Buffer;
  /** Characters the charset lacks, each sent as `?` (in text order, repeats kept). */
  replaced: string[];
}

/**
 * Whether a 2-byte GB18030 code lies in GB2312: rows 0xA1–0xA9 (symbols) and 0xB0–0xF7 (Hanzi),
 * cells 0xA1–0xFE. (iconv-lite's `gb2312` is really GBK/cp936, so it cannot be used to check.)
 */
export function isGb2312(lead: number, trail: number): boolean {
  return ((lead >= 0xa1 && lead <= 0xa9) || (lead >= 0xb0 && lead <= 0xf7)) && trail >= 0xa1 && trail <= 0xfe;
}

/**
 * Text → display bytes. Control characters other than `\n` become spaces (`\n` stays 0x0A: a line
 * break on two-line displays); characters outside the charset become `?` and are listed in `replaced`.
 */
export function encodeLedText(text: string, charset: LedCharset = 'gb18030'): EncodedText {
  const parts: Buffer[] = [];
  const replaced: string[] = [];
  let ascii: number[] = [];
  const flush = (): void => {
    if (ascii.length > 0) parts.push(Buffer.from(ascii));
    ascii = [];
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      ascii.push(cp === 0x0a ? 0x0a : cp < 0x20 || cp === 0x7f ? 0x20 : cp);
      continue;
    }
    const bytes = iconv.encode(ch, 'gb18030');
    // Lone surrogates come out as '?' from iconv; characters outside the charset are replaced here.
    const ok = bytes.length > 1 && (charset === 'gb18030' || (bytes.length === 2 && isGb2312(bytes[0]!, bytes[1]!)));
    if (!ok) {
      replaced.push(ch);
      ascii.push(0x3f);
      continue;
    }
    flush();
    parts.push(bytes);
  }
  flush();
  return { bytes: Buffer.concat(parts), replaced };
}

/** Display bytes → text (the simulators' side). */
export function decodeLedText(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), 'gb18030');
}
