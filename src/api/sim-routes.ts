import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { CallerHost } from '../devices-bridge/caller-host.ts';
import type { LedHost } from '../devices-bridge/led-host.ts';
import type { IdCardHost } from '../devices-bridge/idcard-host.ts';
import type { PrinterHost } from '../devices-bridge/printer-host.ts';
import { HallqError } from '../domain/errors.ts';
import { requireOneOf, requireWindowActor } from './request-context.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { ErrorSchema } from './schemas.ts';

/**
 * Simulator controls (`/api/v1/sim/...`), registered only for simulated devices in a demo config
 * (`hall.demo`, or the device's own `demo: true`), and announced at start-up with the demo
 * credentials. Nothing here is open to anonymous callers: what a printer printed names the
 * category, the priority group and the secret status address of every ticket.
 * A card "placed" here goes on the simulated reader and comes back through the same bytes, codec
 * and driver a real reader's read takes: checked, hashed, masked, tokenised, sent to the kiosk.
 */
export interface SimRouteDeps {
  handler: CommandHandler;
  idcard: IdCardHost | null;
  printers: Map<string, PrinterHost>;
  caller: CallerHost | null;
  led: LedHost | null;
}

export const simRoutes: FastifyPluginAsyncTypebox<SimRouteDeps> = async (app, { handler, idcard, printers, caller, led }) => {
  if (led?.barSim || led?.wallSim) {
    app.get('/sim/led', { schema: { tags: ['simulators'], summary: 'What the simulated LED bars and wall show now, by address' } }, async (request) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
      return led.snapshot();
    });
  }
  if (printers.size > 0) registerPrinterSim(app, printers);
  if (caller?.simulator) {
    const sim = caller.simulator;
    app.post(
      '/sim/caller/press',
      {
        schema: {
          tags: ['simulators'],
          summary: 'Simulated caller keypad: press a key (call, recall, confirm, evaluate, pause, transfer…)',
          body: Type.Object(
            {
              address: Type.Integer({ minimum: 1, maximum: 254 }),
              key: Type.Union(['call', 'recall', 'evaluate', 'pause', 'transfer', 'confirm', 'cancel'].map((k) => Type.Literal(k))),
              digits: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ acked: Type.Boolean(), lcd: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]), beeps: Type.Integer() }),
            400: ErrorSchema,
            401: ErrorSchema,
            403: ErrorSchema,
          },
        },
      },
      async (request) => {
        const b = request.body;
        // A press is a window action: the same rules as the console's button. The window's clerk,
        // signed in there (or a manager), and nobody else: the keypad's events name that clerk.
        const windowId = caller.windowOf(b.address);
        if (windowId === undefined) throw new HallqError('HQ_ERR_VALIDATION', { field: 'address' }, { zh: '该地址没有呼叫器', en: 'no keypad at this address' });
        // The presser as the actor of the window's rule (the keypad itself would be let through).
        await requireWindowActor(request, handler, windowId, 'CallNext');
        const acked = await sim.press(b.address, b.key as 'call', b.digits);
        await caller.bus.flushed();
        return { acked, lcd: sim.lcd(b.address) ?? null, beeps: sim.beeps(b.address).length };
      },
    );
  }
  if (!idcard) return;
  app.post(
    '/sim/idcard/insert',
    {
      schema: {
        tags: ['simulators'],
        summary: 'Simulated ID-card reader: place a card (demo and tests only)',
        body: Type.Object(
          {
            // The card's name field holds 15 characters.
            name: Type.String({ minLength: 1, maxLength: 15 }),
            idNumber: Type.String({ minLength: 18, maxLength: 18 }),
            validUntil: Type.Optional(Type.String({ maxLength: 8 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            card: Type.Object({ cardToken: Type.String(), expiresAt: Type.Number(), holder: Type.Object({ idMasked: Type.String(), nameMasked: Type.String(), birthYear: Type.Integer() }) }),
            kioskId: Type.String(),
          }),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          422: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin'], devices: ['kiosk'] });
      const b = request.body;
      const read = await idcard.insert({ name: b.name, idNumber: b.idNumber, validUntil: b.validUntil });
      return reply.status(201).send({ card: read, kioskId: idcard.config.kioskId });
    },
  );
};

const PrinterQuery = Type.Object({ kioskId: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false });

/** The fake LAN printer of the demo: break it, fix it, and look at what it printed. */
function registerPrinterSim(app: FastifyInstance, printers: Map<string, PrinterHost>): void {
  const typed = app.withTypeProvider<import('@fastify/type-provider-typebox').TypeBoxTypeProvider>();
  const pick = (kioskId: string | undefined) => {
    const host = kioskId ? printers.get(kioskId) : [...printers.values()][0];
    if (!host?.fake) throw new HallqError('HQ_ERR_SIMULATOR_DISABLED', { kioskId: kioskId ?? null });
    return host;
  };
  typed.post(
    '/sim/printer/state',
    {
      schema: {
        tags: ['simulators'],
        summary: 'Simulated ticket printer: go offline or online, run out of paper, open the cover',
        querystring: PrinterQuery,
        body: Type.Object(
          { action: Type.Union(['offline', 'online', 'paper-out', 'paper-in', 'paper-near-end', 'cover-open', 'cover-close'].map((a) => Type.Literal(a))) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ kioskId: Type.String(), action: Type.String(), state: Type.String(), status: Type.Object({}, { additionalProperties: true }) }),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin'], devices: ['kiosk'] });
      const host = pick(request.query.kioskId);
      const fake = host.fake!;
      const action = request.body.action as string;
      if (action === 'offline') await fake.offline();
      else if (action === 'online') await fake.online();
      else if (action === 'paper-out') fake.paperOut();
      else if (action === 'paper-in') fake.paperIn();
      else if (action === 'paper-near-end') fake.paperNearEnd();
      else if (action === 'cover-open') fake.coverOpen();
      else fake.coverClose();
      // Let the hub notice now rather than at the next ticket.
      await host.queue.checkStatus().catch(() => undefined);
      return { kioskId: host.config.kioskId, action, state: host.state, status: host.status };
    },
  );
  typed.get(
    '/sim/printer/receipts',
    { schema: { tags: ['simulators'], summary: 'What the simulated printer printed, decoded to text lines', querystring: PrinterQuery } },
    async (request) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin'], devices: ['kiosk'] });
      const host = pick(request.query.kioskId);
      return { kioskId: host.config.kioskId, receipts: host.fake!.receipts.map((r) => ({ lines: r.lines, qrCodes: r.qrCodes })) };
    },
  );
  typed.get(
    '/sim/printer/latest.png',
    { schema: { tags: ['simulators'], summary: 'A picture of the last ticket the simulated printer printed', querystring: PrinterQuery } },
    async (request, reply) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin'], devices: ['kiosk'] });
      const host = pick(request.query.kioskId);
      const last = host.fake!.receipts.at(-1);
      if (!last) throw new HallqError('HQ_ERR_NOT_FOUND', { reason: 'nothing printed yet' });
      return reply.type('image/png').header('cache-control', 'no-store').send(host.fake!.renderPng(last));
    },
  );
}
