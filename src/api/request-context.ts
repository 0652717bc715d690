import { createHash } from 'node:crypto';
import '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principals.ts';
import { HallqError } from '../domain/errors.ts';
import type { HallCommand } from '../domain/commands.ts';
import { mayActAtWindow } from '../domain/decide.ts';
import type { EventOf, EventType } from '../domain/events.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { CommandHandler, Idempotency } from '../store/handle-command.ts';

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
 * Who may act at a window is a hall rule, and `decide` owns it (`mayActAtWindow`). The API asks the
 * same rule before it reads a request's body, against the committed state, so a clerk of another
 * window learns nothing from the body rules: 401/403 comes first.
 */
export async function requireWindowActor(request: FastifyRequest, handler: CommandHandler, windowId: number, command: HallCommand['type']): Promise<Principal> {
  const p = requirePrincipal(request);
  await handler.read((state) => mayActAtWindow(state, handler.config, p.actor, windowId, command));
  return p;
}

/** The event of `type` among a committed command's events (its reply is built from it). */
export function eventOf<T extends EventType>(events: readonly StoredEvent[], type: T): StoredEvent & EventOf<T> {
  const e = events.find((x) => x.type === type);
  if (!e) throw new HallqError('HQ_ERR_INTERNAL', { reason: `no ${type} among the committed events` });
  return e as StoredEvent & EventOf<T>;
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


declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}
