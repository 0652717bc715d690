import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { HallConfig } from '../config/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import { assessmentPeriod, checkDate, checkFlowQuery, checkRange, ESTIMATES_MAX_DAYS, INDICATORS_MAX_DAYS, monthPeriod, MONTHLY_TABLES, type FlowQuery, type ReportRunner } from '../reports/index.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { HallqError } from '../domain/errors.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

export interface ReportRouteDeps {
  handler: CommandHandler;
  config: HallConfig;
  reports: ReportRunner;
}

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 503: ErrorSchema };
/** The reply's type is in `src/reports/types.ts` (the dashboard imports it from there). */
const replyOf = (type: string) => ({ 200: Type.Unknown({ description: `${type} (src/reports/types.ts)` }), ...errors });
const DateParam = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const Month = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' });
const CategoryParam = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description: 'a category id' });
const WindowParam = Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: 'a window number' });

/** Sends a reply the report thread already serialised (the hall's thread only passes the text on). */
async function json(reply: FastifyReply, text: Promise<string>): Promise<FastifyReply> {
  return reply.type('application/json; charset=utf-8').send(await text);
}

/**
 * The hall's numbers (issue #10) for the manager: every report is checked here (bad input is a 400
 * at once, bilingual) and then built in a report thread with its own read-only connection, so the
 * hall's thread only waits for the answer. Shapes: `src/reports/types.ts`.
 */
