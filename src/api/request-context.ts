import { createHash } from 'node:crypto';
import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principals.ts';
import type { HallConfig } from '../config/schema.ts';
import { HallqError } from '../domain/errors.ts';
import type { CommandHandler, Idempotency, Reply } from '../store/handle-command.ts';

export const SESSION_COOKIE = 'hallq_session';

/** The bearer token of a request: `Authorization: Bearer …`, else the staff session cookie. */
export function tokenOf(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (h && /^Bearer\s+/i.test(h)) return h.replace(/^Bearer\s+/i, '').trim();
  return request.cookies?.[SESSION_COOKIE];
}

/** The header the hub's own pages send with every API call (a custom header cannot be sent cross-origin without CORS, which the hub never allows). */
export const UI_HEADER = 'x-hallq-client';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser sends the session cookie with requests from any page on the same host, another port
 * included. A mutating call whose only credential is that cookie must prove it comes from the hub's
 * own pages: the UI header, or an `Origin` that is this very origin. Bearer tokens need no proof.
 */
export function requireSameOriginForCookie(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method) || request.headers.authorization) return;
  if (!request.cookies?.[SESSION_COOKIE]) return;
  if (request.headers[UI_HEADER]) return;
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (origin && host && (origin === `http://${host}` || origin === `https://${host}`)) return;
  throw new HallqError('HQ_ERR_SAME_ORIGIN_REQUIRED');
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new HallqError('HQ_ERR_AUTH_REQUIRED');
  return request.principal;
}

/** Staff of one of the given roles, or a device of one of the given kinds. */
export function requireOneOf(request: FastifyRequest, allowed: { roles?: string[]; devices?: string[] }): Principal {
  const p = requirePrincipal(request);
  const ok = p.kind === 'staff' ? (allowed.roles ?? []).includes(p.staff.role) : (allowed.devices ?? []).includes(p.device.kind);
  if (!ok) throw new HallqError('HQ_ERR_FORBIDDEN');
  return p;
}

/**
 * Window actions: the window's A or B clerk; a manager or admin; or, for `complete` only, the window
 * business system's integration token bound to that window.
 */
export function requireWindowActor(request: FastifyRequest, config: HallConfig, windowId: number, action: string): Principal {
  const p = requirePrincipal(request);
  const win = config.windows.find((w) => w.id === windowId);
  if (!win) throw new HallqError('HQ_ERR_WINDOW_UNKNOWN', { windowId });
  if (p.kind === 'device') {
    if (p.device.kind === 'integration' && p.device.windowId === windowId && action === 'complete') return p;
    throw new HallqError('HQ_ERR_FORBIDDEN');
  }
  if (p.staff.role === 'manager' || p.staff.role === 'admin') return p;
  if (p.staff.role === 'clerk' && (win.staff.a === p.staff.id || win.staff.b === p.staff.id)) return p;
  if (p.staff.role === 'clerk') throw new HallqError('HQ_ERR_NOT_YOUR_WINDOW', { windowId });
  throw new HallqError('HQ_ERR_FORBIDDEN');
}

/**
 * At an open window only the clerk signed in there acts (a B clerk takes over by signing in), so
 * every event credits the clerk who did the work. Managers may act for any window.
 */
export function requireSignedInClerk(handler: CommandHandler, p: Principal, windowId: number): void {
  if (p.kind !== 'staff' || p.staff.role !== 'clerk') return;
  const w = handler.state.windows.get(windowId);
  // At a closed window the command itself answers (窗口未签到); here only "someone else is signed in".
  if (w && w.status !== 'closed' && w.staffId !== p.staff.id) throw new HallqError('HQ_ERR_NOT_SIGNED_IN', { windowId });
}

/** The idempotency scope of a mutating call, if the client sent `Idempotency-Key`. */
export function idempotencyOf(request: FastifyRequest, principal: Principal | null): Idempotency | undefined {
  const raw = request.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key) return undefined;
  if (key.length > 200) throw new HallqError('HQ_ERR_VALIDATION', { header: 'Idempotency-Key' }, { zh: 'Idempotency-Key 过长', en: 'Idempotency-Key is too long' });
  const who = principal ? `${principal.actor.kind}:${principal.actor.id}` : 'anonymous';
  let bodyJson: string;
  try {
    bodyJson = JSON.stringify(request.body ?? null);
  } catch {
    // Nesting deep enough to overflow the stack is not a request anyone means to retry.
    throw new HallqError('HQ_ERR_VALIDATION', { field: 'body' }, { zh: '请求体嵌套过深', en: 'the body is nested too deeply' });
  }
  const bodyHash = createHash('sha256').update(bodyJson).digest('hex');
  return { key: `${who}|${key}`, fingerprint: `${request.method} ${request.url} ${bodyHash}` };
}

/** Calls that take no body refuse a non-empty one rather than ignore it. */
export function refuseBody(request: FastifyRequest): void {
  const b = request.body;
  const empty = b === undefined || b === null || b === '' || (typeof b === 'object' && !Array.isArray(b) && Object.keys(b).length === 0);
  if (!empty) throw new HallqError('HQ_ERR_VALIDATION', { field: 'body' }, { zh: '此操作不需要请求体', en: 'this call takes no body' });
}

export function send(reply: FastifyReply, r: Reply): FastifyReply {
  reply.status(r.status);
  return r.body === undefined ? reply.send() : reply.send(r.body);
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}
