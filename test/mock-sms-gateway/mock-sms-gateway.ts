import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * - `ok`: `{"code":"0","msg":"提交成功","data":{"msgId":"M<n>"}}`;
 * - `refuse`: HTTP 200 with `{"code":"1003","msg":"短信签名未报备"}`, as Chinese gateways refuse;
 * - `fail`: HTTP 503 with a page;
 * - `stall`: takes the request and never answers (the client's timeout must cut it);
 * - `garbled`: HTTP 200 with HTML.
 */
export type MockSmsGatewayMode = 'ok' | 'refuse' | 'fail' | 'stall' | 'garbled';

/** One request as the mock heard it. */
export interface MockSmsRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  contentType: string | null;
  /** Parsed JSON or form fields; the raw text when neither. */
  body: unknown;
}

/** An operator's HTTP SMS gateway for tests: a real HTTP server on 127.0.0.1, port 0. */
export class MockSmsGateway {
  mode: MockSmsGatewayMode = 'ok';
  readonly requests: MockSmsRequest[] = [];
  readonly #server: Server;
  readonly #stalled = new Set<ServerResponse>();
  #sent = 0;

  private constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(): Promise<MockSmsGateway> {
    const mock = new MockSmsGateway();
    await new Promise<void>((resolve) => mock.#server.listen(0, '127.0.0.1', resolve));
    return mock;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.#stalled) res.destroy();
    this.#stalled.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://mock');
    const contentType = req.headers['content-type'] ?? null;
    let body: unknown = raw;
    if (contentType?.startsWith('application/json')) body = JSON.parse(raw) as unknown;
    else if (contentType?.startsWith('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(raw));
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, contentType, body });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(value));
    };
    switch (this.mode) {
      case 'ok':
        return json(200, { code: '0', msg: '提交成功', data: { msgId: `M${++this.#sent}` } });
      case 'refuse':
        return json(200, { code: '1003', msg: '短信签名未报备' });
      case 'fail':
        res.writeHead(503, { 'Content-Type': 'text/html' });
        res.end('<html><body>503 Service Temporarily Unavailable</body></html>');
        return;
      case 'garbled':
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html>maintenance</html>');
        return;
      case 'stall':
        this.#stalled.add(res);
        return;
      default: {
        const unhandled: never = this.mode;
        return unhandled;
      }
    }
  }
}
