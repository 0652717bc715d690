import type { ByteTransport } from '../../transport.ts';
import { buildTextBlock } from '../card/build-text-block.ts';
import { type CommandName, commandNameOf } from '../codec/commands.ts';
import { encodeReadPayload } from '../codec/encode-read-payload.ts';
import { encodeResponse } from '../codec/encode-response.ts';
import { RequestDecoder } from '../codec/frame-decoder.ts';
import { SW3 } from '../status/sw3.ts';
import { dummyPhoto, type SimCard } from './sim-card.ts';
import { OrderedWriter, randomGarbage, splitRandomly } from '../../simulator-wire.ts';

/**
 * A one-shot fault, applied to the next reply (to `on`, when given) and then forgotten:
 * - `bad-checksum`: the reply's CHK is flipped;
 * - `no-reply`: the reply is swallowed (the host times out);
 * - `status`: the reply is this SW3 with no data instead (0x41 on readBase = read failure mid-card);
 * - `garbage`: these bytes go out just before the reply.
 */
export type SimFault =
  | { kind: 'bad-checksum'; on?: CommandName }
  | { kind: 'no-reply'; on?: CommandName }
  | { kind: 'status'; sw3: number; on?: CommandName }
  | { kind: 'garbage'; bytes: Buffer; on?: CommandName };

export interface IdCardSimulatorOptions {
  /** The card on the reader at start. Default none. */
  card?: SimCard | null;
  /** False: the SAM failed its self-test and every command gets SW3 0x60. Default true. */
  samHealthy?: boolean;
  /** Split every reply into chunks of 1..maxChunk bytes, each its own write. */
  chunking?: { maxChunk: number; random: () => number } | null;
  /** Up to maxBytes random bytes before every reply (never 0xAA, so never a false preamble). */
  garbage?: { maxBytes: number; random: () => number } | null;
}

type CardState = 'idle' | 'found' | 'selected';

const SAM_ID = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');

/**
 * The reader's end of the byte stream: a state machine answering SAM status, find, select and the
 * reads with the exact bytes of hardware.md §1.4, plus MockBinding-style controls.
 */
export class IdCardSimulator {
  readonly #transport: ByteTransport;
  readonly #writer: OrderedWriter;
  readonly #decoder = new RequestDecoder();
  #card: SimCard | null = null;
  /** The card's text block, built when it is placed so a bad card fails there, not mid-reply. */
  #text: Buffer | null = null;
  #cardState: CardState = 'idle';
  #faults: SimFault[] = [];
  samHealthy: boolean;
  chunking: IdCardSimulatorOptions['chunking'];
  garbage: IdCardSimulatorOptions['garbage'];
  /** Every command received, by name (`?xx/yy` for unknown ones). */
  readonly received: string[] = [];
  /** Every reply as encoded, before faults, chunking or garbage. */
  readonly replies: Buffer[] = [];

  constructor(transport: ByteTransport, opts: IdCardSimulatorOptions = {}) {
    this.#transport = transport;
    this.#writer = new OrderedWriter(transport);
    if (opts.card) this.place(opts.card);
    this.samHealthy = opts.samHealthy ?? true;
    this.chunking = opts.chunking ?? null;
    this.garbage = opts.garbage ?? null;
    transport.on('data', this.#onData);
    // Device side: a failed write or a closed link is the host's problem to notice.
    transport.on('error', () => {});
  }

  /** Stops answering. */
  detach(): void {
    this.#transport.off('data', this.#onData);
  }

  get card(): SimCard | null {
    return this.#card;
  }

  /** Puts a card on the reader (replacing any). Throws TypeError when a field does not fit the block. */
  place(card: SimCard): void {
    const text = buildTextBlock(card);
    if (card.photo && card.photo.length !== 1024) throw new TypeError(`"photo" must be 1024 bytes, got ${card.photo.length}`);
    this.#card = card;
    this.#text = text;
    this.#cardState = 'idle';
  }

  /** Takes the card away. */
  remove(): void {
    this.#card = null;
    this.#text = null;
    this.#cardState = 'idle';
  }

  /** Queues a one-shot fault. */
  inject(fault: SimFault): void {
    this.#faults.push(fault);
  }

  /** The next read answers SW3 0x41, as when the card is moved mid-read. */
  failNextRead(): void {
    this.inject({ kind: 'status', sw3: SW3.READ_FAILED, on: 'readBase' });
  }

  /** Faults still queued. */
  get pendingFaults(): number {
    return this.#faults.length;
  }

  /** Resolves when every reply so far has been handed to the transport. */
  flushed(): Promise<void> {
    return this.#writer.flushed;
  }

  readonly #onData = (chunk: Buffer): void => {
    for (const item of this.#decoder.push(chunk)) {
      if (!item.ok) {
        this.received.push('?bad-checksum');
        this.#send(undefined, encodeResponse(SW3.REQUEST_CHECKSUM));
        continue;
      }
      const name = commandNameOf(item.frame.cmd, item.frame.para);
      this.received.push(name ?? `?${hexByte(item.frame.cmd)}/${hexByte(item.frame.para)}`);
      this.#send(name, this.#answer(name));
    }
  };

