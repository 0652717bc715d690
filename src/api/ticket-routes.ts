import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HallConfig } from '../config/schema.ts';
import { HallqError } from '../domain/errors.ts';
import type { Holder } from '../domain/state.ts';
import { newServiceId, newTicketId } from '../ids.ts';
import type { CardReads } from '../personal/card-reads.ts';
import { maskPhone } from '../personal/id-number.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import type { Principals } from '../auth/principals.ts';
import { ticketToPrint, type PrinterHost } from '../devices-bridge/printer-host.ts';
import { idempotencyOf, refuseBody, requireOneOf, send } from './request-context.ts';
import { RateLimiter } from './rate-limit.ts';
import { ErrorSchema, Text, TicketSchema } from './schemas.ts';
import { ticketView } from '../read-model/hall-view.ts';

export interface TicketRouteDeps {
  handler: CommandHandler;
  config: HallConfig;
  cardReads: CardReads;
  /** Ticket printers by kiosk id. */
  printers: Map<string, PrinterHost>;
  principals: Principals;
}

const IssueBody = Type.Object(
  {
    categoryId: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    priorityGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    cardToken: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    appointmentCode: Type.Optional(Type.String({ minLength: 4, maxLength: 16, pattern: '^[A-Za-z0-9]+$' })),
    appointmentByCard: Type.Optional(Type.Boolean({ description: "check in the card holder's own appointment" })),
    phone: Type.Optional(Type.String({ pattern: '^1[3-9][0-9]{9}$', description: 'mainland mobile number, for SMS' })),
  },
  { additionalProperties: false },
);

const TicketParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const ticketRoutes: FastifyPluginAsyncTypebox<TicketRouteDeps> = async (app, { handler, config, cardReads, printers, principals }) => {
  // Per device and per guide (config `limits`): a stolen kiosk token cannot empty a day's quota.
  const kioskRate = new RateLimiter(config.limits.kioskIssue.burst, config.limits.kioskIssue.perMinute, () => handler.clock.now());
  const guideRate = new RateLimiter(config.limits.staffIssue.burst, config.limits.staffIssue.perMinute, () => handler.clock.now());
  const kioskOf = (header: string | string[] | undefined): string | null => {
    const token = Array.isArray(header) ? header[0] : header;
    const p = principals.resolve(token);
    return p?.kind === 'device' && p.device.kind === 'kiosk' ? p.device.id : null;
  };
  app.post(
    '/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Take a number (取号): kiosk device or guide desk',
        body: IssueBody,
        response: {
          201: Type.Any({ description: '{ticket: {id, number, categoryId, ahead, estimatedWaitMin, estimate, priorityGroup, priorityBy, issuedAt, …}, print?}' }),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          422: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const p = requireOneOf(request, { roles: ['guide', 'manager', 'admin'], devices: ['kiosk'] });
      const body = request.body;
      if (body.categoryId === undefined && body.appointmentCode === undefined && !body.appointmentByCard) {
        throw new HallqError('HQ_ERR_VALIDATION', { field: 'categoryId' }, { zh: '请选择业务类别或输入预约码', en: 'give categoryId or appointmentCode' });
      }
      // Only the guide desk sets priority groups; age priority comes from the card itself.
      if (body.priorityGroup !== undefined && p.kind !== 'staff') throw new HallqError('HQ_ERR_PRIORITY_GROUP_NOT_ALLOWED');
      // A retry gets its first answer even after the card token has expired.
      const idem = idempotencyOf(request, p);
      const known = idem ? handler.replyFor(idem) : null;
      if (known) return send(reply, await known);
      // A retry above is free; a new ticket costs a token from the device's (or guide's) bucket.
      const wait = (p.kind === 'device' ? kioskRate : guideRate).take(p.actor.id);
      if (wait > 0) throw new HallqError('HQ_ERR_TOO_MANY_REQUESTS', { retryAfterSec: Math.ceil(wait / 1000) });
      const holder: Holder | undefined = body.cardToken ? cardReads.resolve(body.cardToken) : undefined;
      // A guide at a kiosk: the kiosk's own token in `x-hallq-kiosk` names where to print.
      const kioskId = p.kind === 'device' ? p.device.id : kioskOf(request.headers['x-hallq-kiosk']);
      const ticketId = newTicketId();
      const result = await handler.submit(
        {
          type: 'IssueTicket',
          data: {
            ticketId,
            serviceId: newServiceId(),
            ...(body.categoryId !== undefined ? { categoryId: body.categoryId } : {}),
            ...(body.priorityGroup !== undefined ? { priorityGroup: body.priorityGroup } : {}),
            ...(holder ? { holder } : {}),
            ...(body.appointmentCode !== undefined ? { appointmentCode: body.appointmentCode.toUpperCase() } : {}),
            ...(body.appointmentByCard ? { appointmentByHolder: true } : {}),
            ...(body.phone !== undefined ? { phoneMasked: maskPhone(body.phone) } : {}),
            source: p.kind === 'staff' ? 'guide' : 'kiosk',
            ...(kioskId ? { kioskId } : {}),
          },
        },
        p.actor,
        (events) => {
          const issued = events[0];
          if (!issued || issued.type !== 'ticket.issued') throw new Error('ticket.issued expected');
          const d = issued.data;
          const printer = kioskId ? printers.get(kioskId) : undefined;
          // Built from the event alone (no walk of the queue), and the printed estimate is the one
          // decided at issue, so screen and paper agree.
          return {
            status: 201,
            body: {
              ticket: {
                id: d.ticketId,
                number: d.number,
                categoryId: d.categoryId,
                status: 'waiting',
                priorityGroup: d.priorityGroup,
                priorityBy: d.priorityBy,
                issuedAt: d.issuedAt,
                businessDate: d.businessDate,
                ahead: d.estimate.ahead,
                estimatedWaitMin: d.estimate.minutes,
                estimate: { low: d.estimate.low, high: d.estimate.high },
                windowId: null,
                calledAt: null,
                holderName: d.holder?.nameMasked ?? null,
              },
              // The paper copy is queued once this issue is committed; a dead printer shows here at once.
              ...(printer ? { print: { state: printer.state } } : {}),
            },
          };
        },
        idem,
      );
      return send(reply, result);
    },
  );

  app.get(
    '/tickets/:id',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Live state of a ticket (QR status page); the id is the secret',
        params: TicketParams,
        response: { 200: Type.Object({ ticket: TicketSchema }), 404: ErrorSchema },
      },
    },
    async (request) => {
      while (handler.uncommitted) await handler.whenCommitted();
      const t = handler.state.tickets.get(request.params.id);
      if (!t) throw new HallqError('HQ_ERR_TICKET_NOT_FOUND');
      return { ticket: ticketView(handler.state, config, t) };
    },
  );

  app.post(
    '/tickets/:id/print',
    {
      schema: {
        tags: ['tickets'],
        summary: "Print a ticket again on its kiosk's printer (guide desk)",
        params: TicketParams,
        response: { 200: Type.Any(), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
      refuseBody(request);
      while (handler.uncommitted) await handler.whenCommitted();
      const t = handler.state.tickets.get(request.params.id);
      if (!t) throw new HallqError('HQ_ERR_TICKET_NOT_FOUND');
      const issued = handler.db
        .prepare(`SELECT data FROM events WHERE type = 'ticket.issued' AND json_extract(data, '$.ticketId') = ?`)
        .get(t.id) as { data: string } | undefined;
      const kioskId = issued ? ((JSON.parse(issued.data) as { kioskId: string | null }).kioskId ?? '') : '';
      const printer = printers.get(kioskId) ?? [...printers.values()][0];
      if (!printer) throw new HallqError('HQ_ERR_NO_PRINTER');
      const jobId = printer.reprint(t.id) ?? printer.printTicket(ticketToPrint(JSON.parse(issued!.data)));
      return { print: { jobId, kioskId: printer.config.kioskId, state: printer.state } };
    },
  );

  app.delete(
    '/tickets/:id',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Cancel a ticket (guide desk or manager)',
        params: TicketParams,
        querystring: Type.Object({ reason: Type.Optional(Text(200)) }, { additionalProperties: false }),
        response: { 200: Type.Object({ ticket: TicketSchema }), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const p = requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
      refuseBody(request);
      const result = await handler.submit(
        { type: 'CancelTicket', data: { ticketId: request.params.id, ...(request.query.reason ? { reason: request.query.reason } : {}) } },
        p.actor,
        (_events, state) => ({ status: 200, body: { ticket: ticketView(state, config, state.tickets.get(request.params.id)!) } }),
        idempotencyOf(request, p),
      );
      return send(reply, result);
    },
  );
};
