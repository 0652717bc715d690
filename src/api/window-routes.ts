import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { windowCommand, type WindowAction } from '../commands/window-actions.ts';
import type { HallConfig } from '../config/schema.ts';
import type { CaseTerms, HallCommand } from '../domain/commands.ts';
import { HallqError } from '../domain/errors.ts';
import { callOrderAt, clerkDay, liveServiceAt } from '../domain/queries.ts';
import type { SelectionReason } from '../domain/events.ts';
import { describeReason } from '../domain/select-next.ts';
import type { ReadonlyHallState } from '../domain/state.ts';
import { ticketView } from '../read-model/hall-view.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { idempotencyOf, refuseBody, requirePrincipal, requireWindowActor } from './request-context.ts';
import { ErrorSchema, Text, WindowActionSchema, WindowIdParams } from './schemas.ts';

export interface WindowRouteDeps {
  handler: CommandHandler;
  config: HallConfig;
}

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema };

/** The ticket an event names, as a reply shows it (from the event alone, so a retry gets the same). */
function ticketRef(e: StoredEvent | undefined, status: string) {
  if (!e) return undefined;
  const d = e.data as { ticketId?: string; number?: string; windowId?: number | null; toWindowId?: number | null };
  if (!d.ticketId) return undefined;
  return { id: d.ticketId, number: d.number ?? '', status, windowId: d.windowId ?? d.toWindowId ?? null };
}

const STATUS_AFTER: Record<string, string> = {
  'ticket.called': 'called',
  'ticket.started': 'serving',
  'ticket.completed': 'done',
  'ticket.no_show': 'no_show',
  'ticket.transferred': 'waiting',
};

/** What every window action answers: its events, and the ticket they concern. */
function actionReply(events: StoredEvent[]) {
  const t = events.find((e) => e.type in STATUS_AFTER);
  const ticket = t ? ticketRef(t, STATUS_AFTER[t.type]!) : undefined;
  return { events: events.map((e) => ({ seq: e.seq, type: e.type })), ...(ticket ? { ticket } : {}) };
}

/** Why a number was called, with the words the console shows (the log keeps only the rule and its figures). */
function wordedReason(reason: SelectionReason, config: HallConfig): SelectionReason & { detail: { zh: string; en: string } } {
  return { ...reason, detail: describeReason(reason, config) };
}

