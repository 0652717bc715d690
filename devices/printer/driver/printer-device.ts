import type { DeviceEndpoint } from '../../endpoint.ts';
import type { DeviceLink } from '../../link/device-link.ts';
import { LinkSupervisor } from '../../link/link-supervisor.ts';
import type { ByteTransport } from '../../transport.ts';
import type { PrinterStatus } from '../codec/status-decode.ts';
import { parsePrinterUri, transportFromUri } from '../transport/from-uri.ts';
import { systemScheduler, type Scheduler } from '../../scheduler.ts';
import { queryStatus, type StatusMethod } from './status-query.ts';

/** One connection to the printer, for one print attempt. */
export interface PrinterSession {
  /** The printer's status, or null when it cannot tell (file transport, no reply). Rejects when the link drops. */
  readStatus(): Promise<PrinterStatus | null>;
  write(bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** What PrintQueue drives. Tests give it a fake; production a TransportPrinter. */
export interface PrinterDevice {
  readonly description: string;
  /** Opens a session; rejects with a TransportError (`disconnected` when the printer is unreachable). */
  connect(): Promise<PrinterSession>;
}

export interface TransportPrinterOptions {
  /** How to ask for status. Default 'dle-eot'. */
  status?: StatusMethod;
  /** Wait for each status reply. Default 1000 ms. */
  statusTimeoutMs?: number;
  scheduler?: Scheduler;
}

/**
 * A printer behind a ByteTransport, opened per session through an on-demand link (devices/link):
 * a LAN printer often takes one client at a time and drops idle connections, so holding a socket
 * between tickets buys nothing. The link opens and closes the transport and keeps the link status;
 * when to try again after a failure is the print queue's (its job retries use the one backoff rule).
 */
export class TransportPrinter implements PrinterDevice {
  readonly description: string;
  /** The printer's link (on-demand: one open per session). */
  readonly link: DeviceLink;
  #started = false;

  constructor(
    transport: ByteTransport,
    private readonly options: TransportPrinterOptions = {},
  ) {
    this.description = transport.description;
    this.link = new LinkSupervisor(transport, { mode: 'on-demand', ...(options.scheduler ? { scheduler: options.scheduler } : {}) });
  }

  async connect(): Promise<PrinterSession> {
    if (!this.#started) {
      this.#started = true;
      this.link.start();
    }
    await this.link.acquire();
    const { status = 'dle-eot', statusTimeoutMs = 1000, scheduler = systemScheduler } = this.options;
    return {
      readStatus: () => queryStatus(this.link, { method: status, timeoutMs: statusTimeoutMs, scheduler }),
      write: (bytes) => this.link.write(bytes),
      close: () => this.link.release(),
    };
  }
}

/** A TransportPrinter for a config address; file: printers are write-only, so they skip the status query. */
export function printerFromUri(uri: string, options: TransportPrinterOptions = {}): TransportPrinter {
  const parsed = parsePrinterUri(uri);
  const status = options.status ?? (parsed.kind === 'file' ? 'none' : 'dle-eot');
  return new TransportPrinter(transportFromUri(parsed), { ...options, status });
}

/** A TransportPrinter for an endpoint (`endpointForUri('printer', uri)`, `sim` included); file: printers are write-only. */
export function printerForEndpoint(endpoint: DeviceEndpoint<'printer'>, options: TransportPrinterOptions = {}): TransportPrinter {
  const status = options.status ?? (endpoint.address?.kind === 'file' ? 'none' : 'dle-eot');
  return new TransportPrinter(endpoint.transport, { ...options, status });
}
