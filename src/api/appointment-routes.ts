import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HallqError } from '../domain/errors.ts';
import { newAppointmentCode } from '../ids.ts';
import type { CardReads } from '../personal/card-reads.ts';
import { maskPhone } from '../personal/id-number.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { eventOf, idempotencyOf, requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

const IsoInstant = Type.String({ format: 'date-time', description: 'ISO 8601 with offset, e.g. 2026-11-23T10:00:00+08:00' });

/** Booking an appointment (预约): guide desk or manager; online booking feeds the same command later. */
export const appointmentRoutes: FastifyPluginAsyncTypebox<{ handler: CommandHandler; cardReads: CardReads }> = async (app, { handler, cardReads }) => {
  app.post(
    '/appointments',
    {
      schema: {
        tags: ['appointments'],
        summary: 'Book an appointment slot; returns the code the resident checks in with',
        body: Type.Object(
          {
            categoryId: Type.String({ minLength: 1, maxLength: 32 }),
            slotStart: IsoInstant,
            slotEnd: IsoInstant,
            cardToken: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            phone: Type.Optional(Type.String({ pattern: '^1[3-9][0-9]{9}$' })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ appointment: Type.Object({ code: Type.String(), categoryId: Type.String(), slotStart: Type.Number(), slotEnd: Type.Number() }) }),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          422: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const p = requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
      const b = request.body;
      const slotStart = Date.parse(b.slotStart);
      const slotEnd = Date.parse(b.slotEnd);
      if (!Number.isFinite(slotStart) || !Number.isFinite(slotEnd)) throw new HallqError('HQ_ERR_APPOINTMENT_SLOT_INVALID');
      const idem = idempotencyOf(request, p);
      const answer = (events: StoredEvent[]) => {
        const a = eventOf(events, 'appointment.booked').data;
        return reply.status(201).send({ appointment: { code: a.code, categoryId: a.categoryId, slotStart: a.slotStart, slotEnd: a.slotEnd } });
      };
      const known = idem ? handler.replayOf(idem) : null;
      if (known) return answer((await known).events);
      const holder = b.cardToken ? cardReads.resolve(b.cardToken) : undefined;
      const done = await handler.submit(
        {
          type: 'BookAppointment',
          data: { code: newAppointmentCode(), categoryId: b.categoryId, slotStart, slotEnd, ...(holder ? { holder } : {}), ...(b.phone ? { phoneMasked: maskPhone(b.phone) } : {}) },
        },
        p.actor,
        idem,
      );
      return answer(done.events);
    },
  );
};
