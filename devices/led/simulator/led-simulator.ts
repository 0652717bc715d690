import { EventEmitter } from 'node:events';
import { type Scheduler, systemScheduler } from '../../scheduler.ts';
import type { ByteTransport } from '../../transport.ts';
import type { LedAddress, LedShowOptions } from '../led-driver.ts';
import { logBounded } from '../../simulator-wire.ts';

/** What one simulated bar or text area shows now. */
export interface LedCell {
  text: string;
  effect: 'static' | 'scroll';
  color?: LedShowOptions['color'];
  /** When this content first appeared (scheduler.now()); re-sending the same content keeps it. */
  updatedAt: number;
}

/**
 * A one-shot fault, applied to the next command for `address` (any address when absent), then forgotten:
 * - `no-reply`: the request is lost on the wire: not applied, no answer (the host times out);
 * - `bad-checksum`: the request arrives corrupted: not applied, answered NAK (Onbon: NACK ERR_CHECKSUM);
 * - `bad-reply`: applied, but the answer is damaged on the way back (simple-bar: the ACK byte
 *   arrives as 0x86; Onbon: the reply's CRC is off), so the host retries;
 * - `garbage`: these bytes go out just before the answer.
 */
export type LedSimFault =
  | { kind: 'no-reply'; address?: LedAddress }
  | { kind: 'bad-checksum'; address?: LedAddress }
  | { kind: 'bad-reply'; address?: LedAddress }
  | { kind: 'garbage'; bytes: Buffer; address?: LedAddress };

/** One command as the simulator understood it (faulted ones included, marked). */
export interface LedSimReceived {
  address: LedAddress | null;
  command: string;
  /** The decoded text of a show. */
  text?: string;
  at: number;
  fault?: LedSimFault['kind'];
}

/**
 * - `changed` (address, cell): the content of an address changed (cell.text '' = blank);
 * - `received` (entry): every command decoded, for tests and the demo's log (the array keeps the latest SIM_LOG_LIMIT).
 */
export interface LedSimulatorEvents {
  changed: [address: LedAddress, cell: LedCell];
  received: [entry: LedSimReceived];
}

export interface LedSimulatorOptions {
  /** For `updatedAt`. Default: the real clock. */
  scheduler?: Scheduler;
  /** Write every received chunk back first, like a 2-wire RS-485 adapter that hears its own frames. Default false. */
  echo?: boolean;
  /** Write each answer in pieces of this many bytes (separate writes). Default: whole. */
  chunkSize?: number;
}

export type Send = (bytes: Buffer) => void;

/**
 * The device end of a ByteTransport: decodes frames, keeps the current content per address,
 * answers, and takes MockBinding-style controls (`fault`, `unplug`, `powerCycle`). One simulator
 * can be attached to several transports (a TCP server's connections) and keeps one state.
 */
export abstract class LedSimulator<Item> extends EventEmitter<LedSimulatorEvents> {
  protected readonly scheduler: Scheduler;
  readonly #cells = new Map<LedAddress, LedCell>();
  #faults: LedSimFault[] = [];
  readonly #unplugged = new Set<LedAddress>();
  readonly #detachers = new Set<() => void>();
  echo: boolean;
  chunkSize: number | null;
  /** Every command decoded, oldest first (`clearLog()` empties it). */
  readonly received: LedSimReceived[] = [];

  constructor(opts: LedSimulatorOptions = {}) {
    super();
    this.scheduler = opts.scheduler ?? systemScheduler;
    this.echo = opts.echo ?? false;
    this.chunkSize = opts.chunkSize ?? null;
  }

  protected abstract newDecoder(): { push(chunk: Uint8Array): Item[] };
  protected abstract handle(item: Item, send: Send): void;

  /** Answers on `transport` from now on. Returns a function that stops that. */
  attach(transport: ByteTransport): () => void {
    const decoder = this.newDecoder();
    const send: Send = (bytes) => {
      const size = this.chunkSize ?? bytes.length;
      for (let i = 0; i < bytes.length; i += Math.max(1, size)) transport.write(bytes.subarray(i, i + size)).catch(() => {});
    };
    const onData = (chunk: Buffer): void => {
      if (this.echo) transport.write(Buffer.from(chunk)).catch(() => {});
      for (const item of decoder.push(chunk)) this.handle(item, send);
    };
    // Device side: a failed write or a closed link is the host's problem to notice.
    const onError = (): void => {};
    transport.on('data', onData);
    transport.on('error', onError);
    const detach = (): void => {
      transport.off('data', onData);
      transport.off('error', onError);
      this.#detachers.delete(detach);
    };
    this.#detachers.add(detach);
    return detach;
  }

  /** Stops answering on every transport. */
  detachAll(): void {
    for (const d of [...this.#detachers]) d();
  }

  /** The text at `address` ('' when blanked), or undefined when nothing was ever shown there. */
  textOf(address: LedAddress): string | undefined {
    return this.#cells.get(address)?.text;
  }

  cellOf(address: LedAddress): LedCell | undefined {
    const c = this.#cells.get(address);
    return c && { ...c };
  }

  /** Every address that got content, with what it shows. */
  snapshot(): Record<LedAddress, LedCell> {
    const out: Record<LedAddress, LedCell> = {};
    for (const [a, c] of [...this.#cells].sort(([x], [y]) => x - y)) out[a] = { ...c };
    return out;
  }

  /** Queues a one-shot fault. */
  fault(f: LedSimFault): void {
    this.#faults.push(f);
  }

  get pendingFaults(): number {
    return this.#faults.length;
  }

  /** The device at `address` stops answering (and hears nothing) until plug(). */
  unplug(address: LedAddress): void {
    this.#unplugged.add(address);
  }

  plug(address: LedAddress): void {
    this.#unplugged.delete(address);
  }

  /** Power lost and back: the content is gone (the address shows nothing). */
  powerCycle(address: LedAddress): void {
    if (this.#cells.has(address)) this.setCell(address, { text: '', effect: 'static' });
  }

  clearLog(): void {
    this.received.length = 0;
  }

  protected isUnplugged(address: LedAddress): boolean {
    return this.#unplugged.has(address);
  }

  protected takeFault(address: LedAddress | null): LedSimFault | null {
    const i = this.#faults.findIndex((f) => f.address === undefined || f.address === address);
    if (i < 0) return null;
    const [f] = this.#faults.splice(i, 1);
    return f ?? null;
  }

  protected log(entry: Omit<LedSimReceived, 'at'>): void {
    const e: LedSimReceived = { ...entry, at: this.scheduler.now() };
    logBounded(this.received, e);
    this.emit('received', e);
  }

  protected addresses(): LedAddress[] {
    return [...this.#cells.keys()];
  }

  protected setCell(address: LedAddress, next: Omit<LedCell, 'updatedAt'>): void {
    const prev = this.#cells.get(address);
    if (prev && prev.text === next.text && prev.effect === next.effect && prev.color === next.color) return;
    const cell: LedCell = { text: next.text, effect: next.effect, ...(next.color ? { color: next.color } : {}), updatedAt: this.scheduler.now() };
    this.#cells.set(address, cell);
    this.emit('changed', address, { ...cell });
  }

  /** Sends `bytes`, preceded by the garbage of a `garbage` fault. */
  protected answer(send: Send, bytes: Buffer, fault: LedSimFault | null): void {
    if (fault?.kind === 'garbage') send(fault.bytes);
    send(bytes);
  }
}
