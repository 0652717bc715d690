import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { HallConfig } from '../config/schema.ts';
import type { HallCommand } from '../domain/commands.ts';
import { HallqError } from '../domain/errors.ts';
import type { HallState } from '../domain/state.ts';
import { newCallId, newServiceId } from '../ids.ts';
import type { CommandHandler, Reply } from '../store/handle-command.ts';
import type { StoredEvent } from '../store/event-log.ts';
import { idempotencyOf, refuseBody, requireSignedInClerk, requireWindowActor, send } from './request-context.ts';
import { ErrorSchema, Text, WindowIdParams } from './schemas.ts';
import { ticketView, type TicketView } from '../read-model/hall-view.ts';

export interface WindowRouteDeps {
  handler: CommandHandler;
  config: HallConfig;
}


const errors = { 200: Type.Any(), 204: Type.Null(), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema };

export const windowRoutes: FastifyPluginAsyncTypebox<WindowRouteDeps> = async (app, { handler, config }) => {
  const windowReply = (status: number) => (events: StoredEvent[], state: HallState): Reply => ({
    status,
    body: { window: windowState(state, Number(events[0] && 'windowId' in events[0].data ? events[0].data.windowId : 0)), events: events.map((e) => ({ seq: e.seq, type: e.type })) },
  });

  /** One route per window action: the body becomes a command, every path goes through `handler.run`. */
  function action<B extends TSchema>(
    path: string,
    action: string,
    summary: string,
    body: B | null,
    toCommand: (windowId: number, body: never, request: FastifyRequest) => HallCommand,
    toReply: (windowId: number) => (events: StoredEvent[], state: HallState) => Reply = () => windowReply(200),
  ) {
    app.post(
      `/windows/:id/${path}`,
      {
        schema: { tags: ['windows'], summary, params: WindowIdParams, ...(body ? { body } : {}), response: errors },
        // Who may act is settled before the body is looked at: a stranger gets 401/403, never a 400.
        preValidation: async (request) => {
          const windowId = Number((request.params as { id: unknown }).id);
          if (Number.isInteger(windowId)) {
            const p = requireWindowActor(request, config, windowId, action);
            if (action !== 'open') requireSignedInClerk(handler, p, windowId);
          }
          // A business system may POST `complete` with no body at all.
          if (body && (request.body === undefined || request.body === null)) (request as { body: unknown }).body = {};
        },
      },
      async (request, reply) => {
        const windowId = Number((request.params as { id: string }).id);
        const p = requireWindowActor(request, config, windowId, action);
        // A call without a body schema takes no body: junk is refused, not ignored.
        if (!body) refuseBody(request);
        const result = await handler.submit(toCommand(windowId, (request.body ?? {}) as never, request), p.actor, toReply(windowId), idempotencyOf(request, p));
        return send(reply, result);
      },
    );
  }

  action(
    'open',
    'open',
    'Sign in to the window as its A or B clerk (签到)',
    Type.Object({ role: Type.Union([Type.Literal('A'), Type.Literal('B')]) }, { additionalProperties: false }),
    (windowId, body: { role: 'A' | 'B' }, request) => {
      const p = request.principal;
      if (!p || p.kind !== 'staff') throw new HallqError('HQ_ERR_FORBIDDEN');
      return { type: 'OpenWindow', data: { windowId, staffId: p.staff.id, role: body.role } };
    },
  );
  action('close', 'close', 'Sign out of the window (签退)', null, (windowId) => ({ type: 'CloseWindow', data: { windowId } }));

  action('call-next', 'call', 'Call the next number (叫号): 200 with the ticket and why, or 204 when nobody waits', null, (windowId) => ({ type: 'CallNext', data: { windowId, callId: newCallId() } }), () => (events, state) => {
    const called = events.find((e) => e.type === 'ticket.called');
    if (!called || called.type !== 'ticket.called') return { status: 204, body: undefined };
    return { status: 200, body: { ticket: viewOf(state, called.data.ticketId), callId: called.data.callId, reason: called.data.reason } };
  });

  action('recall', 'call', 'Call the current number again (重呼); over the limit it becomes a no-show', null, (windowId) => ({ type: 'Recall', data: { windowId, callId: newCallId() } }), () => (events, state) => {
    const e = events[0]!;
    if (e.type === 'ticket.called') return { status: 200, body: { ticket: viewOf(state, e.data.ticketId), callId: e.data.callId, recalls: e.data.recalls, noShow: false } };
    return { status: 200, body: { ticket: viewOf(state, (e.data as { ticketId: string }).ticketId), noShow: true } };
  });

  const ticketReply = () => (events: StoredEvent[], state: HallState): Reply => ({
    status: 200,
    body: { ticket: viewOf(state, (events[0]!.data as { ticketId: string }).ticketId) },
  });

  action('no-show', 'call', 'Mark the called number as a no-show (过号); it is never called again', null, (windowId) => ({ type: 'MarkNoShow', data: { windowId } }), ticketReply);
  action('start', 'call', 'The resident has arrived: service starts', null, (windowId) => ({ type: 'StartService', data: { windowId } }), ticketReply);
  action(
    'complete',
    'complete',
    'Service complete (办结), with the case number and item code of the window business system',
    Type.Object({ caseNo: Type.Optional(Text(64)), itemCode: Type.Optional(Text(64)) }, { additionalProperties: false }),
    (windowId, body: { caseNo?: string; itemCode?: string }) => ({
      type: 'CompleteService',
      data: { windowId, ...(body.caseNo ? { caseNo: body.caseNo } : {}), ...(body.itemCode ? { itemCode: body.itemCode } : {}) },
    }),
    () => (events, state) => ({ status: 200, body: { ticket: viewOf(state, (events[0]!.data as { ticketId: string }).ticketId), serviceId: (events[0]!.data as { serviceId: string }).serviceId } }),
  );
  action(
    'transfer',
    'call',
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
    (windowId, body: { toCategoryId?: string; toWindowId?: number; placement?: 'front' | 'original' | 'back'; note?: string }) => ({
      type: 'TransferTicket',
      data: {
        windowId,
        newServiceId: newServiceId(),
        ...(body.toCategoryId !== undefined ? { toCategoryId: body.toCategoryId } : {}),
        ...(body.toWindowId !== undefined ? { toWindowId: body.toWindowId } : {}),
        ...(body.placement !== undefined ? { placement: body.placement } : {}),
        ...(body.note !== undefined ? { note: body.note } : {}),
      },
    }),
    ticketReply,
  );
  action(
    'pause',
    'pause',
    'Pause service with a reason (暂停服务)',
    Type.Object({ reason: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$' }) }, { additionalProperties: false }),
    (windowId, body: { reason: string }) => ({ type: 'PauseWindow', data: { windowId, reason: body.reason } }),
  );
  action('resume', 'pause', 'Resume service (恢复服务)', null, (windowId) => ({ type: 'ResumeWindow', data: { windowId } }));

  app.get(
    '/windows/:id',
    { schema: { tags: ['windows'], summary: 'Window state for its console', params: WindowIdParams, response: { 200: Type.Any(), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema } } },
    async (request) => {
      const windowId = Number(request.params.id);
      requireWindowActor(request, config, windowId, 'view');
      while (handler.uncommitted) await handler.whenCommitted();
      return { window: windowState(handler.state, windowId) };
    },
  );

  function viewOf(state: HallState, ticketId: string): TicketView {
    return ticketView(state, config, state.tickets.get(ticketId)!);
  }

  function windowState(state: HallState, windowId: number) {
    const w = state.windows.get(windowId);
    const cur = w?.currentServiceId ? state.services.get(w.currentServiceId) : undefined;
    const live = cur && (cur.status === 'called' || cur.status === 'serving');
    return {
      id: windowId,
      status: w?.status ?? 'closed',
      staffId: w?.staffId ?? null,
      role: w?.role ?? null,
      pauseReason: w?.pauseReason ?? null,
      current: live ? { ...viewOf(state, cur.ticketId), serviceId: cur.id, serviceStatus: cur.status, recalls: cur.recalls, callId: cur.callId } : null,
    };
  }
};
