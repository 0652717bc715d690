import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemScheduler, type Scheduler } from '../../devices/scheduler.ts';
import { checkZhejiangFollowup, checkZhejiangReport } from './zhejiang-rules.ts';
import { checkAnhuiPush, decodePageParam, kindOfPush } from './anhui-rules.ts';

/** The demo's shared key (the CLI's default); the hall config's `upstream.secret` must match it. Never for a real platform. */
export const DEMO_SECRET = 'hallq-demo-upstream-secret';

/**
 * - `ok`: records the rating and answers as the platform does (`ok()` of its dialect).
 * - `fail`: 500, nothing recorded.
 * - `stall`: accepts the request and never answers (the client's timeout must cut it).
 * - `slow`: records and answers as `ok` after `delayMs` (recorded even if the client gave up by then,
 *   as a real platform that committed would).
 * - `reject`: refused as the platform refuses (the generic one's 400), nothing recorded: it calls every record malformed.
 * - `ack-lost`: records the rating, then drops the connection without an answer: the one case where
 *   the hub sends a rating again, and where the idempotency key must prevent a double count.
 */
export type MockMode = 'ok' | 'fail' | 'stall' | 'slow' | 'reject' | 'ack-lost';
export const MOCK_MODES: readonly MockMode[] = ['ok', 'fail', 'stall', 'slow', 'reject', 'ack-lost'];

/**
 * Which platform the mock plays (`npm run mock-upstream -- --platform zhejiang`):
 * - `generic`: our JSON, answered by HTTP status (400 malformed, 409 already there, 200 `{"code":0}`);
 * - `zhejiang`: the pushed form report, every field checked as `zhejiang-rules.ts` says, answered
 *   HTTP 200 with `{"result","resultmsg"}` (`-1` and the platform's message when refused);
 * - `anhui`: the province's own rating page. It takes `{"params":{...}}` pushes (the case and its
 *   applicant first, as `anhui-rules.ts` checks), answers `{"status":{"code":"200"},"custom":{…}}`,
 *   serves its page at `/page?param=…` and reports each rating made there to the hub (`callbackUrl`).
 */
export type MockPlatform = 'generic' | 'zhejiang' | 'anhui';
export const MOCK_PLATFORMS: readonly MockPlatform[] = ['generic', 'zhejiang', 'anhui'];

/** How one platform reads a body and words its answers. */
interface Dialect {
  /** The parsed record, or the platform's refusal. */
  parse(raw: Buffer, contentType: string | null, received: readonly MockReceived[], pageRated: ReadonlySet<string>): { body: unknown } | { refused: string };
  refuse(msg: string): { status: number; body: unknown };
  duplicate(): { status: number; body: unknown };
  ok(): { status: number; body: unknown };
}

const DIALECTS: Record<MockPlatform, Dialect> = {
  generic: {
    parse(raw) {
      try {
        return { body: JSON.parse(raw.toString('utf8')) as unknown };
      } catch {
        return { refused: 'body is not JSON' };
      }
    },
    refuse: (msg) => ({ status: 400, body: { code: 400, msg } }),
    duplicate: () => ({ status: 409, body: { code: 'duplicate', msg: '重复上报,已存在 / already received' } }),
    ok: () => ({ status: 200, body: { code: 0, msg: 'ok' } }),
  },
  zhejiang: {
    parse(raw, contentType, received) {
      if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) return { refused: '请求须为表单参数(application/x-www-form-urlencoded)' };
      const form = new URLSearchParams(raw.toString('utf8'));
      // A follow-up result carries reviewType; it needs an evaluation of its case on file first.
      const rated = () => new Set(received.map((r) => r.body as Record<string, string>).filter((b) => b.reviewType === undefined).map((b) => b.projectNo ?? ''));
      const problem = form.has('reviewType') ? checkZhejiangFollowup(form, rated()) : checkZhejiangReport(form);
      return problem ? { refused: problem } : { body: Object.fromEntries(form) };
    },
    refuse: (msg) => ({ status: 200, body: { result: '-1', resultmsg: msg } }),
    duplicate: () => ({ status: 200, body: { result: '-1', resultmsg: '该评价记录已存在' } }),
    ok: () => ({ status: 200, body: { result: '0', resultmsg: '成功' } }),
  },
  anhui: {
    parse(raw, _contentType, received, pageRated) {
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return { refused: '请求体不是JSON' };
      }
      const pushes = received.map((r) => (r.body as { params: Record<string, string> }).params);
      const cases = new Set(pushes.filter((p) => kindOfPush(p) === 'case').map((p) => p.serviceNumber!));
      const rated = new Set([...pageRated, ...pushes.filter((p) => kindOfPush(p) === 'rating').map((p) => p.serviceNumber!)]);
      const problem = checkAnhuiPush(body, { cases, rated });
      return problem ? { refused: problem } : { body };
    },
    refuse: (msg) => ({ status: 200, body: { status: { code: '200' }, custom: { code: '0', text: msg } } }),
    duplicate: () => ({ status: 200, body: { status: { code: '200' }, custom: { code: '0', text: '已存在该条服务信息' } } }),
    ok: () => ({ status: 200, body: { status: { code: '200' }, custom: { code: '1', text: '成功' } } }),
  },
};

