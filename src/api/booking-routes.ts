import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { HallConfig } from '../config/schema.ts';
import type { Actor } from '../domain/commands.ts';
import { bookableDates, isBookable, slotViews } from '../domain/booking.ts';
import { businessDate, localTime } from '../domain/calendar.ts';
import { ownerProof } from '../domain/decide.ts';
import { HallqError } from '../domain/errors.ts';
import { appointmentStatus, type Appointment, type BookingChannel, type Holder } from '../domain/state.ts';
import { newAppointmentCode } from '../ids.ts';
import type { CardReads } from '../personal/card-reads.ts';
import { maskPhone } from '../personal/id-number.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { CommandHandler, Idempotency } from '../store/handle-command.ts';
import { categoryFacts } from '../read-model/hall-view.ts';
import { RateLimiter } from './rate-limit.ts';
import { eventOf, idempotencyOf, refuseBody, requireOneOf } from './request-context.ts';
import { ErrorSchema, Text } from './schemas.ts';

/**
 * Booking (预约, issue #15) through three doors, one command each: the public page `/book`, staff
 * (guide desk and console, phone bookings), and the provincial app or 一网通办 (`/integration`,
 * with its own token, idempotent). The rules are `decide`'s; this file turns requests into commands
 * and bookings into replies, masked.
 */

export interface BookingRouteDeps {
  handler: CommandHandler;
  config: HallConfig;
  cardReads: CardReads;
}

const SlotStart = Type.Union([Type.Integer({ minimum: 0, maximum: 8.64e15, description: 'ms since the epoch' }), Type.String({ format: 'date-time', description: 'ISO 8601 with offset' })]);
const CategoryId = Type.String({ minLength: 1, maxLength: 32 });
const Code = Type.String({ minLength: 4, maxLength: 16, pattern: '^[A-Za-z0-9]+$' });
const Last4 = Type.String({ pattern: '^[0-9]{3}[0-9Xx]$', description: 'the last four characters of the ID number' });
const Phone = Type.String({ pattern: '^1[3-9][0-9]{9}$', description: 'mainland mobile number' });
const Name = Type.String({ minLength: 1, maxLength: 20, pattern: '^[^\\u0000-\\u001f\\u007f<>]*\\S[^\\u0000-\\u001f\\u007f<>]*$' });
const IdNumber = Type.String({ pattern: '^[0-9]{17}[0-9Xx]$', description: '18-character resident ID number (GB 11643)' });

const ResidentBooking = Type.Object(
  { categoryId: CategoryId, slotStart: SlotStart, name: Name, idNumber: IdNumber, phone: Phone },
  { additionalProperties: false },
);

export const BookingSchema = Type.Object({
  code: Type.String(),
  categoryId: Type.String(),
  category: Type.Union([Type.Object({ zh: Type.String(), en: Type.String() }), Type.Null()]),
  slotStart: Type.Number(),
  slotEnd: Type.Number(),
  status: Type.String({ description: 'booked | checked_in | late | cancelled | missed' }),
  nameMasked: Type.Union([Type.String(), Type.Null()]),
  idMasked: Type.Union([Type.String(), Type.Null()]),
  phoneMasked: Type.Union([Type.String(), Type.Null()]),
  channel: Type.String(),
  materials: Type.Union([Type.String(), Type.Null()]),
  checkInFrom: Type.Number({ description: 'check-in opens (queue.appointmentEarlyMin before the slot)' }),
  graceUntil: Type.Number({ description: 'a check-in later than this is late (booking.late)' }),
});
const BookingReply = Type.Object({ booking: BookingSchema });
const OwnBookingReply = Type.Object({ booking: Type.Intersect([BookingSchema, Type.Object({ ticketId: Type.Union([Type.String(), Type.Null()]) })]) });

const SlotsReply = Type.Object({
  categoryId: Type.String(),
  daysAhead: Type.Integer(),
  days: Type.Array(Type.Object({ date: Type.String(), slots: Type.Array(Type.Object({ start: Type.Number(), end: Type.Number(), capacity: Type.Integer(), free: Type.Integer() })) })),
});

type BookingView = Static<typeof BookingSchema>;