  #answer(name: CommandName | undefined): Buffer {
    if (!this.samHealthy) return encodeResponse(SW3.SAM_SELF_TEST_FAILED);
    const card = this.#card;
    switch (name) {
      case 'resetSam':
      case 'samStatus':
      case 'setMaxRfByte':
        return encodeResponse(SW3.OK);
      case 'samId':
        return encodeResponse(SW3.OK, SAM_ID);
      case 'findCard':
        if (!card) return encodeResponse(SW3.NO_CARD);
        this.#cardState = 'found';
        return encodeResponse(SW3.CARD_FOUND, Buffer.alloc(4));
      case 'selectCard':
        if (!card || this.#cardState === 'idle') return encodeResponse(SW3.SELECT_FAILED);
        this.#cardState = 'selected';
        return encodeResponse(SW3.OK, Buffer.alloc(8));
      case 'readBase':
      case 'readWithFingerprint': {
        if (!card || this.#cardState !== 'selected') return encodeResponse(SW3.READ_FAILED);
        if (name === 'readWithFingerprint' && !card.fingerprint) return encodeResponse(SW3.NO_CONTENT);
        this.#cardState = 'idle';
        const payload = { text: this.#text ?? buildTextBlock(card), photo: card.photo ?? dummyPhoto(), ...(name === 'readWithFingerprint' ? { fingerprint: card.fingerprint } : {}) };
        return encodeResponse(SW3.OK, encodeReadPayload(payload));
      }
      case 'readNewAddress': {
        if (!card || this.#cardState !== 'selected') return encodeResponse(SW3.READ_FAILED);
        if (!card.newAddress) return encodeResponse(SW3.NO_CONTENT);
        const block = Buffer.alloc(70, Buffer.from(' ', 'utf16le'));
        Buffer.from(card.newAddress, 'utf16le').copy(block, 0, 0, 70);
        return encodeResponse(SW3.OK, block);
      }
      case undefined:
        return encodeResponse(SW3.BAD_COMMAND);
      default: {
        const unhandled: never = name;
        return unhandled;
      }
    }
  }

  #takeFault(name: CommandName | undefined): SimFault | undefined {
    const i = this.#faults.findIndex((f) => f.on === undefined || f.on === name);
    if (i < 0) return undefined;
    return this.#faults.splice(i, 1)[0];
  }

  #send(name: CommandName | undefined, reply: Buffer): void {
    this.replies.push(reply);
    let bytes = reply;
    const fault = this.#takeFault(name);
    if (fault?.kind === 'no-reply') return;
    if (fault?.kind === 'status') bytes = encodeResponse(fault.sw3);
    if (fault?.kind === 'bad-checksum') {
      bytes = Buffer.from(bytes);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    }
    const parts: Buffer[] = [];
    if (fault?.kind === 'garbage') parts.push(fault.bytes);
    if (this.garbage) parts.push(randomGarbage(this.garbage.random, this.garbage.maxBytes, 0xaa));
    parts.push(bytes);
    const out = Buffer.concat(parts);
    for (const chunk of splitRandomly(out, this.chunking)) this.#write(chunk);
  }

  #write(chunk: Buffer): void {
    this.#writer.write(chunk);
  }
}


function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}