export interface MockReceived {
  ratingId: string;
  /** The parsed body as posted. */
  body: unknown;
  /** `X-Timestamp` as sent. */
  timestamp: string | null;
  at: number;
}

/** One raw POST to the rating endpoint, whatever became of it. */
export interface MockPost {
  ratingId: string | null;
  /** The status answered, or how the request ended without one. */
  result: number | 'stalled' | 'dropped';
  /** The key had already been accepted before this POST: a re-send after a lost acknowledgement. */
  repeat: boolean;
  at: number;
}

export interface MockStats {
  mode: MockMode;
  delayMs: number;
  /** Raw POSTs to the rating endpoint. */
  posts: number;
  /** Distinct ratings recorded. */
  accepted: number;
  /** POSTs of a key already recorded (answered 409). */
  duplicates: number;
  badSignature: number;
  failed: number;
  rejected: number;
  stalled: number;
  dropped: number;
}

export interface MockUpstreamOptions {
  /** The HMAC-SHA256 key `X-Signature` must be made with. */
  secret: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Path of the rating endpoint. Default `/ratings`. */
  path?: string;
  mode?: MockMode;
  /** For `slow`. Default 2000. */
  delayMs?: number;
  scheduler?: Scheduler;
  /** Called for every POST to the rating endpoint (the CLI prints them). */
  onPost?: (post: MockPost) => void;
  /** Default `generic`. */
  platform?: MockPlatform;
  /** anhui: where the platform reports a rating made on its page (the hub's `/api/v1/upstream/page-results`). */
  callbackUrl?: string;
  /**
   * generic: the hall's own contract for its JSON (its mapping is the hall's to define): the
   * platform's message for a body it must refuse (400), or null. Sees what was received before.
   */
  check?: (body: unknown, received: readonly MockReceived[]) => string | null;
}

const MAX_BODY = 1 << 20;

/**
 * A stand-in for the province's 好差评 platform, on node:http. It verifies `X-Signature` (401 when
 * wrong or missing), requires `X-Idempotency-Key` (400 without), and records each key once, in the
 * order first received: a repeated key is the record it already has, answered 409 and not counted
 * again. That is the contract hallq's upload relies on for its one possible duplicate.
 *
 * Controls, in code or over HTTP for the demo: `POST /_control {"mode":"fail","delayMs":3000,
 * "poison":["<ratingId>"],"reset":true}`, `GET /_control` (mode and counts), `GET /_received`.
 */
export class MockUpstream {
  readonly #server: Server;
  readonly #secret: string;
  readonly #path: string;
  readonly #clock: Scheduler;
  readonly #onPost: ((post: MockPost) => void) | undefined;
  readonly #dialect: Dialect;
  readonly #platform: MockPlatform;
  readonly #check: MockUpstreamOptions['check'];
  #callbackUrl: string | undefined;
  /** anhui: ratings made on the platform's own page, by service, as the platform recorded them. */
  #pageRatings = new Map<string, { level: number; evalDetail: string; at: number }>();
  /** The last refusals' messages, newest last (what the hub's dead letters must keep). */
  #refusals: { ratingId: string | null; msg: string }[] = [];
  #mode: MockMode;
  #delayMs: number;
  #received: MockReceived[] = [];
  #accepted = new Set<string>();
  #posts: MockPost[] = [];
  #poisoned = new Set<string>();
  #stats = { badSignature: 0, failed: 0, rejected: 0, stalled: 0, dropped: 0, duplicates: 0 };
  #pendingTimers = new Set<() => void>();
  /** Set once listening. */
  url = '';
  /** Base URL for the controls. */
  origin = '';

