import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HallConfig } from '../config/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import { HallqError } from '../domain/errors.ts';
import { checkDate, monthPeriod, type ReportRunner } from '../reports/index.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { eventOf, idempotencyOf, refuseBody, requireOneOf, requirePrincipal } from './request-context.ts';
import { ErrorSchema, Text } from './schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema, 503: ErrorSchema };

const DeductionSchema = Type.Object({
  id: Type.String(),
  staffId: Type.String(),
  businessDate: Type.String(),
  itemCode: Type.String(),
  itemName: Type.String(),
  points: Type.Number(),
  note: Type.String(),
  by: Type.String(),
  at: Type.Number(),
});

/**
 * Daily assessment (日常考核, hall-rules §10) and commitment cases (承诺件). Who may record a
 * deduction is a hall rule and `decide` applies it (a manager, or the clerk signed in at a
 * 群众接待和咨询监督 window); the routes only let staff and the business system through.
 */
export const assessmentRoutes: FastifyPluginAsyncTypebox<{ handler: CommandHandler; config: HallConfig; reports: ReportRunner }> = async (app, { handler, config, reports }) => {
  app.get(
    '/assessment/items',
    { schema: { tags: ['assessment'], summary: 'The items a daily deduction names, with their usual points, and the daily base' } },
    async (request) => {
      requireOneOf(request, { roles: ['manager', 'admin', 'clerk'] });
      return { items: config.assessment.items, dailyBase: config.assessment.dailyBase };
    },
  );

  app.get(
    '/assessment/deductions',
    {
      schema: {
        tags: ['assessment'],
        summary: "A month's deductions, revoked ones marked (manager, or a clerk of a recorder window) (DeductionRow[])",
        querystring: Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ month: Type.String(), deductions: Type.Array(Type.Unknown({ description: 'DeductionRow' })) }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 503: ErrorSchema },
      },
      preValidation: async (request) => {
        const p = requireOneOf(request, { roles: ['manager', 'admin', 'clerk'] });
        // A clerk sees them only as the A or B of a 群众接待和咨询监督 window.
        if (p.kind === 'staff' && p.staff.role === 'clerk' && !p.windows.some((w) => config.assessment.recorderWindows.includes(w.id))) throw new HallqError('HQ_ERR_FORBIDDEN');
      },
    },
    async (request) => {
      const now = handler.clock.now();
      const period = monthPeriod(request.query.month, businessDate(now, config.hall.timeZone));
      return { month: period.key, deductions: await reports.run({ kind: 'deductions', from: period.from, to: period.to }, now) };
    },
  );

  app.post(
    '/assessment/deductions',
    {
      schema: {
        tags: ['assessment'],
        summary: 'Record a daily-assessment deduction (日常考核扣分) against a clerk, by item',
        body: Type.Object(
          {
            staffId: Type.String({ minLength: 1, maxLength: 32 }),
            businessDate: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' }),
            itemCode: Type.String({ minLength: 1, maxLength: 32 }),
            points: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'default: the item’s points' })),
            note: Text(300),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ deduction: DeductionSchema }), ...errors },
      },
      preValidation: async (request) => {
        requireOneOf(request, { roles: ['manager', 'admin', 'clerk'] });
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const b = request.body;
      // The pattern lets 2026-02-31 through; a deduction on no real day would count in no month.
      checkDate(b.businessDate, 'businessDate');
      const { events } = await handler.submit(
        {
          type: 'RecordDeduction',
          data: { deductionId: `d_${randomBytes(9).toString('base64url')}`, staffId: b.staffId, businessDate: b.businessDate, itemCode: b.itemCode, note: b.note, ...(b.points !== undefined ? { points: b.points } : {}) },
        },
        p.actor,
        idempotencyOf(request, p),
      );
      const d = eventOf(events, 'assessment.deducted').data;
      return reply.status(201).send({ deduction: { id: d.deductionId, staffId: d.staffId, businessDate: d.businessDate, itemCode: d.itemCode, itemName: d.itemName, points: d.points, note: d.note, by: d.by, at: d.at } });
    },
  );

  app.post(
    '/assessment/deductions/:id/revoke',
    {
      schema: {
        tags: ['assessment'],
        summary: 'Revoke a deduction (撤销), with the reason',
        params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }, { additionalProperties: false }),
        body: Type.Object({ reason: Text(300) }, { additionalProperties: false }),
        response: { 200: Type.Object({ revoked: Type.Object({ id: Type.String(), staffId: Type.String(), reason: Type.String(), by: Type.String(), at: Type.Number() }) }), ...errors },
      },
      preValidation: async (request) => {
        requireOneOf(request, { roles: ['manager', 'admin', 'clerk'] });
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const { events } = await handler.submit({ type: 'RevokeDeduction', data: { deductionId: request.params.id, reason: request.body.reason } }, p.actor, idempotencyOf(request, p));
      const d = eventOf(events, 'assessment.revoked').data;
      return { revoked: { id: d.deductionId, staffId: d.staffId, reason: d.reason, by: d.by, at: d.at } };
    },
  );

  app.post(
    '/cases/:caseNo/complete',
    {
      schema: {
        tags: ['assessment'],
        summary: 'A commitment case (承诺件) is done: the window business system (integration token) or a manager',
        params: Type.Object({ caseNo: Type.String({ pattern: '^[^\\u0000-\\u001f\\u007f/]{1,64}$' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ case: Type.Object({ caseNo: Type.String(), completedAt: Type.Number(), promisedBy: Type.Union([Type.String(), Type.Null()]), onTime: Type.Union([Type.Boolean(), Type.Null()]) }) }), ...errors },
      },
      preValidation: async (request) => {
        requireOneOf(request, { roles: ['manager', 'admin'], devices: ['integration'] });
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      refuseBody(request);
      const { events } = await handler.submit({ type: 'CompleteCase', data: { caseNo: request.params.caseNo } }, p.actor, idempotencyOf(request, p));
      const d = eventOf(events, 'case.completed').data;
      return { case: { caseNo: d.caseNo, completedAt: d.completedAt, promisedBy: d.promisedBy, onTime: d.onTime } };
    },
  );
};
