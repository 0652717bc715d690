import { TcpListener } from '../../tcp-listener.ts';
import { SimulatedPrinter, type SimulatedPrinterOptions } from './simulated-printer.ts';

export interface FakeTcpPrinterOptions extends SimulatedPrinterOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

/**
 * A LAN receipt printer on 127.0.0.1 (raw port protocol, like port 9100) for tests, dev mode and the demo.
 * Everything SimulatedPrinter does, plus offline() (stops listening and drops connections: clients get
 * ECONNREFUSED) and online() (listens again on the same port).
 */
export class FakeTcpPrinter extends SimulatedPrinter {
  readonly #listener: TcpListener;

  private constructor(opts: FakeTcpPrinterOptions) {
    super(opts);
    this.#listener = new TcpListener(opts.host ?? '127.0.0.1', opts.port ?? 0, (socket) => {
      const feed = this.attach((bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      });
      socket.on('data', feed);
      return () => undefined;
    });
  }

  static async start(opts: FakeTcpPrinterOptions = {}): Promise<FakeTcpPrinter> {
    const p = new FakeTcpPrinter(opts);
    await p.online();
    return p;
  }

  /** Not listening yet: call online() (endpointForUri builds its sim printer this way, synchronously). */
  static create(opts: FakeTcpPrinterOptions = {}): FakeTcpPrinter {
    return new FakeTcpPrinter(opts);
  }

  get host(): string {
    return this.#listener.host;
  }

  get port(): number {
    return this.#listener.port;
  }

  /** `tcp://127.0.0.1:<port>`, for transportFromUri / printerFromUri. */
  get uri(): string {
    return `tcp://${this.#listener.host}:${this.#listener.port}`;
  }

  get isOnline(): boolean {
    return this.#listener.isOnline;
  }

  /** Listens again (on the same port once one was assigned). */
  online(): Promise<void> {
    return this.#listener.online();
  }

  /** Stops listening and drops open connections: the printer is switched off or unplugged. */
  offline(): Promise<void> {
    return this.#listener.offline();
  }

  close(): Promise<void> {
    return this.offline();
  }
}