  private constructor(opts: MockUpstreamOptions) {
    this.#secret = opts.secret;
    this.#path = opts.path ?? '/ratings';
    this.#clock = opts.scheduler ?? systemScheduler;
    this.#onPost = opts.onPost;
    this.#dialect = DIALECTS[opts.platform ?? 'generic'];
    this.#platform = opts.platform ?? 'generic';
    this.#check = opts.check;
    this.#callbackUrl = opts.callbackUrl;
    this.#mode = opts.mode ?? 'ok';
    this.#delayMs = opts.delayMs ?? 2000;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.#json(res, 500, { code: 500, msg: `mock error: ${(err as Error).message}` });
      });
    });
  }

  static async start(opts: MockUpstreamOptions): Promise<MockUpstream> {
    const mock = new MockUpstream(opts);
    const host = opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      mock.#server.once('error', reject);
      mock.#server.listen(opts.port ?? 0, host, () => resolve());
    });
    const { port } = mock.#server.address() as AddressInfo;
    mock.origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    mock.url = `${mock.origin}${mock.#path}`;
    return mock;
  }

  /** Sets how the platform answers from now on; `delayMs` is for `slow`. */
  fail(mode: MockMode, opts: { delayMs?: number } = {}): void {
    this.#mode = mode;
    if (opts.delayMs !== undefined) this.#delayMs = opts.delayMs;
  }

  /** These keys get 400 whatever the mode (a record the platform finds malformed). */
  poison(...ratingIds: string[]): void {
    for (const id of ratingIds) this.#poisoned.add(id);
  }

  unpoison(...ratingIds: string[]): void {
    for (const id of ratingIds) this.#poisoned.delete(id);
  }

  /** Ratings recorded, in the order first received, each once. */
  received(): MockReceived[] {
    return this.#received.map((r) => ({ ...r }));
  }

  /** Raw POSTs, all of them, optionally of one key. */
  posts(ratingId?: string): MockPost[] {
    return (ratingId === undefined ? this.#posts : this.#posts.filter((p) => p.ratingId === ratingId)).map((p) => ({ ...p }));
  }

  /** The platform's messages for records it refused, oldest first. */
  refusals(): { ratingId: string | null; msg: string }[] {
    return this.#refusals.map((r) => ({ ...r }));
  }

  stats(): MockStats {
    return { mode: this.#mode, delayMs: this.#delayMs, posts: this.#posts.length, accepted: this.#received.length, ...this.#stats };
  }

  /** Forgets everything received and counted; mode and poison list stay. */
  reset(): void {
    this.#received = [];
    this.#accepted.clear();
    this.#posts = [];
    this.#refusals = [];
    this.#pageRatings.clear();
    this.#stats = { badSignature: 0, failed: 0, rejected: 0, stalled: 0, dropped: 0, duplicates: 0 };
  }

  async close(): Promise<void> {
    for (const cancel of this.#pendingTimers) cancel();
    this.#pendingTimers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/_control' || path === '/_received') return this.#control(path, req, res);
    if (path === '/query' && req.method === 'GET') return this.#query(req, res);
    if (this.#platform === 'anhui' && path === '/page') return this.#page(req, res);
    if (path !== this.#path) return this.#json(res, 404, { code: 404, msg: `no such endpoint; ratings go to POST ${this.#path}` });
    if (req.method !== 'POST') return this.#json(res, 405, { code: 405, msg: 'POST only' });

    const raw = await readBody(req);
    const key = header(req, 'x-idempotency-key');
    const repeat = key !== null && this.#accepted.has(key);
    const post: MockPost = { ratingId: key, result: 'stalled', repeat, at: this.#clock.now() };
    this.#posts.push(post);
    const answer = (status: number, body: unknown): void => {
      post.result = status;
      this.#onPost?.(post);
      this.#json(res, status, body);
    };

    if (this.#mode === 'stall') {
      // Accept the request and never answer; the client's timeout (or close()) ends it.
      this.#stats.stalled += 1;
      this.#onPost?.(post);
      return;
    }
    if (!this.#signatureOk(raw, header(req, 'x-signature'))) {
      this.#stats.badSignature += 1;
      return answer(401, { code: 401, msg: 'bad signature' });
    }
    if (key === null) return answer(400, { code: 400, msg: 'X-Idempotency-Key is required' });
    if (this.#mode === 'fail') {
      this.#stats.failed += 1;
      return answer(500, { code: 500, msg: '系统繁忙 / platform failing (mock)' });
    }
    const refuse = (msg: string): void => {
      this.#stats.rejected += 1;
      this.#refusals.push({ ratingId: key, msg });
      const a = this.#dialect.refuse(msg);
      answer(a.status, a.body);
    };
    if (this.#mode === 'reject' || this.#poisoned.has(key)) return refuse('数据格式错误 / record rejected (mock)');
    const parsed = this.#dialect.parse(raw, header(req, 'content-type'), this.#received, new Set(this.#pageRatings.keys()));
    if ('refused' in parsed) return refuse(parsed.refused);
    const body = parsed.body;
    const problem = this.#check?.(body, this.#received) ?? null;
    if (problem !== null) return refuse(problem);
    const mode = this.#mode;
    if (mode === 'slow') await this.#sleep(this.#delayMs);

    if (this.#accepted.has(key)) {
      this.#stats.duplicates += 1;
      post.repeat = true;
      const a = this.#dialect.duplicate();
      return answer(a.status, a.body);
    }
    this.#accepted.add(key);
    this.#received.push({ ratingId: key, body, timestamp: header(req, 'x-timestamp'), at: this.#clock.now() });
    if (mode === 'ack-lost') {
      this.#stats.dropped += 1;
      post.result = 'dropped';
      this.#onPost?.(post);
      req.socket.destroy();
      return;
    }
    const a = this.#dialect.ok();
    return answer(a.status, a.body);
  }

  /**
   * What the platform holds for a period (`GET /query?from=&to=`, ms; `X-Signature` over the query
   * string): the daily reconciliation's question.
   */
  #query(req: IncomingMessage, res: ServerResponse): void {
    const query = (req.url ?? '').split('?')[1] ?? '';
    if (!this.#signatureOk(Buffer.from(query), header(req, 'x-signature'))) return this.#json(res, 401, { code: 401, msg: 'bad signature' });
    const q = new URLSearchParams(query);
    const from = Number(q.get('from'));
    const to = Number(q.get('to'));
    if (!Number.isFinite(from) || !Number.isFinite(to)) return this.#json(res, 400, { code: 400, msg: 'from and to are required' });
    const keys = this.#received.filter((r) => r.at >= from && r.at < to).map((r) => r.ratingId);
    return this.#json(res, 200, this.#platform === 'zhejiang' ? { result: '0', resultmsg: '成功', data: keys } : { keys });
  }

  /** anhui: where ratings made on the page are reported (the hub's URL is known only once it listens). */
  setCallback(url: string): void {
    this.#callbackUrl = url;
  }

  /** anhui: the ratings made on the page, as the platform holds them. */
  pageRatings(): Map<string, { level: number; evalDetail: string; at: number }> {
    return new Map(this.#pageRatings);
  }

  /**
   * anhui: a resident rates on the province's page the pad shows. The platform refuses a page whose
   * case it was never sent, records the rating as its own, and reports it to the hub, signed; the
   * hub's answer is returned.
   */
  async rateOnPage(pageUrl: string, level: number, evalDetail: string[] = [], writingEvaluation?: string): Promise<{ status: number; body: unknown }> {
    const c = decodePageParam(pageUrl);
    const serviceNumber = c.serviceNumber ?? '';
    const pushed = this.#received.some((r) => (r.body as { params?: Record<string, string> }).params?.serviceNumber === serviceNumber);
    if (!pushed) throw new Error(`服务${serviceNumber}的办件信息不存在 / the page's case was never pushed`);
    if (!this.#callbackUrl) throw new Error('no callbackUrl to report the rating to');
    this.#pageRatings.set(serviceNumber, { level, evalDetail: evalDetail.join(','), at: this.#clock.now() });
    const body = JSON.stringify({ serviceNumber, satisfaction: String(level), evalDetail: evalDetail.join(','), ...(writingEvaluation ? { writingEvaluation } : {}), pf: c.pf });
    const res = await fetch(this.#callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': createHmac('sha256', this.#secret).update(body).digest('hex') }, body });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  /** anhui: the page itself, for the demo: five buttons that rate through `rateOnPage`. */
  async #page(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    if (req.method === 'POST') {
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      const page = `${this.origin}/page?param=${encodeURIComponent(form.get('param') ?? '')}`;
      try {
        await this.rateOnPage(page, Number(form.get('level')));
        return this.#html(res, 200, '<p>感谢您的评价 · Thank you</p>');
      } catch (err) {
        return this.#html(res, 400, `<p>${escapeHtml((err as Error).message)}</p>`);
      }
    }
    let c: Record<string, string>;
    try {
      c = decodePageParam(url.toString());
    } catch (err) {
      return this.#html(res, 400, `<p>${escapeHtml((err as Error).message)}</p>`);
    }
    const param = escapeHtml(url.searchParams.get('param') ?? '');
    const buttons = [5, 4, 3, 2, 1].map((l) => `<button name="level" value="${l}">${['', '非常不满意', '不满意', '基本满意', '满意', '非常满意'][l]}</button>`).join(' ');
    return this.#html(res, 200, `<h1>省好差评平台(模拟)</h1><p>办件 ${escapeHtml(c.projectNo ?? '')} · 事项 ${escapeHtml(c.taskCode ?? '')}</p><form method="post"><input type="hidden" name="param" value="${param}">${buttons}</form>`);
  }

  #html(res: ServerResponse, status: number, body: string): void {
    const text = `<!doctype html><meta charset="utf-8"><title>好差评</title>${body}`;
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** The platform loses a record it had acknowledged (what a reconciliation must show). */
  lose(ratingId: string): void {
    this.#received = this.#received.filter((r) => r.ratingId !== ratingId);
  }

  /** The platform holds a record the hub never sent (made elsewhere): the other difference. */
  inject(ratingId: string, body: unknown = {}): void {
    this.#received.push({ ratingId, body, timestamp: null, at: this.#clock.now() });
  }

  async #control(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (path === '/_received') return this.#json(res, 200, this.received());
    if (req.method === 'POST') {
      let cmd: { mode?: unknown; delayMs?: unknown; poison?: unknown; reset?: unknown };
      try {
        cmd = JSON.parse((await readBody(req)).toString('utf8') || '{}') as typeof cmd;
      } catch {
        return this.#json(res, 400, { error: 'body must be JSON: {"mode":"fail"}' });
      }
      if (cmd.mode !== undefined && !MOCK_MODES.includes(cmd.mode as MockMode)) {
        return this.#json(res, 400, { error: `mode must be one of ${MOCK_MODES.join(', ')}` });
      }
      if (cmd.delayMs !== undefined && !(Number.isInteger(cmd.delayMs) && (cmd.delayMs as number) >= 0)) {
        return this.#json(res, 400, { error: 'delayMs must be a whole number of ms' });
      }
      if (cmd.poison !== undefined && !(Array.isArray(cmd.poison) && cmd.poison.every((p) => typeof p === 'string'))) {
        return this.#json(res, 400, { error: 'poison must be a list of rating ids' });
      }
      if (cmd.reset === true) this.reset();
      if (Array.isArray(cmd.poison)) this.poison(...(cmd.poison as string[]));
      this.fail((cmd.mode as MockMode | undefined) ?? this.#mode, cmd.delayMs === undefined ? {} : { delayMs: cmd.delayMs as number });
    }
    return this.#json(res, 200, { ...this.stats(), poisoned: [...this.#poisoned] });
  }

  #signatureOk(raw: Buffer, signature: string | null): boolean {
    if (signature === null || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
    const expected = createHmac('sha256', this.#secret).update(raw).digest();
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.#clock.schedule(ms, () => {
        this.#pendingTimers.delete(cancel);
        resolve();
      });
      this.#pendingTimers.add(cancel);
    });
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
