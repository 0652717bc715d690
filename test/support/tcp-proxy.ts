import { createServer, Socket, type Server } from 'node:net';

/**
 * A TCP forwarder between a browser and the hub: `cut()` drops every connection through it and
 * refuses new ones (a screen's network cable pulled), `restore()` lets them through again, on the
 * same port. The hub behind it may stop and start meanwhile.
 */
export class TcpProxy {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  static async start(targetPort: number, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(port, targetPort);
    const bound = await proxy.#listen(port);
    (proxy as { port: number }).port = bound;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  #listen(port: number): Promise<number> {
    const server = createServer((client) => {
      const upstream = new Socket();
      this.#track(client);
      this.#track(upstream);
      upstream.connect(this.targetPort, '127.0.0.1');
      client.pipe(upstream);
      upstream.pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
      client.on('close', end);
      upstream.on('close', end);
    });
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  #track(s: Socket): void {
    this.#sockets.add(s);
    s.once('close', () => this.#sockets.delete(s));
  }

  /** Drops every connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.#server) await this.#listen(this.port);
  }

  async close(): Promise<void> {
    await this.cut();
  }
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof addr === 'object' && addr ? addr.port : 0;
}
