import type { ByteTransport } from './transport.ts';

/** Fault injection that makes a simulator's replies look like a real wire: split, and with noise before them. */
export interface Chunking {
  maxChunk: number;
  random: () => number;
}

/** Splits bytes into chunks of 1..maxChunk (as the OS hands a serial stream over), or one piece. */
export function splitRandomly(bytes: Buffer, chunking: Chunking | null | undefined): Buffer[] {
  if (!chunking) return [bytes];
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(chunking.random() * Math.max(1, chunking.maxChunk));
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** 0..maxBytes random bytes; `never` (a protocol's start byte, say) is left out so noise cannot fake a frame start. */
export function randomGarbage(random: () => number, maxBytes: number, never?: number): Buffer {
  const n = Math.floor(random() * (maxBytes + 1));
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    if (never === undefined) out[i] = Math.floor(random() * 256);
    else {
      const b = Math.floor(random() * 255);
      out[i] = b >= never ? b + 1 : b;
    }
  }
  return out;
}

/** Writes chunks to a transport strictly in order; `flushed` settles once all written so far are out. */
export class OrderedWriter {
  #writes: Promise<void> = Promise.resolve();
  constructor(private readonly transport: ByteTransport) {}

  write(chunk: Buffer): void {
    // A write to a closed link is the simulated device being unplugged: dropped, not thrown.
    this.#writes = this.#writes.then(() => this.transport.write(chunk)).catch(() => {});
  }

  get flushed(): Promise<void> {
    return this.#writes;
  }
}

/** Entries a simulator keeps of what it heard and said: enough for any test, bounded for a demo hall that runs for days. */
export const SIM_LOG_LIMIT = 1000;

/**
 * Appends to a simulator's log and lets the oldest go past `max`. Unbounded, the keypad bus's frame
 * logs grew ~17 KB a call: each kept frame is a slice that pins its 8 KiB Buffer pool slab.
 */
export function logBounded<T>(log: T[], entry: T, max = SIM_LOG_LIMIT): void {
  log.push(entry);
  if (log.length > max) log.splice(0, log.length - max);
}
