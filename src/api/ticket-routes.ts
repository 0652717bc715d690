import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HallConfig } from '../config/schema.ts';
import { HallqError } from '../domain/errors.ts';
import type { Holder } from '../domain/state.ts';
import { firstIds } from '../ids.ts';
import type { CardReads } from '../personal/card-reads.ts';
import { maskPhone } from '../personal/id-number.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { Principals } from '../auth/principals.ts';
import type { PrinterHost, TicketToPrint } from '../devices-bridge/printer-host.ts';
import { categoryFacts, ticketView } from '../read-model/hall-view.ts';
import { eventOf, idempotencyOf, refuseBody, requireOneOf } from './request-context.ts';
import { RateLimiter } from './rate-limit.ts';
import { ErrorSchema, IssuedTicketSchema, PrintReplySchema, Text, TicketRefSchema, TicketSchema } from './schemas.ts';

export interface TicketRouteDeps {
  handler: CommandHandler;
  config: HallConfig;
  cardReads: CardReads;
  /** Ticket printers by kiosk id. */
  printers: Map<string, PrinterHost>;
  principals: Principals;
  /** A reprint on a kiosk whose printer is on its agent: the command's id, or null when it is not. */
  agentReprint?: (kioskId: string, t: TicketToPrint) => string | null;
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

/** The reply to an issue, from its `ticket.issued` (and the config): the same for the first answer and any retry, and what the paper says. */
export function issuedReply(events: StoredEvent[], config: HallConfig) {
  const d = eventOf(events, 'ticket.issued').data;
  return {
    ticket: {
      id: d.ticketId,
      number: d.number,
      categoryId: d.categoryId,
      status: 'waiting' as const,
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
      ...categoryFacts(config, d.categoryId),
      // Older logs have no count: assume someone serves it.
      openWindows: d.estimate.openWindows ?? 1,
    },
  };
}

export const ticketRoutes: FastifyPluginAsyncTypebox<TicketRouteDeps> = async (app, { handler, config, cardReads, printers, principals, agentReprint }) => {
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
        response: { 201: IssuedTicketSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 422: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const p = requireOneOf(request, { roles: ['guide', 'manager', 'admin'], devices: ['kiosk'] });
      const body = request.body;
      if (body.categoryId === undefined && body.appointmentCode === undefined && !body.appointmentByCard) {
        throw new HallqError('HQ_ERR_VALIDATION', { field: 'categoryId' }, { zh: '请选择业务类别或输入预约码', en: 'give categoryId or appointmentCode' });
      }
      // A guide at a kiosk: the kiosk's own token in `x-hallq-kiosk` names where to print.
      const kioskId = p.kind === 'device' ? p.device.id : kioskOf(request.headers['x-hallq-kiosk']);
      const printer = kioskId ? printers.get(kioskId) : undefined;
      const answer = (events: StoredEvent[]) => reply.status(201).send({ ...issuedReply(events, config), ...(printer ? { print: { state: printer.state } } : {}) });
      // A retry gets its first answer even after the card token has expired.
      const idem = idempotencyOf(request, p);
      const known = idem ? handler.replayOf(idem) : null;
      if (known) return answer((await known).events);
      // A retry above is free; a new ticket costs a token from the device's (or guide's) bucket.
      const wait = (p.kind === 'device' ? kioskRate : guideRate).take(p.actor.id);
      if (wait > 0) throw new HallqError('HQ_ERR_TOO_MANY_REQUESTS', { retryAfterSec: Math.ceil(wait / 1000) });
      const holder: Holder | undefined = body.cardToken ? cardReads.resolve(body.cardToken) : undefined;
      // The card is the applicant of the 好差评 record unless the business system names another at completion.
      const applicant = body.cardToken ? cardReads.applicantOf(body.cardToken) : null;
      const done = await handler.submit(
        {
          type: 'IssueTicket',
          data: {
            ...firstIds(),
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
        idem,
        // The number itself is held sealed for SMS reminders (when the hall sends texts); the events keep the masked form.
        applicant || body.phone !== undefined ? { ...(applicant ? { applicant } : {}), ...(body.phone !== undefined ? { phone: body.phone } : {}) } : undefined,
      );
      // The paper copy is queued once this issue is committed; a dead printer shows here at once.
      return answer(done.events);
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
      const view = await handler.read((state, now) => {
        const t = state.tickets.get(request.params.id);
        return t ? ticketView(state, config, t, now) : null;
      });
      if (!view) throw new HallqError('HQ_ERR_TICKET_NOT_FOUND');
      return { ticket: view };
    },
  );

  // The holder's own cancel, from the `/t/<id>` page: the unguessable id is the capability (docs/decisions.md).
  const holderRate = new RateLimiter(config.booking.publicRate.burst, config.booking.publicRate.perMinute, () => handler.clock.now());
  app.post(
    '/tickets/:id/cancel',
    {
      schema: {
        tags: ['tickets'],
        summary: "The holder cancels their own ticket (the /t/<id> page): the queue skips it instead of waiting for a no-show",
        params: TicketParams,
        response: { 200: Type.Object({ ticket: TicketRefSchema }), 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request) => {
      const wait = holderRate.take(request.ip);
      if (wait > 0) throw new HallqError('HQ_ERR_TOO_MANY_REQUESTS', { retryAfterSec: Math.ceil(wait / 1000) });
      refuseBody(request);
      const done = await handler.submit({ type: 'CancelOwnTicket', data: { ticketId: request.params.id } }, { kind: 'system', id: 'ticket-page' });
      const d = eventOf(done.events, 'ticket.cancelled').data;
      return { ticket: { id: d.ticketId, number: d.number, status: 'cancelled', windowId: d.windowId } };
    },
  );

  app.post(
    '/tickets/:id/print',
    {
      schema: {
        tags: ['tickets'],
        summary: "Print a ticket again on its kiosk's printer (guide desk)",
        params: TicketParams,
        response: { 200: PrintReplySchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
      refuseBody(request);
      // From memory, by id: no walk of the log however long it has grown.
      const found = await handler.read((state, now) => {
        const t = state.tickets.get(request.params.id);
        return t ? { kioskId: t.kioskId ?? null, view: ticketView(state, config, t, now) } : null;
      });
      if (!found) throw new HallqError('HQ_ERR_TICKET_NOT_FOUND');
      const v = found.view;
      const asItStands: TicketToPrint = {
        ticketId: v.id,
        number: v.number,
        categoryId: v.categoryId,
        ahead: v.ahead,
        estimatedWaitMin: v.estimatedWaitMin,
        issuedAt: v.issuedAt,
        holderNameMasked: v.holderName,
        priorityGroup: v.priorityGroup,
        openWindows: v.openWindows,
      };
      // A kiosk whose printer is on its agent: a new print command (a reprint is a new paper, asked for by a person).
      const remote = found.kioskId && agentReprint ? agentReprint(found.kioskId, asItStands) : null;
      if (remote) return { print: { jobId: remote, kioskId: found.kioskId!, state: 'printing' } };
      const printer = (found.kioskId ? printers.get(found.kioskId) : undefined) ?? [...printers.values()][0];
      if (!printer) throw new HallqError('HQ_ERR_NO_PRINTER');
      // The same paper again if the queue still has it; else the ticket as it stands now.
      const jobId = printer.reprint(v.id) ?? printer.printTicket(asItStands);
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
        response: { 200: Type.Object({ ticket: TicketRefSchema }), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
      refuseBody(request);
      const done = await handler.submit(
        { type: 'CancelTicket', data: { ticketId: request.params.id, ...(request.query.reason ? { reason: request.query.reason } : {}) } },
        p.actor,
        idempotencyOf(request, p),
      );
      const d = eventOf(done.events, 'ticket.cancelled').data;
      return { ticket: { id: d.ticketId, number: d.number, status: 'cancelled', windowId: d.windowId } };
    },
  );
};
