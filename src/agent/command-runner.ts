import { printerFromUri, type PrintQueue, type PrintJobEvent } from '../../devices/printer/index.ts';
import type { HostedDevice } from '../devices-bridge/hosts/hosted-device.ts';
import { PRINTER_POLL_MS, TicketPrinterDevice } from '../devices-bridge/hosts/ticket-printer.ts';
import type { AgentCommandMessage, AgentDeviceCommand, AgentPrintCommand, DeviceCommand } from '../realtime/protocol.ts';
import type { CommandJournal, Outcome } from './command-journal.ts';

/** Commands that show a text: run again after a crash mid-way shows the same text once more, which is harmless. */
const REPEATABLE: ReadonlySet<DeviceCommand['kind']> = new Set(['led.show', 'keypad.lcd']);

export interface AgentPrinter {
  device: string;
  uri: string;
}

/**
 * Runs the hub's commands on this PC's devices, one at a time in the hub's order, each id at most once
 * (the journal), and reports each outcome; printers report their state as the hub's own hosts do. The
 * bus devices (LED bars, keypads, pads) are the hub's own host modules, given here by id.
 */
export class CommandRunner {
  readonly #printers = new Map<string, TicketPrinterDevice>();
  readonly #chains = new Map<string, Promise<void>>();

  constructor(
    printers: readonly AgentPrinter[],
    private readonly journal: CommandJournal,
    private readonly report: (id: string, outcome: Outcome) => Promise<void>,
    reportStatus: (device: string, state: string, detail: string) => void,
    /** How often the printers are asked how they are (tests shorten it). */
    statusPollMs = PRINTER_POLL_MS,
    private readonly devices: ReadonlyMap<string, HostedDevice> = new Map(),
  ) {
    for (const p of printers) {
      // The hub's own printer host, told again once a minute anyway (the board's "last seen").
      const device = new TicketPrinterDevice(p.device, printerFromUri(p.uri, { statusTimeoutMs: 1000 }), (s) => reportStatus(p.device, s.state, s.detail), { statusPollMs, heartbeatMs: 60_000 });
      device.start();
      this.#printers.set(p.device, device);
    }
  }

  /** Each device runs its commands in the hub's order; devices do not wait for each other (a bar for a print). */
  handle(msg: AgentCommandMessage): void {
    const next = (this.#chains.get(msg.device) ?? Promise.resolve()).then(() => this.#run(msg)).catch(() => undefined);
    this.#chains.set(msg.device, next);
  }

  async idle(): Promise<void> {
    await Promise.all(this.#chains.values());
  }

  async close(): Promise<void> {
    for (const p of this.#printers.values()) await p.stop();
  }

  async #run(msg: AgentCommandMessage): Promise<void> {
    const seen = this.journal.state(msg.id);
    if (seen.kind === 'done') return this.report(msg.id, seen.outcome).catch(() => undefined);
    if (msg.kind === 'device') return this.#runDevice(msg, seen.kind === 'interrupted');
    if (seen.kind === 'interrupted') {
      this.journal.done(msg.id, 'uncertain');
      return this.report(msg.id, 'uncertain').catch(() => undefined);
    }
    const queue = this.#printers.get(msg.device)?.queue;
    this.journal.started(msg.id);
    const outcome: Outcome = queue ? await printOnce(queue, msg) : 'failed';
    this.journal.done(msg.id, outcome);
    await this.report(msg.id, outcome).catch(() => undefined);
  }

  /** A bus device's command; one cut short by a crash runs again only if it shows a text (a beep or a rating request does not). */
  async #runDevice(msg: AgentDeviceCommand, interrupted: boolean): Promise<void> {
    if (interrupted && !REPEATABLE.has(msg.command.kind)) {
      this.journal.done(msg.id, 'uncertain');
      return this.report(msg.id, 'done').catch(() => undefined);
    }
    const device = this.devices.get(msg.device);
    this.journal.started(msg.id);
    const ok = device ? await device.run(msg.command).catch(() => false) : false;
    const outcome: Outcome = ok ? 'done' : 'failed';
    this.journal.done(msg.id, outcome);
    await this.report(msg.id, outcome).catch(() => undefined);
  }
}

function printOnce(queue: PrintQueue, msg: AgentPrintCommand): Promise<Outcome> {
  return new Promise((resolve) => {
    let jobId: string | null = null;
    const onJob = (e: PrintJobEvent) => {
      if (e.job.id !== jobId) return;
      if (e.type === 'printed' || e.type === 'failed' || e.type === 'canceled') {
        queue.off('job', onJob);
        resolve(e.type === 'printed' ? 'printed' : 'failed');
      }
    };
    queue.on('job', onJob);
    jobId = queue.enqueue({ bytes: Buffer.from(msg.bytes, 'base64'), label: msg.number, ref: msg.ticketId });
  });
}
