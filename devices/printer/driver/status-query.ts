import type { DeviceLink, LinkStatus } from '../../link/device-link.ts';
import type { ByteTransport } from '../../transport.ts';
import { TransportError } from '../../transport.ts';
import { dleEot, GS_R_PAPER } from '../codec/escpos.ts';
import {
  isDleEotReply,
  isGsRReply,
  statusFromDleEot,
  statusFromGsR,
  type DleEotReplies,
  type PrinterStatus,
} from '../codec/status-decode.ts';
import type { Scheduler } from '../../scheduler.ts';

export type StatusMethod = 'dle-eot' | 'gs-r' | 'none';

/** Where status replies come from: the printer's link (a session), or a bare open transport. */
export type StatusLine = DeviceLink | ByteTransport;

function isLink(t: StatusLine): t is DeviceLink {
  return 'acquire' in t;
}

/**
 * Reads one-byte replies off a link or transport. Bytes that do not fit the awaited reply pattern
 * are dropped (e.g. XON/XOFF from a serial printer).
 */
class ReplyReader {
  #bytes: number[] = [];
  #waiter: { accept: (b: number) => boolean; resolve: (b: number | null) => void } | null = null;
  #onData = (chunk: Buffer): void => {
    for (const b of chunk) this.#bytes.push(b);
    this.#deliver();
  };
  #onClose = (): void => this.#fail(new TransportError('connection closed while waiting for status', { disconnected: true }));
  #onLink = (s: LinkStatus): void => {
    if (s.state !== 'up' && s.state !== 'connecting') this.#onClose();
  };
  #reject: ((err: TransportError) => void) | null = null;

  constructor(private readonly t: StatusLine, private readonly scheduler: Scheduler) {
    if (isLink(t)) {
      t.on('data', this.#onData);
      t.on('status', this.#onLink);
    } else {
      t.on('data', this.#onData);
      t.on('close', this.#onClose);
    }
  }

  detach(): void {
    if (isLink(this.t)) {
      this.t.off('data', this.#onData);
      this.t.off('status', this.#onLink);
    } else {
      this.t.off('data', this.#onData);
      this.t.off('close', this.#onClose);
    }
  }

  /** The next byte `accept`s, or null after `timeoutMs`. */
  next(accept: (b: number) => boolean, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const cancel = this.scheduler.schedule(timeoutMs, () => finish(null));
      const finish = (b: number | null): void => {
        cancel();
        this.#waiter = null;
        this.#reject = null;
        resolve(b);
      };
      this.#waiter = { accept, resolve: finish };
      this.#reject = (err) => {
        cancel();
        this.#waiter = null;
        this.#reject = null;
        reject(err);
      };
      this.#deliver();
    });
  }

  #deliver(): void {
    while (this.#waiter && this.#bytes.length > 0) {
      const b = this.#bytes.shift()!;
      if (this.#waiter.accept(b)) this.#waiter.resolve(b);
    }
  }

  #fail(err: TransportError): void {
    this.#reject?.(err);
  }
}

/**
 * Asks the printer for its status over an open transport. DLE EOT 1, 2, 3, 4 are real-time (answered even
 * while offline with paper out); GS r 1 waits behind unprinted data. Resolves null when the printer does not
 * answer the first query in `timeoutMs` (some cheap printers ignore status commands); rejects with a
 * TransportError when the link drops.
 */
export async function queryStatus(
  t: StatusLine,
  opts: { method: StatusMethod; timeoutMs: number; scheduler: Scheduler },
): Promise<PrinterStatus | null> {
  if (opts.method === 'none') return null;
  const reader = new ReplyReader(t, opts.scheduler);
  try {
    if (opts.method === 'gs-r') {
      await t.write(GS_R_PAPER);
      const b = await reader.next(isGsRReply, opts.timeoutMs);
      return b === null ? null : statusFromGsR(b);
    }
    const replies: DleEotReplies = {};
    const keys = ['printer', 'offlineCause', 'errorCause', 'rollPaper'] as const;
    for (const [i, key] of keys.entries()) {
      await t.write(dleEot((i + 1) as 1 | 2 | 3 | 4));
      const b = await reader.next(isDleEotReply, opts.timeoutMs);
      if (b === null) {
        if (i === 0) return null;
        break;
      }
      replies[key] = b;
    }
    return statusFromDleEot(replies);
  } finally {
    reader.detach();
  }
}
