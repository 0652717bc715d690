import { TcpListener } from '../../tcp-listener.ts';
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
  readonly #listener: TcpListener;

  private constructor(opts: FakeTcpOnbonOptions) {
    this.simulator = new OnbonBxSimulator(opts);
    // Every connection shares the one controller's state.
    this.#listener = new TcpListener(opts.host ?? '127.0.0.1', opts.port ?? 0, (socket) => this.simulator.attach(new SocketTransport(socket)));
  }

  static async start(opts: FakeTcpOnbonOptions = {}): Promise<FakeTcpOnbon> {
    const c = new FakeTcpOnbon(opts);
    await c.online();
    return c;
  }

  get host(): string {
    return this.#listener.host;
  }

  get port(): number {
    return this.#listener.port;
  }

  get connections(): number {
    return this.#listener.connections;
  }

  online(): Promise<void> {
    return this.#listener.online();
  }

  offline(): Promise<void> {
    return this.#listener.offline();
  }

  close(): Promise<void> {
    return this.offline();
  }
}
