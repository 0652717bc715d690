import net from 'node:net';
import { SocketTransport } from '../transport/socket-transport.ts';
import { OnbonBxSimulator, type OnbonBxSimulatorOptions } from './onbon-bx-simulator.ts';

export interface FakeTcpOnbonOptions extends OnbonBxSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). A real controller listens on 5005. */
  port?: number;
}

/**
 * An Onbon controller on 127.0.0.1 for dev mode, the demo and tests: an OnbonBxSimulator behind a
 * TCP listener (every connection shares its state). offline() drops connections and stops
 * listening (clients get ECONNREFUSED); online() listens again on the same port.
 */
export class FakeTcpOnbon {
  readonly simulator: OnbonBxSimulator;
  readonly host: string;
  #port: number;
  #server: net.Server | null = null;
  readonly #sockets = new Set<net.Socket>();

  private constructor(opts: FakeTcpOnbonOptions) {
    this.simulator = new OnbonBxSimulator(opts);
    this.host = opts.host ?? '127.0.0.1';
    this.#port = opts.port ?? 0;
  }

  static async start(opts: FakeTcpOnbonOptions = {}): Promise<FakeTcpOnbon> {
    const c = new FakeTcpOnbon(opts);
    await c.online();
    return c;
  }

  get port(): number {
    return this.#port;
  }

  get connections(): number {
    return this.#sockets.size;
  }

  online(): Promise<void> {
    if (this.#server) return Promise.resolve();
    const server = net.createServer((socket) => this.#accept(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, this.host, () => {
        server.off('error', reject);
        this.#port = (server.address() as net.AddressInfo).port;
        this.#server = server;
        resolve();
      });
    });
  }

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
    socket.setNoDelay(true);
    const detach = this.simulator.attach(new SocketTransport(socket));
    socket.on('close', () => {
      detach();
      this.#sockets.delete(socket);
    });
  }
}
