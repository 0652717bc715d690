import { PrintQueue, type PrinterDevice, type PrinterStatusReport, type PrintJobEvent } from '../../../devices/printer/index.ts';
import type { StatusSink } from './hosted-device.ts';

/**
 * How often an idle printer is asked for its state, in the hub and on an agent alike. The guide desk
 * must hear of paper out within 2 s (#14): at 1 s only about a second was left for the query, the
 * report and the screen, and a busy PC took longer. A query is four bytes out and four back.
 */
export const PRINTER_POLL_MS = 500;

export interface TicketPrinterOptions {
  /** How often an idle printer is asked for its state (paper, cover, link); default `PRINTER_POLL_MS`. */
  statusPollMs?: number;
  /** Say the state again after this long even if unchanged (the board's "last seen" of a printer on an agent); 0: only on change. */
  heartbeatMs?: number;
}

/**
 * One kiosk's ticket printer: a print queue with retry and hold over the printer the caller opened
 * (a LAN socket, a serial port, a file, the simulator), its state polled and told as one word with a
 * detail when it changes. The same in the hub (PrinterHost) and on an agent (CommandRunner); only
 * what becomes of a job's progress differs.
 */
export class TicketPrinterDevice {
  readonly queue: PrintQueue;
  #report: PrinterStatusReport | null = null;
  #failing = false;
  #told: { state: string; detail: string; at: number } | null = null;
  #poll: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    printer: PrinterDevice,
    private readonly onStatus: StatusSink,
    private readonly opts: TicketPrinterOptions,
  ) {
    // Short backoff: a resident stands at the kiosk, and a job held for long is better failed.
    this.queue = new PrintQueue({ device: printer, maxAttempts: 3, backoff: { baseMs: 500, maxMs: 4000 }, maxHoldMs: 60_000 });
    this.queue.on('job', (e: PrintJobEvent) => {
      if (e.type === 'printed') this.#failing = false;
      if (e.type === 'retry' || e.type === 'failed' || e.type === 'held') this.#failing = true;
      if (e.type === 'retry' || e.type === 'failed' || e.type === 'held' || e.type === 'printed') this.#publish();
    });
    this.queue.on('status', (s: PrinterStatusReport) => {
      this.#report = s;
      this.#publish();
    });
  }

  /** Knows the printer's state before the first resident does, and keeps knowing it. */
  start(): void {
    void this.queue.checkStatus().catch(() => undefined);
    this.#poll = setInterval(() => void this.queue.checkStatus().catch(() => undefined), this.opts.statusPollMs ?? PRINTER_POLL_MS);
    this.#poll.unref();
  }

  async stop(): Promise<void> {
    if (this.#poll) clearInterval(this.#poll);
    await this.queue.close();
  }

  /** Whether a ticket printed now would come out, judged from the last thing the printer said. */
  get printing(): boolean {
    const s = this.#report;
    return !(this.#failing || (s && (!s.online || s.paperOut || s.coverOpen || s.error)));
  }

  #publish(): void {
    const s = this.#report;
    // The cause first: a printer out of paper or with its cover open also reports itself offline.
    const state = this.printing ? 'ok' : !s ? 'offline' : s.paperOut ? 'paper-out' : s.coverOpen ? 'cover-open' : s.online === false ? 'offline' : s.error ? 'error' : 'failing';
    const detail = [s?.paperNearEnd ? 'paper near end' : null, s?.lastError ?? null].filter(Boolean).join('; ');
    const last = this.#told;
    const beat = this.opts.heartbeatMs ?? 0;
    if (last && last.state === state && last.detail === detail && (beat === 0 || Date.now() - last.at < beat)) return;
    this.#told = { state, detail, at: Date.now() };
    this.onStatus({ state, detail });
  }
}
