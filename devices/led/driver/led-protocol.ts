import type { LedAddress, LedShowOptions } from '../led-driver.ts';

/** One command as the bus driver queues it. */
export type LedCommand =
  | { kind: 'show'; address: LedAddress; text: string; opts: LedShowOptions }
  | { kind: 'clear'; address: LedAddress }
  | { kind: 'brightness'; address: LedAddress; level: number }
  | { kind: 'ping'; address: LedAddress };

/** What a decoded reply says about the command in flight. */
export type Verdict = { ack: true } | { ack: false; detail: string };

export interface ReplyDecoder<Item> {
  push(chunk: Uint8Array): Item[];
  reset(): void;
}

/**
 * The wire protocol behind a BusLedDriver: how to encode a command, decode what the device sends
 * back, and tell an answer to the command in flight from anything else on the line.
 */
export interface LedProtocol<Item> {
  readonly name: string;
  newDecoder(): ReplyDecoder<Item>;
  /** The frame for `cmd`. Throws LedError (bad address, text too long, unsupported) before anything is sent. */
  encode(cmd: LedCommand): Buffer;
  /** Whether the device answers commands to `address` (false: broadcast; done once written). */
  answers(address: LedAddress): boolean;
  /** The verdict of `item` on the command in flight to `address`; null when it is not about it (echo, another bar). */
  classify(item: Item, address: LedAddress): Verdict | null;
}
