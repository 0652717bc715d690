import net from 'node:net';
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
  readonly #host: string;
  #server: net.Server | null = null;
  #port: number;
  #sockets = new Set<net.Socket>();

  private constructor(opts: FakeTcpPrinterOptions) {
    super(opts);
    this.#host = opts.host ?? '127.0.0.1';
    this.#port = opts.port ?? 0;
  }

  static async start(opts: FakeTcpPrinterOptions = {}): Promise<FakeTcpPrinter> {
    const p = new FakeTcpPrinter(opts);
    await p.online();
    return p;
  }

  get port(): number {
    return this.#port;
  }

  /** `tcp://127.0.0.1:<port>`, for transportFromUri / printerFromUri. */
  get uri(): string {
    return `tcp://${this.#host}:${this.#port}`;
  }

  get isOnline(): boolean {
    return this.#server !== null;
  }

  /** Listens again (on the same port once one was assigned). */
  online(): Promise<void> {
    if (this.#server) return Promise.resolve();
    const server = net.createServer((socket) => this.#accept(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, this.#host, () => {
        server.off('error', reject);
        this.#port = (server.address() as net.AddressInfo).port;
        this.#server = server;
        resolve();
      });
    });
  }

  /** Stops listening and drops open connections: the printer is switched off or unplugged. */
  offline(): Promise<void> {
    const server = this.#server;
    if (!server) return Promise.resolve();
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.offline();
  }

  #accept(socket: net.Socket): void {
    this.#sockets.add(socket);
    const feed = this.attach((bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    });
    socket.on('data', feed);
    socket.on('error', () => undefined); // a client reset is not the printer's problem
    socket.on('close', () => this.#sockets.delete(socket));
  }
}
