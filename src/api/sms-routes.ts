import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HallqError } from '../domain/errors.ts';
import { ticketOwner } from '../personal/contact-vault.ts';
import type { Sms } from '../sms/index.ts';
import type { SmsState } from '../sms/sms-outbox.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

export interface SmsRouteDeps {
  sms: Sms | null;
  handler: CommandHandler;
}

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const TicketParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Reminders = Type.Object({
  /** Whether a number is held for this ticket (masked), and the distance of its "almost your turn" text (null: off). */
  phoneMasked: Type.String(),
  remindAhead: Type.Union([Type.Integer(), Type.Null()]),
  remindCalled: Type.Boolean(),
});

/**
 * SMS for the manager (the outbox and its channel) and for the resident's phone page (the reminder
 * distance of their own ticket; the ticket id is the secret, as for `GET /tickets/:id`).
 */
export const smsRoutes: FastifyPluginAsyncTypebox<SmsRouteDeps> = async (app, { sms, handler }) => {
  const need = () => {
    if (!sms) throw new HallqError('HQ_ERR_SMS_OFF');
    return sms;
  };

  app.get(
    '/sms',
    {
      schema: {
        tags: ['sms'],
        summary: 'SMS: the channel, the outbox backlog, and the latest texts (masked numbers), optionally by state (manager)',
        querystring: Type.Object({ state: Type.Optional(Type.Union(['pending', 'sent', 'delivered', 'undelivered', 'expired'].map((s) => Type.Literal(s)))), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false }),
        response: { 200: Type.Unknown(), ...errors },
      },
    },
    async (request) => {
      requireOneOf(request, { roles: ['manager', 'admin'] });
      const s = need();
      const { state, limit } = request.query as { state?: SmsState; limit?: number };
      return { status: s.service.status(), messages: s.outbox.list({ ...(state ? { state } : {}), limit: limit ?? 50 }) };
    },
  );

  const heldFor = async (ticketId: string) => {
    const s = need();
    const exists = await handler.read((state) => state.tickets.has(ticketId));
    if (!exists) throw new HallqError('HQ_ERR_TICKET_NOT_FOUND');
    const c = s.vault.get(ticketOwner(ticketId));
    if (!c) throw new HallqError('HQ_ERR_NO_PHONE_HELD');
    return { s, c };
  };

  app.get(
    '/tickets/:id/reminders',
    { schema: { tags: ['tickets'], summary: "A ticket's SMS reminders (phone page); the id is the secret", params: TicketParams, response: { 200: Reminders, ...errors } } },
    async (request) => {
      const { s, c } = await heldFor(request.params.id);
      return { phoneMasked: c.phoneMasked, remindAhead: c.remindAhead, remindCalled: s.service.remindsCalled };
    },
  );

  app.put(
    '/tickets/:id/reminders',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Set when the "almost your turn" text goes (people ahead), or null for none (phone page)',
        params: TicketParams,
        body: Type.Object({ remindAhead: Type.Union([Type.Integer({ minimum: 1, maximum: 50 }), Type.Null()]) }, { additionalProperties: false }),
        response: { 200: Reminders, ...errors },
      },
    },
    async (request) => {
      const { s, c } = await heldFor(request.params.id);
      s.vault.setReminder(c.owner, request.body.remindAhead);
      void s.service.reconcile();
      return { phoneMasked: c.phoneMasked, remindAhead: request.body.remindAhead, remindCalled: s.service.remindsCalled };
    },
  );
};
