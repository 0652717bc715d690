import { isPhoneNumber } from '../../devices/sms-modem/codec/address.ts';
import type { SmsChannel, SmsChannelState, SmsDelivery, SmsInbound } from '../../devices/sms-modem/channel.ts';
import { inboundRef } from '../../devices/sms-modem/driver/sms-modem.ts';
import { SmsError } from '../../devices/sms-modem/errors.ts';
import { systemScheduler, type Scheduler } from '../../devices/scheduler.ts';
import { fetchWithin, snippet } from '../upstream/http-post.ts';
import type { SmsGatewayConfig } from './gateway-config.ts';

export interface HttpSmsGatewayOptions {
  scheduler?: Scheduler;
  /** Default: the global fetch, looked up per call (a test's stub takes effect). */
  fetch?: typeof fetch;
}

/** One request as the gateway wants it. */
export interface GatewayRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
}

/**
 * The operator's HTTP SMS gateway (短信网关) as an SmsChannel, for halls without a modem. The request
 * and the reading of its answer come from config (src/sms/gateway-config.ts); nothing of a vendor
 * is built in. The gateway splits long texts itself, so `send` makes one request and resolves with
 * the id(s) the answer names. Received texts and delivery reports arrive as the gateway's callbacks:
 * the hub's route hands their bodies to `acceptInbound` / `acceptDelivery`.
 */
export class HttpSmsGateway implements SmsChannel {
  readonly #config: SmsGatewayConfig;
  readonly #scheduler: Scheduler;
  readonly #fetch: typeof fetch;
  #status: SmsChannelState = { state: 'ok', lastError: null };
  #closed = false;
  #inbound: ((m: SmsInbound) => Promise<void>) | null = null;
  #delivery: ((d: SmsDelivery) => void) | null = null;

