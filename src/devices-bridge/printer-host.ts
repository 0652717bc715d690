import { endpointForUri } from '../../devices/endpoint.ts';
import { type FakeTcpPrinter, printerForEndpoint, type PrintQueue, renderTicket, type PrintJobEvent } from '../../devices/printer/index.ts';
import type { HallConfig } from '../config/schema.ts';
import { reportStatus, type DeviceStatus, type Emit } from './device-status.ts';
import { receiptFooter } from './receipt-text.ts';
import { TicketPrinterDevice } from './hosts/ticket-printer.ts';

export interface PrinterHostConfig {
  kioskId: string;
  /** `tcp://host:9100`, `serial:/dev/ttyUSB0?baud=9600`, `file:/dev/usb/lp0`, or `sim` for the fake LAN printer. */
  uri: string;
  paperMm: 80 | 58;
}

export interface TicketToPrint {
  ticketId: string;
  number: string;
  categoryId: string;
  ahead: number;
  estimatedWaitMin: number;
  issuedAt: number;
  holderNameMasked: string | null;
  priorityGroup: string | null;
  /** Windows serving its category when issued (0: nobody yet); absent on older events. */
  openWindows?: number | null;
}

export function ticketToPrint(d: {
  ticketId: string;
  number: string;
  categoryId: string;
  estimate: { ahead: number; minutes: number; openWindows?: number };
  issuedAt: number;
  holder: { nameMasked: string } | null;
  priorityGroup: string | null;
}): TicketToPrint {
  return {
    ticketId: d.ticketId,
    number: d.number,
    categoryId: d.categoryId,
    ahead: d.estimate.ahead,
    estimatedWaitMin: d.estimate.minutes,
    issuedAt: d.issuedAt,
    holderNameMasked: d.holder?.nameMasked ?? null,
    priorityGroup: d.priorityGroup,
    openWindows: d.estimate.openWindows ?? null,
  };
}

/** What the kiosk is told about its ticket's paper copy, at issue and then as `print.job`. */
export type PrintState = 'printing' | 'printed' | 'failed' | 'unavailable';

/**
 * One kiosk's ticket printer, run by the hub: the shared printer host (TicketPrinterDevice: a print
 * queue with retry and reprint over the configured transport, or the fake LAN printer of the demo).
 * A ticket is enqueued only after its issue is committed; job progress goes to the kiosk as
 * `print.job` and health to the manager room as `device.status`. A dead printer never blocks a
 * ticket: the kiosk shows the number on screen.
 */
export class PrinterHost {
  device!: TicketPrinterDevice;
  fake: FakeTcpPrinter | null = null;
  #status: DeviceStatus;

  constructor(
    readonly config: PrinterHostConfig,
    private readonly hall: HallConfig,
    private readonly emit: Emit,
    private readonly publicUrl: () => string,
  ) {
    this.#status = { device: `printer:${config.kioskId}`, kind: 'printer', kioskId: config.kioskId, state: 'starting', detail: config.uri, at: Date.now() };
  }

  async start(): Promise<void> {
    const endpoint = endpointForUri('printer', this.config.uri);
    this.fake = endpoint.simulator;
    await endpoint.ready;
    this.device = new TicketPrinterDevice(this.#status.device, printerForEndpoint(endpoint), (s) => {
      this.#status = reportStatus(this.emit, this.#status.device, 'printer', s, this.config.kioskId);
    }, {});
    this.device.queue.on('job', (e: PrintJobEvent) => this.#onJob(e));
    this.device.start();
  }

  async stop(): Promise<void> {
    await this.device?.stop();
    await this.fake?.offline();
  }

  get queue(): PrintQueue {
    return this.device.queue;
  }

  get status(): DeviceStatus {
    return this.#status;
  }

  /** Whether a ticket issued now would print, judged from the last thing the printer said. */
  get state(): PrintState {
    return this.device.printing ? 'printing' : 'unavailable';
  }

  printTicket(t: TicketToPrint): string {
    const bytes = ticketBytes(this.hall, t, this.config.paperMm, this.publicUrl());
    return this.queue.enqueue({ bytes, label: t.number, ref: t.ticketId });
  }

  reprint(ticketId: string): string | null {
    const last = this.queue
      .jobs()
      .filter((j) => j.ref === ticketId)
      .at(-1);
    return last ? this.queue.reprint(last.id) : null;
  }

  #onJob(e: PrintJobEvent): void {
    const state: PrintState | null =
      e.type === 'printed' ? 'printed' : e.type === 'failed' || e.type === 'canceled' ? 'failed' : e.type === 'retry' || e.type === 'held' ? 'failed' : e.type === 'printing' ? 'printing' : null;
    if (state && e.job.ref) {
      this.emit(`kiosk:${this.config.kioskId}`, 'print.job', { jobId: e.job.id, ticketId: e.job.ref, number: e.job.label, state, event: e.type, attempt: e.attempt, error: e.error });
    }
  }
}

/** The bytes of a ticket for this hall's printers: the same whether the hub or an agent prints them. */
export function ticketBytes(hall: HallConfig, t: TicketToPrint, paperMm: 80 | 58, publicUrl: string): Buffer {
  const category = hall.categories.find((c) => c.id === t.categoryId);
  const group = t.priorityGroup ? hall.priorityGroups.find((g) => g.id === t.priorityGroup) : undefined;
  return renderTicket(
    {
      hallName: hall.hall.name,
      number: t.number,
      categoryName: category?.name.zh ?? t.categoryId,
      ahead: t.ahead,
      // With no window serving yet, the footer says so instead of a number of minutes.
      estimatedWaitMin: t.openWindows === 0 ? null : t.estimatedWaitMin,
      issuedAt: t.issuedAt,
      timeZone: hall.hall.timeZone,
      holderNameMasked: t.holderNameMasked,
      statusUrl: `${publicUrl}/t/${t.ticketId}`,
      priorityLabel: group ? `${group.name.zh}优先` : null,
      footer: receiptFooter(hall, t),
    },
    { paperMm },
  );
}
