import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HallqError } from '../domain/errors.ts';
import { ticketOwner } from '../personal/contact-vault.ts';
import type { Sms } from '../sms/index.ts';
import type { SmsState } from '../sms/sms-outbox.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { requireOneOf } from './request-context.ts';
import type { HttpSmsGateway } from '../sms/http-gateway.ts';
import type { SmsModemSimulator } from '../../devices/sms-modem/simulator/sms-modem-simulator.ts';
import { SmsError } from '../../devices/sms-modem/errors.ts';
import { ErrorSchema } from './schemas.ts';

export interface SmsRouteDeps {
  sms: Sms | null;
  handler: CommandHandler;
  /** The operator's gateway, whose callbacks bring received texts and delivery reports. */
  gateway: HttpSmsGateway | null;
  /** The simulated modem of a demo hall: a text "sent" to the hall goes in here, as bytes. */
  simulator: SmsModemSimulator | null;
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
export const smsRoutes: FastifyPluginAsyncTypebox<SmsRouteDeps> = async (app, { sms, handler, gateway, simulator }) => {
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

  if (gateway) {
    // The gateway is answered only once the text is in the inbox: without a 200 it calls again.
    app.post(
      '/sms/gateway/inbound',
      { schema: { tags: ['sms'], summary: "The operator's gateway hands in a received text (sms-gateway token)", body: Type.Unknown(), response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors } } },
      async (request) => {
        requireOneOf(request, { devices: ['sms-gateway'] });
        await gatewayCall(() => gateway.acceptInbound(request.body));
        return { ok: true };
      },
    );
    app.post(
      '/sms/gateway/delivery',
      { schema: { tags: ['sms'], summary: "The operator's gateway reports a text delivered or not (sms-gateway token)", body: Type.Unknown(), response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors } } },
      async (request) => {
        requireOneOf(request, { devices: ['sms-gateway'] });
        await gatewayCall(async () => gateway.acceptDelivery(request.body));
        return { ok: true };
      },
    );
  }

  if (simulator) {
    app.post(
      '/sim/sms',
      {
        schema: {
          tags: ['simulators'],
          summary: 'Simulated SMS modem: a resident texts the hall (取号 SB, 查询, 取消); the reply is in GET /sim/sms',
          body: Type.Object({ from: Type.String({ pattern: '^\\+?[0-9]{5,15}$' }), text: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false }),
          response: { 201: Type.Object({ stored: Type.Array(Type.Integer()) }), ...errors },
        },
      },
      async (request, reply) => {
        requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
        return reply.status(201).send({ stored: simulator.inject(request.body.from, request.body.text) });
      },
    );
    app.get(
      '/sim/sms',
      { schema: { tags: ['simulators'], summary: 'What the simulated modem sent (decoded), newest last', response: { 200: Type.Unknown(), ...errors } } },
      async (request) => {
        requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
        return { sent: simulator.sent.map((m) => ({ ...m })) };
      },
    );
  }

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

/** A callback body the gateway's settings cannot read is the gateway's mistake (400), said in its words. */
async function gatewayCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SmsError && err.code === 'HQ_ERR_SMS_BAD_PDU') throw new HallqError('HQ_ERR_VALIDATION', { reason: err.message }, { zh: '短信网关回调格式不符合配置', en: `the gateway's callback does not read: ${err.message}` });
    throw err;
  }
}
