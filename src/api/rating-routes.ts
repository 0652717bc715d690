import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HallConfig } from '../config/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import { HallqError } from '../domain/errors.ts';
import { BASE_BAD_REASONS, RATING_LABELS } from '../domain/ratings.ts';
import { newFollowupId, newRatingId } from '../ids.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import type { HistoryReader } from '../store/history.ts';
import { eventOf, idempotencyOf, requireOneOf } from './request-context.ts';
import { pendingRatingAt } from '../domain/queries.ts';
import { ErrorSchema, Text } from './schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema };

/** Ratings from the counter pads (DB3310/T 58 §5.4.3) and the bad-rating follow-ups (差评回访整改). */
export const ratingRoutes: FastifyPluginAsyncTypebox<{ handler: CommandHandler; config: HallConfig; history: HistoryReader }> = async (app, { handler, config, history }) => {
  app.get('/ratings/options', { schema: { tags: ['ratings'], summary: 'The five levels and the reasons a pad offers for a bad rating' } }, async () => ({
    levels: [5, 4, 3, 2, 1].map((level) => ({ level, ...RATING_LABELS[level]! })),
    badReasons: [...BASE_BAD_REASONS, ...config.ratings.extraReasons],
    timeoutSec: config.ratings.timeoutSec,
    onlineUrl: config.ratings.onlineUrl ?? null,
    // The province's own page takes the rating (upstream.adapter anhui-page): the pad shows it instead of its levels.
    provincePage: config.upstream?.adapter === 'anhui-page',
  }));

  app.get(
    '/windows/:id/rating-request',
    {
      schema: {
        tags: ['ratings'],
        summary: "The rating this window's pad should show now, if any",
        params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,2}$' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ request: Type.Union([Type.Unknown(), Type.Null()]), now: Type.Number() }), ...errors },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin'], devices: ['pad'] });
      const windowId = Number(request.params.id);
      if (p.kind === 'device' && p.device.windowId !== windowId) throw new HallqError('HQ_ERR_NOT_YOUR_PAD', { windowId });
      return handler.read((state, now) => ({ request: pendingRatingAt(state, windowId, now), now }));
    },
  );

  app.post(
    '/ratings',
    {
      schema: {
        tags: ['ratings'],
        summary: 'A rating from the pad of the window that served (one per service)',
        body: Type.Object(
          {
            serviceId: Type.String({ minLength: 1, maxLength: 64 }),
            level: Type.Integer({ minimum: 1, maximum: 5 }),
            reasons: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 10 })),
            comment: Type.Optional(Text(200)),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            rating: Type.Object({ id: Type.String(), serviceId: Type.String(), level: Type.Integer(), label: Type.String(), reasons: Type.Array(Type.String()), ratedAt: Type.Number() }),
            followup: Type.Optional(Type.Object({ id: Type.String(), deadline: Type.String() })),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      // Only a pad, and only for its own window: `decide` checks the window against the actor's.
      const p = requireOneOf(request, { devices: ['pad'] });
      const b = request.body;
      const { events } = await handler.submit(
        {
          type: 'RateService',
          data: {
            ratingId: newRatingId(),
            followupId: newFollowupId(),
            serviceId: b.serviceId,
            level: b.level,
            ...(b.reasons ? { reasons: b.reasons } : {}),
            ...(b.comment ? { comment: b.comment } : {}),
            channel: 'pad',
          },
        },
        p.actor,
        idempotencyOf(request, p),
      );
      const e = eventOf(events, 'rating.recorded').data;
      const f = events.find((x) => x.type === 'followup.opened');
      return reply.status(201).send({
        rating: { id: e.ratingId, serviceId: e.serviceId, level: e.level, label: e.label, reasons: e.reasons, ratedAt: e.ratedAt },
        ...(f && f.type === 'followup.opened' ? { followup: { id: f.data.followupId, deadline: f.data.deadline } } : {}),
      });
    },
  );

  app.get(
    '/followups',
    {
      schema: {
        tags: ['ratings'],
        summary: 'Bad-rating follow-ups, a page at a time: open, overdue (past their deadline), or all (closed ones too, from the archive)',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('overdue'), Type.Literal('all')])),
            page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
            pageSize: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|[1-4][0-9][0-9]|500)$' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      requireOneOf(request, { roles: ['manager', 'admin'] });
      const which = request.query.status ?? 'open';
      const page = Number(request.query.page ?? 1);
      const pageSize = Number(request.query.pageSize ?? 50);
      const today = businessDate(handler.clock.now(), config.hall.timeZone);
      if (which === 'all') {
        // Closed ones are not in memory: the archive, newest deadline first.
        const { total, items } = history.followups(page, pageSize);
        return { today, page, pageSize, total, followups: items.map((f) => ({ ...f, overdue: f.status === 'open' && f.deadline < today })) };
      }
      return handler.read((state) => {
        const list = [...state.followups.values()]
          .filter((f) => f.status === 'open' && (which === 'open' || f.deadline < today))
          .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.openedAt - b.openedAt);
        const items = list.slice((page - 1) * pageSize, page * pageSize).map((f) => ({ ...f, overdue: f.deadline < today, rating: state.ratings.get(f.serviceId) ?? null }));
        return { today, page, pageSize, total: list.length, followups: items };
      });
    },
  );

  app.post(
    '/followups/:id',
    {
      schema: {
        tags: ['ratings'],
        summary: 'Record the call-back (回访), verification (核实) or rectification (整改) of a follow-up',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        body: Type.Object(
          {
            step: Type.Union([Type.Literal('callback'), Type.Literal('verification'), Type.Literal('rectification')]),
            note: Type.String({ minLength: 1, maxLength: 500 }),
            /** On the call-back: whether the resident was satisfied with how it was handled (回访满意率). */
            satisfied: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ followup: Type.Object({ id: Type.String(), step: Type.String(), note: Type.String(), at: Type.Number(), by: Type.String(), closed: Type.Boolean(), satisfied: Type.Optional(Type.Boolean()) }) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin'] });
      const { events } = await handler.submit(
        {
          type: 'RecordFollowup',
          data: { followupId: request.params.id, step: request.body.step, note: request.body.note, ...(request.body.satisfied !== undefined ? { satisfied: request.body.satisfied } : {}) },
        },
        p.actor,
        idempotencyOf(request, p),
      );
      const d = eventOf(events, 'followup.updated').data;
      return { followup: { id: d.followupId, step: d.step, note: d.note, at: d.at, by: d.by, closed: d.closed, ...(d.satisfied !== undefined && d.satisfied !== null ? { satisfied: d.satisfied } : {}) } };
    },
  );
};
