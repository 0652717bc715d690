import net from 'node:net';

/**
 * The TCP side of a fake LAN device (printer on 9100, LED controller on 5005): listens on a host
 * and port, hands each connection to the device, and can be switched off (drops connections; new
 * ones get ECONNREFUSED) and on again on the same port, as a real device is unplugged and replugged.
 */
export class TcpListener {
  #server: net.Server | null = null;
  #port: number;
  readonly #sockets = new Set<net.Socket>();

  /** `onSocket` attaches the device to a connection and returns what to undo when it closes. */
  constructor(
    readonly host: string,
    port: number,
    private readonly onSocket: (socket: net.Socket) => () => void,
  ) {
    this.#port = port;
  }

  get port(): number {
    return this.#port;
  }

  get isOnline(): boolean {
    return this.#server !== null;
  }

  get connections(): number {
    return this.#sockets.size;
  }

  /** Listens (again, on the same port once one was assigned). */
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

  /** Stops listening and drops open connections. */
  offline(): Promise<void> {
    const server = this.#server;
    if (!server) return Promise.resolve();
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // a client reset is not the device's problem
    const detach = this.onSocket(socket);
    socket.on('close', () => {
      detach();
      this.#sockets.delete(socket);
    });
  }
}