  constructor(config: SmsGatewayConfig, opts: HttpSmsGatewayOptions = {}) {
    this.#config = config;
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.#fetch = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  async send(to: string, text: string): Promise<{ refs: string[] }> {
    if (this.#closed) throw new SmsError('HQ_ERR_SMS_STOPPED');
    const request = buildGatewayRequest(this.#config, to, text);
    let answer: { status: number; text: string };
    try {
      answer = await fetchWithin({ timeoutMs: this.#config.timeoutMs, scheduler: this.#scheduler, fetch: this.#fetch }, request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const e = new SmsError(message.startsWith('timeout:') ? 'HQ_ERR_SMS_GATEWAY_TIMEOUT' : 'HQ_ERR_SMS_GATEWAY_UNAVAILABLE', message, { cause: err });
      this.#fail(e);
      throw e;
    }
    const read = readGatewayReply(this.#config, answer.status, answer.text);
    if (read instanceof SmsError) {
      this.#fail(read);
      throw read;
    }
    if (!this.#closed) this.#status = { state: 'ok', lastError: null };
    return read;
  }

  onInbound(handler: (m: SmsInbound) => Promise<void>): void {
    this.#inbound = handler;
  }

  onDelivery(handler: (d: SmsDelivery) => void): void {
    this.#delivery = handler;
  }

  /**
   * A received-text callback's body (parsed JSON, a form, or the raw text): read, handed to the
   * handler, and resolved once the handler resolved, so the route answers the gateway only then
   * (the gateway calls again when it gets no answer). Throws SmsError BAD_PDU for a body that does
   * not read, HANDLER_FAILED without a handler or when it rejects.
   */
  async acceptInbound(body: unknown): Promise<SmsInbound> {
    const m = parseInboundCallback(this.#config, body, this.#scheduler.now());
    const handler = this.#inbound;
    if (!handler) throw new SmsError('HQ_ERR_SMS_HANDLER_FAILED', 'no inbound handler yet');
    try {
      await handler(m);
    } catch (err) {
      throw new SmsError('HQ_ERR_SMS_HANDLER_FAILED', err instanceof Error ? err.message : String(err), { cause: err });
    }
    return m;
  }

  /** A delivery report callback's body, read and handed to the handler. */
  acceptDelivery(body: unknown): SmsDelivery {
    const d = parseDeliveryCallback(this.#config, body, this.#scheduler.now());
    this.#delivery?.(d);
    return d;
  }

  state(): SmsChannelState {
    return this.#status;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#status = { state: 'down', lastError: null };
  }

  #fail(e: SmsError): void {
    if (this.#closed) return;
    // A gateway that cannot be reached degrades the channel; a refusal is about this message.
    const unreachable = e.code === 'HQ_ERR_SMS_GATEWAY_TIMEOUT' || e.code === 'HQ_ERR_SMS_GATEWAY_UNAVAILABLE';
    this.#status = { state: unreachable ? 'degraded' : this.#status.state, lastError: e.message };
  }
}

/** The request for one text: fields filled, as JSON, a form, or a query string. Throws SmsError BAD_NUMBER. */
export function buildGatewayRequest(c: SmsGatewayConfig, to: string, text: string): GatewayRequest {
  const values: Record<string, string> = { to: formatNumber(to, c.numberFormat), text, sign: c.sign };
  const fill = (v: string | number | boolean) => (typeof v === 'string' ? v.replace(/\{(to|text|sign)\}/g, (_, k: string) => values[k]!) : v);
  const filled = Object.entries(c.body.fields).map(([path, v]) => [path, fill(v)] as const);
  if (c.method === 'GET') {
    const url = new URL(c.url);
    for (const [k, v] of filled) url.searchParams.set(k, String(v));
    return { url: url.toString(), method: 'GET', headers: { ...c.headers } };
  }
  if (c.body.format === 'form') {
    const form = new URLSearchParams(filled.map(([k, v]) => [k, String(v)]));
    return { url: c.url, method: 'POST', headers: { ...c.headers, 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: form.toString() };
  }
  const json: Record<string, unknown> = {};
  for (const [path, v] of filled) setPath(json, path, v);
  return { url: c.url, method: 'POST', headers: { ...c.headers, 'Content-Type': 'application/json;charset=UTF-8' }, body: JSON.stringify(json) };
}

/** The gateway's answer: the ids it names, or the SmsError it amounts to. */
export function readGatewayReply(c: SmsGatewayConfig, status: number, text: string): { refs: string[] } | SmsError {
  const what = `HTTP ${status}${text ? `: ${snippet(text)}` : ''}`;
  if (status >= 500 || status === 429 || status === 408) return new SmsError('HQ_ERR_SMS_GATEWAY_UNAVAILABLE', what);
  if (status >= 400) return new SmsError('HQ_ERR_SMS_GATEWAY_REFUSED', what);
  if (status < 200 || status >= 300) return new SmsError('HQ_ERR_SMS_GATEWAY_BAD_REPLY', `${what} (redirects are not followed)`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new SmsError('HQ_ERR_SMS_GATEWAY_BAD_REPLY', `not JSON: ${snippet(text)}`);
  }
  const verdict = getPath(body, c.success.path);
  // Compared as text: gateways write their codes as 0 or "0" from one release to the next.
  const accepted = verdict !== undefined && verdict !== null && c.success.equals.some((e) => String(e) === String(verdict));
  if (!accepted) {
    const reason = c.errorMessagePath === undefined ? undefined : getPath(body, c.errorMessagePath);
    const detail = `${c.success.path} = ${JSON.stringify(verdict) ?? 'absent'}${reason === undefined ? '' : `: ${String(reason)}`}`;
    return new SmsError('HQ_ERR_SMS_GATEWAY_REFUSED', detail, typeof reason === 'string' ? { detailZh: reason } : {});
  }
  if (c.messageIdPath === undefined) return { refs: [] };
  const id = getPath(body, c.messageIdPath);
  const ids = Array.isArray(id) ? id : [id];
  if (ids.length === 0 || ids.some((x) => typeof x !== 'string' && typeof x !== 'number')) return new SmsError('HQ_ERR_SMS_GATEWAY_BAD_REPLY', `no message id at ${c.messageIdPath}: ${snippet(text)}`);
  return { refs: ids.map(String) };
}

/**
 * A received-text callback's body as an SmsInbound. `body` is parsed JSON, form fields (an object
 * or URLSearchParams), or the raw text of either. `now` stands in for a missing time. Pure.
 * Throws SmsError BAD_PDU when the config has no `inbound` or a field is missing.
 */
export function parseInboundCallback(c: SmsGatewayConfig, body: unknown, now: number): SmsInbound {
  if (!c.inbound) throw new SmsError('HQ_ERR_SMS_BAD_PDU', 'sms.gateway.inbound is not configured');
  const fields = asFields(body);
  const from = requiredString(fields, c.inbound.from);
  const text = requiredString(fields, c.inbound.text);
  const receivedAt = c.inbound.receivedAt === undefined ? now : readTime(getPath(fields, c.inbound.receivedAt), c.utcOffsetMinutes, c.inbound.receivedAt);
  const id = c.inbound.id === undefined ? undefined : getPath(fields, c.inbound.id);
  const ref = typeof id === 'string' || typeof id === 'number' ? `gw:${id}` : inboundRef(from, receivedAt, text);
  return { from, text, receivedAt, parts: 1, complete: true, ref };
}

/**
 * A delivery report callback's body as an SmsDelivery. `messageRef` is the gateway's id when it is
 * a number, else -1 (the id as `send` resolved it is what the hub matches on then). Pure.
 */
export function parseDeliveryCallback(c: SmsGatewayConfig, body: unknown, now: number): SmsDelivery & { ref: string } {
  if (!c.delivery) throw new SmsError('HQ_ERR_SMS_BAD_PDU', 'sms.gateway.delivery is not configured');
  const fields = asFields(body);
  const ref = requiredString(fields, c.delivery.messageId);
  const status = getPath(fields, c.delivery.status);
  if (status === undefined || status === null) throw new SmsError('HQ_ERR_SMS_BAD_PDU', `no ${c.delivery.status} in the delivery report`);
  const delivered = c.delivery.deliveredWhen.some((v) => String(v) === String(status));
  const numeric = /^\d{1,15}$/.test(ref) ? Number(ref) : -1;
  return {
    messageRef: numeric,
    ref,
    to: c.delivery.to === undefined ? '' : requiredString(fields, c.delivery.to),
    delivered,
    // TP-ST's meaning: 0 delivered, 0x40 (permanent failure) for anything else the gateway says.
    status: delivered ? 0 : 0x40,
    at: c.delivery.at === undefined ? now : readTime(getPath(fields, c.delivery.at), c.utcOffsetMinutes, c.delivery.at),
  };
}

function formatNumber(to: string, format: 'national' | 'international'): string {
  if (!isPhoneNumber(to)) throw new SmsError('HQ_ERR_SMS_BAD_NUMBER', 'not a phone number (digits, optionally after +)');
  const national = to.startsWith('+86') ? to.slice(3) : to;
  if (format === 'national') return national;
  return to.startsWith('+') ? to : `+86${to}`;
}

function asFields(body: unknown): unknown {
  if (body instanceof URLSearchParams) return Object.fromEntries(body);
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return Object.fromEntries(new URLSearchParams(body));
  }
}

function requiredString(fields: unknown, path: string): string {
  const v = getPath(fields, path);
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string' || v === '') throw new SmsError('HQ_ERR_SMS_BAD_PDU', `no ${path} in the callback`);
  return v;
}

/** Epoch ms, epoch s, or `YYYY-MM-DD HH:mm:ss` (also with `T` or `/`) at the gateway's offset. */
function readTime(v: unknown, offsetMinutes: number, path: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isNaN(n)) return n > 1e11 ? n : n * 1000;
  const m = typeof v === 'string' ? /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v.trim()) : null;
  if (!m) throw new SmsError('HQ_ERR_SMS_BAD_PDU', `${path} is not a time: ${JSON.stringify(v)}`);
  const [, y, mo, d, h, mi, s] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)) - offsetMinutes * 60_000;
}

function getPath(obj: unknown, path: string): unknown {
  let at: unknown = obj;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = obj;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    at = (typeof next === 'object' && next !== null ? next : (at[key] = {})) as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
}