export const reportRoutes: FastifyPluginAsyncTypebox<ReportRouteDeps> = async (app, { handler, config, reports }) => {
  const tz = config.hall.timeZone;
  const today = () => businessDate(handler.clock.now(), tz);
  // Who may ask comes before what was asked: a clerk gets 403 whatever the query.
  app.addHook('preValidation', async (request) => {
    requireOneOf(request, { roles: ['manager', 'admin'] });
  });

  app.get(
    '/reports/flow',
    {
      schema: {
        tags: ['reports'],
        summary: 'Half-hour flow (§5.2.6) by half hour, day, week or month, for the hall, a category or a window (FlowReport)',
        querystring: Type.Object(
          {
            from: DateParam('first business date'),
            to: DateParam('last business date (at most 370 days for half hours, 3700 otherwise)'),
            by: Type.Optional(Type.Union([Type.Literal('halfhour'), Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], { default: 'day' })),
            categoryId: Type.Optional(CategoryParam),
            windowId: Type.Optional(WindowParam),
          },
          { additionalProperties: false },
        ),
        response: replyOf('FlowReport'),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const query: FlowQuery = { from: q.from, to: q.to, by: q.by ?? 'day', ...(q.categoryId !== undefined ? { categoryId: q.categoryId } : {}), ...(q.windowId !== undefined ? { windowId: Number(q.windowId) } : {}) };
      checkFlowQuery(config, query, today());
      return json(reply, reports.runJson({ kind: 'flow', query }, handler.clock.now()));
    },
  );

  app.get(
    '/reports/staffing',
    {
      schema: {
        tags: ['reports'],
        summary: 'Staffing (合理排班): Erlang C clerks per half hour and window group, beside the windows planned or open, and the service level a finished day had (StaffingReport)',
        querystring: Type.Object({ date: DateParam('the business date to staff') }, { additionalProperties: false }),
        response: replyOf('StaffingReport'),
      },
    },
    async (request, reply) => {
      checkDate(request.query.date, 'date');
      return json(reply, reports.runJson({ kind: 'staffing', date: request.query.date }, handler.clock.now()));
    },
  );

  // Reports over a range of business dates, each with its own longest range.
  const rangeReports = [
    { kind: 'estimates', type: 'EstimateAccuracy', maxDays: ESTIMATES_MAX_DAYS, summary: 'Wait estimates measured: median absolute error and share inside the printed band, per category (EstimateAccuracy)' },
    { kind: 'indicators', type: 'IndicatorsReport', maxDays: INDICATORS_MAX_DAYS, summary: 'Hall indicators (接待人次, 受理件, 办结件, 办结率, 满意率, 按期办结率, 回访满意率, 延时服务办件量) and by category (IndicatorsReport)' },
  ] as const;
  for (const { kind, type, maxDays, summary } of rangeReports) {
    app.get(
      `/reports/${kind}`,
      {
        schema: {
          tags: ['reports'],
          summary,
          querystring: Type.Object({ from: DateParam('first business date'), to: DateParam(`last business date (at most ${maxDays} days)`) }, { additionalProperties: false }),
          response: replyOf(type),
        },
      },
      async (request, reply) => {
        const { from, to } = checkRange(request.query.from, request.query.to, today(), maxDays);
        return json(reply, reports.runJson({ kind, from, to }, handler.clock.now()));
      },
    );
  }

  app.get(
    '/reports/assessment',
    {
      schema: {
        tags: ['reports'],
        summary: 'Staff and window assessment for a month, quarter or year: work, ratings, daily score, totals, ranking (AssessmentReport)',
        querystring: Type.Object(
          {
            month: Type.Optional(Month),
            quarter: Type.Optional(Type.String({ pattern: '^\\d{4}-Q[1-4]$', description: 'YYYY-Qn' })),
            year: Type.Optional(Type.String({ pattern: '^\\d{4}$', description: 'YYYY' })),
          },
          { additionalProperties: false },
        ),
        response: replyOf('AssessmentReport'),
      },
    },
    async (request, reply) => {
      const period = assessmentPeriod(request.query, today());
      return json(reply, reports.runJson({ kind: 'assessment', period }, handler.clock.now()));
    },
  );

  app.get(
    '/reports/monthly.xlsx',
    {
      schema: {
        tags: ['reports'],
        summary: 'The month as a workbook: 汇总, 半小时人流, 分类统计, 窗口统计, 人员考核, 评价明细, 差评回访',
        querystring: Type.Object({ month: Month }, { additionalProperties: false }),
        response: replyOf('the workbook'),
      },
    },
    async (request, reply) => {
      const period = monthPeriod(request.query.month, today());
      const bytes = await reports.run({ kind: 'xlsx', month: period.key }, handler.clock.now());
      const name = `${config.hall.name}-${period.key}-月报.xlsx`;
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="hallq-${period.key}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );

  app.get(
    '/reports/monthly.csv',
    {
      schema: {
        tags: ['reports'],
        summary: 'One table of the month as CSV (UTF-8 with BOM): summary, flow, categories, windows, staff, ratings, followups',
        querystring: Type.Object({ month: Month, table: Type.Union(MONTHLY_TABLES.map((t) => Type.Literal(t))) }, { additionalProperties: false }),
        response: replyOf('the CSV text'),
      },
    },
    async (request, reply) => {
      const period = monthPeriod(request.query.month, today());
      const csv = await reports.run({ kind: 'csv', month: period.key, table: request.query.table }, handler.clock.now());
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="hallq-${period.key}-${request.query.table}.csv"`)
        .send(csv);
    },
  );
};

/**
 * The month-end publication (月底公示, issue #10 §7) for a hall screen: the windows ranked, with
 * 一/二/三等 and the 红旗窗口. A screen's device token (the wall's) or a manager: the ranking is
 * posted in the hall, not on the open network. A screen gets only months that have ended; a manager
 * may preview the month still running (`final: false`). Shape: `RankingPublication`.
 */
export const rankingRoutes: FastifyPluginAsyncTypebox<ReportRouteDeps> = async (app, { handler, config, reports }) => {
  app.get(
    '/reports/ranking',
    {
      schema: {
        tags: ['reports'],
        summary: 'Window ranking of a month for a hall screen (月底公示): rank, 一/二/三等, 红旗窗口 (RankingPublication); a screen token or a manager',
        querystring: Type.Object({ month: Month }, { additionalProperties: false }),
        response: replyOf('RankingPublication'),
      },
      preValidation: async (request) => {
        requireOneOf(request, { roles: ['manager', 'admin'], devices: ['screen'] });
      },
    },
    async (request, reply) => {
      const now = handler.clock.now();
      const today = businessDate(now, config.hall.timeZone);
      const period = monthPeriod(request.query.month, today);
      const screen = request.principal?.kind === 'device';
      if (screen && period.to >= today) throw new HallqError('HQ_ERR_RANKING_NOT_ENDED', { month: period.key, today });
      return json(reply, reports.runJson({ kind: 'ranking', period, today }, now));
    },
  );
};

/**
 * The quiet times (错峰办事), published without sign-in: the hub recomputes them at most every ten
 * minutes (and at a new business date), so the public page costs one report thread run per ten minutes.
 */
export const quietTimeRoutes: FastifyPluginAsyncTypebox<ReportRouteDeps> = async (app, { handler, config, reports }) => {
  const EVERY_MS = 10 * 60_000;
  let cached: { key: string; value: Promise<string> } | null = null;
  app.get(
    '/public/quiet-times',
    {
      schema: {
        tags: ['public'],
        summary: 'Off-peak advice (错峰办事): the expected load of each weekday and half hour, and the quiet times of the next working days (QuietTimes)',
        security: [],
        response: { 200: Type.Unknown({ description: 'QuietTimes (src/reports/types.ts)' }), 503: ErrorSchema },
      },
    },
    async (_request, reply) => {
      const now = handler.clock.now();
      const key = `${businessDate(now, config.hall.timeZone)}|${Math.floor(now / EVERY_MS)}`;
      if (!cached || cached.key !== key) {
        const value = reports.runJson({ kind: 'quiet' }, now);
        cached = { key, value };
        // A failure is not kept: the next visitor tries again.
        value.catch(() => {
          if (cached?.value === value) cached = null;
        });
      }
      reply.header('cache-control', 'public, max-age=300');
      return json(reply, cached.value);
    },
  );
};