export const windowRoutes: FastifyPluginAsyncTypebox<WindowRouteDeps> = async (app, { handler, config }) => {
  const worded = (reason: SelectionReason | null) => (reason ? wordedReason(reason, config) : null);
  /**
   * One route per window action: the body becomes a `WindowAction`, the action its command, and the
   * reply is built from the committed events. `reply` adds what a particular action reports.
   */
  function action<B extends TSchema>(
    path: string,
    command: HallCommand['type'],
    summary: string,
    body: B | null,
    toAction: (body: never, request: FastifyRequest) => WindowAction,
    answer: (events: StoredEvent[], reply: FastifyReply) => unknown = (events) => actionReply(events),
    response: Record<number, TSchema> = { 200: WindowActionSchema },
  ) {
    // The schemas vary per action; the handler's return type is checked against them at run time.
    const schema: Record<string, unknown> = { tags: ['windows'], summary, params: WindowIdParams, ...(body ? { body } : {}), response: { ...response, ...errors } };
    app.post(
      `/windows/:id/${path}`,
      {
        schema,
        // Who may act is settled before the body is looked at: a stranger gets 401/403, never a 400.
        preValidation: async (request) => {
          const windowId = Number((request.params as { id: unknown }).id);
          if (Number.isInteger(windowId)) await requireWindowActor(request, handler, windowId, command);
          // A business system may POST `complete` with no body at all.
          if (body && (request.body === undefined || request.body === null)) (request as { body: unknown }).body = {};
        },
      },
      async (request, reply) => {
        const windowId = Number((request.params as { id: string }).id);
        const p = requirePrincipal(request);
        // A call without a body schema takes no body: junk is refused, not ignored.
        if (!body) refuseBody(request);
        const done = await handler.submit(windowCommand(windowId, toAction((request.body ?? {}) as never, request)), p.actor, idempotencyOf(request, p));
        return answer(done.events, reply);
      },
    );
  }

  action(
    'open',
    'OpenWindow',
    'Sign in to the window as its A or B clerk (签到)',
    Type.Object({ role: Type.Union([Type.Literal('A'), Type.Literal('B')]) }, { additionalProperties: false }),
    (body: { role: 'A' | 'B' }, request) => {
      const p = requirePrincipal(request);
      if (p.kind !== 'staff') throw new HallqError('HQ_ERR_FORBIDDEN');
      return { action: 'open', staffId: p.staff.id, role: body.role };
    },
  );
  action('close', 'CloseWindow', 'Sign out of the window (签退)', null, () => ({ action: 'close' }));

  action(
    'call-next',
    'CallNext',
    'Call the next number (叫号): 200 with the ticket and why, or 204 when nobody waits',
    null,
    () => ({ action: 'call' }),
    (events, reply) => {
      const called = events.find((e) => e.type === 'ticket.called');
      if (!called || called.type !== 'ticket.called') return reply.status(204).send();
      return { ticket: ticketRef(called, 'called'), callId: called.data.callId, reason: worded(called.data.reason) };
    },
    { 200: Type.Object({ ticket: Type.Unknown(), callId: Type.String(), reason: Type.Unknown() }), 204: Type.Null() },
  );

  action(
    'call-chosen',
    'CallChosen',
    'Call a chosen waiting number from the window list (指定叫号), where the hall allows it; recorded as chosen',
    Type.Object({ serviceId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
    (body: { serviceId: string }) => ({ action: 'call-chosen', serviceId: body.serviceId }),
    (events) => {
      const called = events.find((e) => e.type === 'ticket.called');
      if (!called || called.type !== 'ticket.called') throw new HallqError('HQ_ERR_INTERNAL');
      return { ticket: ticketRef(called, 'called'), callId: called.data.callId, reason: worded(called.data.reason) };
    },
    { 200: Type.Object({ ticket: Type.Unknown(), callId: Type.String(), reason: Type.Unknown() }) },
  );

  action(
    'complete-and-call',
    'CompleteAndCallNext',
    '办结并叫下一位: complete the current number and call the next in one step (no call when nobody waits)',
    Type.Object({ caseNo: Type.Optional(Text(64)), itemCode: Type.Optional(Text(64)) }, { additionalProperties: false }),
    (body: { caseNo?: string; itemCode?: string }) => ({ action: 'complete-and-call', ...(body.caseNo ? { caseNo: body.caseNo } : {}), ...(body.itemCode ? { itemCode: body.itemCode } : {}) }),
    (events) => {
      const done = events.find((e) => e.type === 'ticket.completed');
      const called = events.find((e) => e.type === 'ticket.called');
      return {
        events: events.map((e) => ({ seq: e.seq, type: e.type })),
        completed: ticketRef(done, 'done'),
        serviceId: (done?.data as { serviceId: string } | undefined)?.serviceId ?? null,
        called: called && called.type === 'ticket.called' ? { ticket: ticketRef(called, 'called'), callId: called.data.callId, reason: worded(called.data.reason) } : null,
      };
    },
    { 200: Type.Object({ events: Type.Array(Type.Object({ seq: Type.Integer(), type: Type.String() })), completed: Type.Unknown(), serviceId: Type.Union([Type.String(), Type.Null()]), called: Type.Unknown() }) },
  );

  action(
    'recall',
    'Recall',
    'Call the current number again (重呼); over the limit it becomes a no-show',
    null,
    () => ({ action: 'recall' }),
    (events) => {
      const e = events[0]!;
      if (e.type === 'ticket.called') return { ticket: ticketRef(e, 'called'), callId: e.data.callId, recalls: e.data.recalls, noShow: false };
      return { ticket: ticketRef(e, 'no_show'), noShow: true };
    },
    { 200: Type.Object({ ticket: Type.Unknown(), callId: Type.Optional(Type.String()), recalls: Type.Optional(Type.Integer()), noShow: Type.Boolean() }) },
  );

  action('no-show', 'MarkNoShow', 'Mark the called number as a no-show (过号); it is never called again', null, () => ({ action: 'no-show' }));
  action('start', 'StartService', 'The resident has arrived: service starts', null, () => ({ action: 'start' }));
  action(
    'complete',
    'CompleteService',
    'Service complete (办结), with the case number, item code and case terms (即办件 / 承诺件 with its working days) of the window business system',
    Type.Object(
      {
        caseNo: Type.Optional(Text(64)),
        itemCode: Type.Optional(Text(64)),
        case: Type.Optional(
          Type.Object(
            {
              type: Type.Union([Type.Literal('immediate'), Type.Literal('promised')], { description: 'immediate: 即办件, done now; promised: 承诺件, done when the business system says' }),
              promisedWorkingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: '承诺件: working days promised (限时办结)' })),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    (body: { caseNo?: string; itemCode?: string; case?: CaseTerms }) => ({
      action: 'complete',
      ...(body.caseNo ? { caseNo: body.caseNo } : {}),
      ...(body.itemCode ? { itemCode: body.itemCode } : {}),
      ...(body.case ? { case: body.case } : {}),
    }),
    (events) => ({ ...actionReply(events), serviceId: (events[0]!.data as { serviceId: string }).serviceId }),
    { 200: Type.Object({ events: Type.Array(Type.Object({ seq: Type.Integer(), type: Type.String() })), ticket: Type.Unknown(), serviceId: Type.String() }) },
  );
  action(
    'transfer',
    'TransferTicket',
    'Transfer the current number (转号) to a category or a window, keeping the number',
    Type.Object(
      {
        toCategoryId: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
        toWindowId: Type.Optional(Type.Integer({ minimum: 1, maximum: 999 })),
        placement: Type.Optional(Type.Union([Type.Literal('front'), Type.Literal('original'), Type.Literal('back')])),
        note: Type.Optional(Text(200)),
      },
      { additionalProperties: false },
    ),
    (body: { toCategoryId?: string; toWindowId?: number; placement?: 'front' | 'original' | 'back'; note?: string }) => ({ action: 'transfer', ...body }),
  );
  action(
    'pause',
    'PauseWindow',
    'Pause service with a reason (暂停服务)',
    Type.Object({ reason: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$' }) }, { additionalProperties: false }),
    (body: { reason: string }) => ({ action: 'pause', reason: body.reason }),
  );
  action('resume', 'ResumeWindow', 'Resume service (恢复服务)', null, () => ({ action: 'resume' }));

  app.get(
    '/windows/:id',
    { schema: { tags: ['windows'], summary: 'Window state for its console', params: WindowIdParams, response: { 200: Type.Object({ window: Type.Unknown() }), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema } } },
    async (request) => {
      const windowId = Number(request.params.id);
      // Seeing a window's console takes the right to sign in there (its A or B clerk, or a manager).
      await requireWindowActor(request, handler, windowId, 'OpenWindow');
      return { window: await handler.read((state, now) => windowPanel(state, config, windowId, now)) };
    },
  );
};

/** A window as its console shows it: who is signed in, the live ticket with its service, its queue in call order, the clerk's day. */
function windowPanel(state: ReadonlyHallState, config: HallConfig, windowId: number, now: number) {
  const w = state.windows.get(windowId);
  const live = liveServiceAt(state, windowId);
  const t = live ? state.tickets.get(live.ticketId) : undefined;
  const from = live?.transfer ?? null;
  return {
    id: windowId,
    status: w?.status ?? 'closed',
    staffId: w?.staffId ?? null,
    role: w?.role ?? null,
    pauseReason: w?.pauseReason ?? null,
    recallLimit: config.queue.recallLimit,
    allowChosenCall: config.queue.allowChosenCall,
    now,
    current:
      live && t
        ? {
            ...ticketView(state, config, t, now),
            serviceId: live.id,
            serviceStatus: live.status,
            recalls: live.recalls,
            callId: live.callId,
            lastCalledAt: live.lastCalledAt ?? live.calledAt,
            startedAt: live.startedAt,
            // 转号: where it came from and the note the other clerk left.
            transfer: from
              ? { fromWindowId: from.fromWindowId, fromWindowName: config.windows.find((x) => x.id === from.fromWindowId)?.name ?? null, fromCategoryId: from.fromCategoryId, note: from.note, at: from.at }
              : null,
          }
        : null,
    queue: w && w.status !== 'closed' ? callOrderAt(state, config, windowId, now).map((q) => ({ ...q, reason: wordedReason(q.reason, config) })) : [],
    day: w?.staffId ? clerkDay(state, config, w.staffId, now) : null,
  };
}