export function bookingView(a: Appointment, config: HallConfig): BookingView {
  const facts = categoryFacts(config, a.categoryId);
  return {
    code: a.code,
    categoryId: a.categoryId,
    category: facts.category,
    slotStart: a.slotStart,
    slotEnd: a.slotEnd,
    status: appointmentStatus(a),
    nameMasked: a.nameMasked,
    idMasked: a.idMasked ?? null,
    phoneMasked: a.phoneMasked,
    channel: a.channel ?? 'staff',
    materials: facts.materials,
    checkInFrom: a.slotStart - config.queue.appointmentEarlyMin * 60_000,
    graceUntil: a.slotStart + config.booking.graceMin * 60_000,
  };
}

function slotStartOf(v: number | string): number {
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) throw new HallqError('HQ_ERR_BOOKING_NOT_A_SLOT');
  return ms;
}

export const bookingRoutes: FastifyPluginAsyncTypebox<BookingRouteDeps> = async (app, { handler, config, cardReads }) => {
  // Per client address: the public doors are open to anyone, and a code is guessed only by asking.
  const publicRate = new RateLimiter(config.booking.publicRate.burst, config.booking.publicRate.perMinute, () => handler.clock.now());
  const limit = (request: FastifyRequest) => {
    const wait = publicRate.take(request.ip);
    if (wait > 0) throw new HallqError('HQ_ERR_TOO_MANY_REQUESTS', { retryAfterSec: Math.ceil(wait / 1000) });
  };
  const PUBLIC: Actor = { kind: 'system', id: 'public-booking' };

  const slotsOf = (categoryId: string) =>
    handler.read((state, now) => {
      if (!config.categories.some((c) => c.id === categoryId)) throw new HallqError('HQ_ERR_CATEGORY_UNKNOWN', { categoryId });
      if (!isBookable(config, categoryId)) throw new HallqError('HQ_ERR_BOOKING_WALK_IN_ONLY', { categoryId });
      const days = bookableDates(config, now)
        .map((date) => ({ date, slots: slotViews(state, config, categoryId, date, now).map((s) => ({ start: s.start, end: s.end, capacity: s.capacity, free: s.free })) }))
        .filter((d) => d.slots.length > 0);
      return { categoryId, daysAhead: config.booking.daysAhead, days };
    });

  /** Books, or answers a retry of an idempotent request with its first answer. */
  const book = async (
    body: { categoryId: string; slotStart: number | string; slotEnd?: number | string | undefined; phone?: string | undefined },
    holder: Holder | undefined,
    channel: BookingChannel,
    actor: Actor,
    idem: Idempotency | undefined,
  ): Promise<BookingView> => {
    const known = idem ? handler.replayOf(idem) : null;
    const events: StoredEvent[] = known
      ? (await known).events
      : (
          await handler.submit(
            {
              type: 'BookAppointment',
              data: {
                code: newAppointmentCode(),
                categoryId: body.categoryId,
                slotStart: slotStartOf(body.slotStart),
                ...(body.slotEnd !== undefined ? { slotEnd: slotStartOf(body.slotEnd) } : {}),
                ...(holder ? { holder } : {}),
                // Only the masked form is in the log and the projections (DESIGN §5).
                ...(body.phone ? { phoneMasked: maskPhone(body.phone) } : {}),
                channel,
              },
            },
            actor,
            idem,
            // The number itself goes to the contact vault (sealed, erased when the booking ends), where SMS is set up.
            body.phone ? { phone: body.phone } : undefined,
          )
        ).events;
    const d = eventOf(events, 'appointment.booked').data;
    return bookingView({ ...d, ticketId: null, status: 'booked' }, config);
  };

  const cancel = async (code: string, actor: Actor, extra: { last4?: string; reason?: string }, idem?: Idempotency): Promise<BookingView> => {
    const known = idem ? handler.replayOf(idem) : null;
    if (known) await known;
    else await handler.submit({ type: 'CancelAppointment', data: { code: code.toUpperCase(), ...extra } }, actor, idem);
    const a = await handler.read((state) => state.appointments.get(code.toUpperCase()));
    if (!a) throw new HallqError('HQ_ERR_APPOINTMENT_NOT_FOUND');
    return bookingView(a, config);
  };

  // --- the public page ---------------------------------------------------------

  app.get(
    '/public/booking/categories',
    { schema: { tags: ['booking'], summary: 'Categories that take bookings, with what to bring (一次性告知)', response: { 200: Type.Any(), 429: ErrorSchema } } },
    async (request) => {
      limit(request);
      return {
        hall: { zh: config.hall.name, en: config.hall.nameEn ?? config.hall.name },
        timeZone: config.hall.timeZone,
        daysAhead: config.booking.daysAhead,
        graceMin: config.booking.graceMin,
        late: config.booking.late,
        checkInEarlyMin: config.queue.appointmentEarlyMin,
        categories: config.categories.filter((c) => isBookable(config, c.id)).map((c) => ({ id: c.id, name: c.name, materials: c.materials ?? null, requiresIdCard: c.requiresIdCard })),
      };
    },
  );

  app.get(
    '/public/booking/slots',
    {
      schema: {
        tags: ['booking'],
        summary: 'Free slots of a category from now to booking.daysAhead',
        querystring: Type.Object({ categoryId: CategoryId }, { additionalProperties: false }),
        response: { 200: SlotsReply, 400: ErrorSchema, 422: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request) => {
      limit(request);
      return slotsOf(request.query.categoryId);
    },
  );

  app.post(
    '/public/bookings',
    {
      schema: {
        tags: ['booking'],
        summary: 'Book a slot (the resident): name, ID number (kept as its HMAC and masked form) and mobile number (kept masked)',
        body: ResidentBooking,
        response: { 201: BookingReply, 400: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      limit(request);
      const b = request.body;
      const holder = cardReads.holderOf({ name: b.name, idNumber: b.idNumber });
      return reply.status(201).send({ booking: await book(b, holder, 'public', PUBLIC, undefined) });
    },
  );

  const Proof = Type.Object({ code: Code, last4: Last4 }, { additionalProperties: false });

  app.post(
    '/public/bookings/lookup',
    {
      schema: {
        tags: ['booking'],
        summary: 'A booking, by its code and the last four characters of the ID number (in the body, so neither is in an address or a log)',
        body: Proof,
        response: { 200: OwnBookingReply, 400: ErrorSchema, 422: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request) => {
      limit(request);
      const { code, last4 } = request.body;
      const a = await handler.read((state) => state.appointments.get(code.toUpperCase()));
      if (!a || !ownerProof(a, last4)) throw new HallqError('HQ_ERR_APPOINTMENT_NOT_FOUND');
      return { booking: { ...bookingView(a, config), ticketId: a.ticketId } };
    },
  );

  app.post(
    '/public/bookings/cancel',
    {
      schema: {
        tags: ['booking'],
        summary: 'Cancel a booking (the resident): code and the last four characters of the ID number',
        body: Proof,
        response: { 200: BookingReply, 400: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request) => {
      limit(request);
      return { booking: await cancel(request.body.code, PUBLIC, { last4: request.body.last4 }) };
    },
  );

  // --- staff: the guide desk and the console (phone bookings) -------------------

  app.get(
    '/appointments/slots',
    {
      schema: {
        tags: ['appointments'],
        summary: 'Free slots of a category (guide desk, console)',
        querystring: Type.Object({ categoryId: CategoryId }, { additionalProperties: false }),
        response: { 200: SlotsReply, 401: ErrorSchema, 403: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin', 'clerk'] });
      return slotsOf(request.query.categoryId);
    },
  );

  app.get(
    '/appointments',
    {
      schema: {
        tags: ['appointments'],
        summary: "A day's bookings, masked (guide desk, console)",
        querystring: Type.Object({ date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ date: Type.String(), bookings: Type.Array(BookingSchema) }), 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin', 'clerk'] });
      return handler.read((state, now) => {
        const date = request.query.date ?? businessDate(now, config.hall.timeZone);
        const bookings = [...state.appointments.values()]
          .filter((a) => localTime(a.slotStart, config.hall.timeZone).date === date)
          .sort((a, b) => a.slotStart - b.slotStart || (a.code < b.code ? -1 : 1))
          .map((a) => bookingView(a, config));
        return { date, bookings };
      });
    },
  );

  app.post(
    '/appointments',
    {
      schema: {
        tags: ['appointments'],
        summary: 'Book a slot for a resident (guide desk, console; phone bookings): the code they check in with',
        body: Type.Object(
          {
            categoryId: CategoryId,
            slotStart: SlotStart,
            slotEnd: Type.Optional(SlotStart),
            /** The card on the guide desk's reader, or the name and ID number the resident gives on the phone. */
            cardToken: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            name: Type.Optional(Name),
            idNumber: Type.Optional(IdNumber),
            phone: Type.Optional(Phone),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ appointment: BookingSchema }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request, reply) => {
      const p = requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
      const b = request.body;
      if ((b.name === undefined) !== (b.idNumber === undefined)) {
        throw new HallqError('HQ_ERR_VALIDATION', { field: b.name === undefined ? 'name' : 'idNumber' }, { zh: '姓名和身份证号码须同时填写', en: 'give both the name and the ID number' });
      }
      const holder = b.cardToken ? cardReads.resolve(b.cardToken) : b.name !== undefined && b.idNumber !== undefined ? cardReads.holderOf({ name: b.name, idNumber: b.idNumber }) : undefined;
      return reply.status(201).send({ appointment: await book(b, holder, 'staff', p.actor, idempotencyOf(request, p)) });
    },
  );

  app.delete(
    '/appointments/:code',
    {
      schema: {
        tags: ['appointments'],
        summary: 'Cancel a booking (guide desk, manager): the slot is free again',
        params: Type.Object({ code: Code }, { additionalProperties: false }),
        querystring: Type.Object({ reason: Type.Optional(Text(200)) }, { additionalProperties: false }),
        response: { 200: BookingReply, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['guide', 'manager', 'admin'] });
      refuseBody(request);
      return { booking: await cancel(request.params.code, p.actor, request.query.reason ? { reason: request.query.reason } : {}, idempotencyOf(request, p)) };
    },
  );

  // --- the provincial app / 一网通办 ---------------------------------------------

  const requireKey = (request: FastifyRequest) => {
    const p = requireOneOf(request, { devices: ['booking'] });
    const idem = idempotencyOf(request, p);
    if (!idem) throw new HallqError('HQ_ERR_VALIDATION', { header: 'Idempotency-Key' }, { zh: '集成接口的写请求须带 Idempotency-Key', en: 'writes through the integration API need an Idempotency-Key' });
    return { p, idem };
  };

  app.post(
    '/integration/bookings',
    {
      schema: {
        tags: ['integration'],
        summary: 'Push a booking (provincial app, 一网通办): idempotent by Idempotency-Key; a full slot answers 409 with the free slots',
        body: Type.Object({ ...ResidentBooking.properties, phone: Type.Optional(Phone) }, { additionalProperties: false }),
        response: { 201: BookingReply, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { p, idem } = requireKey(request);
      const b = request.body;
      const known = handler.replayOf(idem);
      // A retry answers as the first time, without reading the ID number again.
      const holder = known ? undefined : cardReads.holderOf({ name: b.name, idNumber: b.idNumber });
      return reply.status(201).send({ booking: await book(b, holder, 'integration', p.actor, idem) });
    },
  );

  app.get(
    '/integration/bookings/:code',
    {
      schema: {
        tags: ['integration'],
        summary: 'A booking this app made',
        params: Type.Object({ code: Code }, { additionalProperties: false }),
        response: { 200: BookingReply, 401: ErrorSchema, 403: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { devices: ['booking'] });
      const a = await handler.read((state) => state.appointments.get(request.params.code.toUpperCase()));
      if (!a || a.byDevice !== p.actor.id) throw new HallqError('HQ_ERR_APPOINTMENT_NOT_FOUND');
      return { booking: bookingView(a, config) };
    },
  );

  app.delete(
    '/integration/bookings/:code',
    {
      schema: {
        tags: ['integration'],
        summary: 'Cancel a booking this app made (idempotent by Idempotency-Key)',
        params: Type.Object({ code: Code }, { additionalProperties: false }),
        response: { 200: BookingReply, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => {
      const { p, idem } = requireKey(request);
      refuseBody(request);
      return { booking: await cancel(request.params.code, p.actor, {}, idem) };
    },
  );
};
