import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addDays, businessDate } from '../domain/calendar.ts';
import { HallqError } from '../domain/errors.ts';
import type { Clock } from '../store/handle-command.ts';
import type { OutboxRow, OutboxStore } from '../upstream/outbox-store.ts';
import type { Reconciler, Reconciliation } from '../upstream/reconcile.ts';
import type { UpstreamWorker } from '../upstream/worker.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';
import type { SideMessages } from '../realtime/protocol.ts';

export interface UpstreamRouteDeps {
  upstream: { store: OutboxStore; worker: UpstreamWorker; reconciler: Reconciler | null } | null;
  clock: Clock;
  timeZone: string;
  /** Tells the manager room (a resend, a reconciliation). */
  announce: <K extends 'upstream.resent' | 'upstream.reconciled'>(type: K, message: SideMessages[K]) => void;
}

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/**
 * A refused record as the manager sees it: what it concerns, the platform's own words, whether the
 * applicant is still held (never the applicant itself).
 */
export function deadLetterView(row: OutboxRow) {
  const p = JSON.parse(row.payload) as Record<string, unknown>;
  const pick = (k: string) => (typeof p[k] === 'string' || typeof p[k] === 'number' ? p[k] : null);
  return {
    seq: row.seq,
    key: row.ratingId,
    kind: row.kind,
    createdAt: row.createdAt,
    attempts: row.attempts,
    error: row.lastError,
    number: pick('number'),
    caseNo: pick('caseNo'),
    itemCode: pick('itemCode'),
    level: pick('level'),
    windowId: pick('windowId'),
    step: pick('step'),
    applicantHeld: row.applicantHeld,
  };
}

/** The 好差评 upload for the manager: its state, the refused records (resend after a fix), the daily reconciliation. */
export const upstreamRoutes: FastifyPluginAsyncTypebox<UpstreamRouteDeps> = async (app, { upstream, clock, timeZone, announce }) => {
  const need = () => {
    if (!upstream) throw new HallqError('HQ_ERR_UPSTREAM_OFF');
    return upstream;
  };

  app.get(
    '/upstream',
    { schema: { tags: ['upstream'], summary: '好差评 upload: status, records the platform refused (dead letters), latest reconciliations (manager)', response: { 200: Type.Unknown(), ...errors } } },
    async (request) => {
      requireOneOf(request, { roles: ['manager', 'admin'] });
      const u = need();
      return {
        status: u.worker.status(),
        deadLetters: u.store.deadLetters(200).map(deadLetterView),
        reconcile: u.reconciler !== null,
        reconciliations: u.reconciler?.latest(14) ?? [],
      };
    },
  );

  app.post(
    '/upstream/dead-letters/:seq/resend',
    {
      schema: {
        tags: ['upstream'],
        summary: 'Send a refused record again once its cause is fixed (a code added to the config, say); its follow-up results go after it',
        params: Type.Object({ seq: Type.String({ pattern: '^[0-9]{1,15}$' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ requeued: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin'] });
      const u = need();
      const requeued = u.store.requeue(Number(request.params.seq));
      if (requeued === 0) throw new HallqError('HQ_ERR_DEAD_LETTER_NOT_FOUND');
      u.worker.notify();
      u.worker.retryNow();
      announce('upstream.resent', { seq: Number(request.params.seq), requeued, by: p.actor.id });
      return { requeued };
    },
  );

  app.post(
    '/upstream/reconciliations',
    {
      schema: {
        tags: ['upstream'],
        summary: 'Compare a day’s delivered records with what the platform reports now (default: yesterday), where the platform can be asked',
        body: Type.Object({ date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ reconciliation: Type.Unknown() }), ...errors },
      },
    },
    async (request) => {
      requireOneOf(request, { roles: ['manager', 'admin'] });
      const u = need();
      if (!u.reconciler) throw new HallqError('HQ_ERR_RECONCILE_UNAVAILABLE');
      const now = clock.now();
      const date = request.body?.date ?? addDays(businessDate(now, timeZone), -1);
      const reconciliation: Reconciliation = await u.reconciler.run(date, now);
      announce('upstream.reconciled', reconciliation);
      return { reconciliation };
    },
  );
};
