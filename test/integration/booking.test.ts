import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { expireBookings } from '../../src/hub-jobs.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { FakeSmsChannel } from '../support/fake-sms-channel.ts';
import { api, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { BOOKING_APP, KIOSK, testConfig } from '../support/test-config.ts';

const sessions = [{ start: '09:00', end: '12:00' }, { start: '14:00', end: '17:30' }];
const week = { mon: sessions, tue: sessions, wed: sessions, thu: sessions, fri: sessions, sat: [], sun: [] };
const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);
/** A valid ID number (GB 11643 check digit): a fixed body, a serial of three digits, its check character. */
const idNumber = (serial: string) => withCheckDigit(`33010219800101${serial}`);
const resident = (serial: string, slotStart: number, categoryId = 'SB') => ({ categoryId, slotStart, name: '王小明', idNumber: idNumber(serial), phone: '13812345678' });

describe('booking over HTTP', () => {
  let h: RunningHub;
  const clock = new FakeClock(at('2026-11-23', '08:00')); // a Monday
  let guide = '';
  beforeAll(async () => {
    h = await startHub({ clock, config: testConfig({ week, bookingApp: true, booking: { graceMin: 15, late: 'ticket', publicRate: { burst: 1000, perMinute: 1000 } } }) });
    guide = await login(h.url, 'g1');
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('the public page: slots, a booking kept masked, a lookup and a cancel that frees the slot', async () => {
    const cats = await api(h.url, 'GET', '/public/booking/categories');
    expect(cats.body.categories.find((c: { id: string }) => c.id === 'SB').materials).toBe('身份证、社保卡');
    const before = await api(h.url, 'GET', '/public/booking/slots?categoryId=SB');
    expect(before.status).toBe(200);
    const nine = before.body.days[0].slots[0];
    expect(nine).toMatchObject({ start: at('2026-11-23', '09:00'), capacity: 1, free: 1 });
    const id = idNumber('123');
    const made = await api(h.url, 'POST', '/public/bookings', { body: { ...resident('123', nine.start), idNumber: id } });
    expect(made.status).toBe(201);
    const b = made.body.booking;
    expect(b).toMatchObject({ categoryId: 'SB', slotStart: nine.start, status: 'booked', nameMasked: '王*明', phoneMasked: '138****5678', channel: 'public' });
    expect(b.idMasked).toBe(`**************${id.slice(-4)}`);
    expect(b.code).toMatch(/^[2-9A-Z]{8}$/);
    expect((await api(h.url, 'GET', '/public/booking/slots?categoryId=SB')).body.days[0].slots[0].free).toBe(0);
    // Neither the ID number nor the mobile number is anywhere in the database or its WAL.
    for (const f of [h.dbFile, `${h.dbFile}-wal`]) {
      const bytes = readFileSync(f, 'latin1');
      expect(bytes.includes(id)).toBe(false);
      expect(bytes.includes('13812345678')).toBe(false);
    }
    expect((await api(h.url, 'POST', '/public/bookings/lookup', { body: { code: b.code, last4: '0000' } })).body.error.code).toBe('HQ_ERR_APPOINTMENT_NOT_FOUND');
    const found = await api(h.url, 'POST', '/public/bookings/lookup', { body: { code: b.code.toLowerCase(), last4: id.slice(-4) } });
    expect(found.body.booking).toMatchObject({ code: b.code, status: 'booked', ticketId: null, materials: '身份证、社保卡' });
    const cancelled = await api(h.url, 'POST', '/public/bookings/cancel', { body: { code: b.code, last4: id.slice(-4) } });
    expect(cancelled.body.booking.status).toBe('cancelled');
    expect((await api(h.url, 'POST', '/public/bookings/cancel', { body: { code: b.code, last4: id.slice(-4) } })).status).toBe(409);
    expect((await api(h.url, 'GET', '/public/booking/slots?categoryId=SB')).body.days[0].slots[0].free).toBe(1);
  });

  it('refuses clearly, in both languages, and changes nothing', async () => {
    const seq = h.hub.handler.seq;
    const cases: [number, string, number][] = [
      [at('2020-03-02', '09:00'), 'HQ_ERR_BOOKING_IN_PAST', 422],
      [at('2026-11-29', '03:00'), 'HQ_ERR_BOOKING_DAY_CLOSED', 422], // a Sunday, 03:00
      [at('2026-12-30', '09:00'), 'HQ_ERR_BOOKING_TOO_FAR', 422],
      [at('2026-11-23', '12:30'), 'HQ_ERR_BOOKING_NOT_A_SLOT', 422],
    ];
    for (const [slotStart, code, status] of cases) {
      const r = await api(h.url, 'POST', '/public/bookings', { body: resident('124', slotStart) });
      expect([r.status, r.body.error.code]).toEqual([status, code]);
      expect(r.body.error.message).toMatch(/\p{Script=Han}.* \/ [A-Z]/u);
    }
    const bad = await api(h.url, 'POST', '/public/bookings', { body: { ...resident('124', at('2026-11-23', '10:00')), idNumber: '330102198001011230' } });
    expect(bad.body.error.code).toBe('HQ_ERR_ID_NUMBER_INVALID');
    expect(h.hub.handler.seq).toBe(seq);
  });

  it('a full slot answers 409 with the free slots; one live booking per ID per category per day', async () => {
    const ten = at('2026-11-23', '10:00'); // capacity 1
    expect((await api(h.url, 'POST', '/public/bookings', { body: resident('201', ten) })).status).toBe(201);
    const full = await api(h.url, 'POST', '/public/bookings', { body: resident('202', ten) });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('HQ_ERR_BOOKING_SLOT_FULL');
    expect(full.body.error.detail.freeSlots.length).toBeGreaterThan(0);
    expect(full.body.error.detail.freeSlots.every((s: { start: number }) => s.start !== ten)).toBe(true);
    const again = await api(h.url, 'POST', '/public/bookings', { body: resident('201', at('2026-11-23', '15:00')) });
    expect([again.status, again.body.error.code]).toEqual([409, 'HQ_ERR_BOOKING_ONE_PER_ID']);
  });

  it('the guide desk books by phone, lists the day and cancels', async () => {
    const r = await api(h.url, 'POST', '/appointments', { token: guide, body: { categoryId: 'ZX', slotStart: new Date(at('2026-11-23', '14:00')).toISOString(), name: '李四', idNumber: idNumber('301'), phone: '13900001111' } });
    expect(r.status).toBe(201);
    expect(r.body.appointment).toMatchObject({ channel: 'staff', nameMasked: '李*', phoneMasked: '139****1111' });
    const list = await api(h.url, 'GET', '/appointments?date=2026-11-23', { token: guide });
    expect(list.body.bookings.map((b: { code: string }) => b.code)).toContain(r.body.appointment.code);
    expect(JSON.stringify(list.body)).not.toContain(idNumber('301'));
    const clerk = await login(h.url, 'c1');
    expect((await api(h.url, 'DELETE', `/appointments/${r.body.appointment.code}`, { token: clerk })).status).toBe(403);
    const del = await api(h.url, 'DELETE', `/appointments/${r.body.appointment.code}`, { token: guide });
    expect(del.body.booking.status).toBe('cancelled');
  });

  it('the integration API: its own token, an Idempotency-Key, the same answer twice, a different body refused', async () => {
    const body = resident('401', at('2026-11-24', '09:00'));
    const key = { 'idempotency-key': 'prov-req-1' };
    expect((await api(h.url, 'POST', '/integration/bookings', { body })).status).toBe(401);
    expect((await api(h.url, 'POST', '/integration/bookings', { token: KIOSK, body, headers: key })).status).toBe(403);
    expect((await api(h.url, 'POST', '/integration/bookings', { token: BOOKING_APP, body })).status).toBe(400);
    const first = await api(h.url, 'POST', '/integration/bookings', { token: BOOKING_APP, body, headers: key });
    expect(first.status).toBe(201);
    const seq = h.hub.handler.seq;
    const second = await api(h.url, 'POST', '/integration/bookings', { token: BOOKING_APP, body, headers: key });
    expect(second).toEqual(first);
    expect(h.hub.handler.seq).toBe(seq);
    const other = await api(h.url, 'POST', '/integration/bookings', { token: BOOKING_APP, body: { ...body, slotStart: at('2026-11-24', '09:30') }, headers: key });
    expect([other.status, other.body.error.code]).toEqual([422, 'HQ_ERR_IDEMPOTENCY_KEY_REUSED']);
    const code = first.body.booking.code;
    expect((await api(h.url, 'GET', `/integration/bookings/${code}`, { token: BOOKING_APP })).body.booking).toMatchObject({ code, status: 'booked', channel: 'integration' });
    const full = await api(h.url, 'POST', '/integration/bookings', { token: BOOKING_APP, body: resident('402', at('2026-11-24', '09:00')), headers: { 'idempotency-key': 'prov-req-2' } });
    expect(full.status).toBe(409);
    expect(full.body.error.detail.freeSlots[0].start).toBeGreaterThan(at('2026-11-23', '08:00'));
    // A booking made elsewhere is not the app's to see or cancel.
    const mine = await api(h.url, 'POST', '/appointments', { token: guide, body: { categoryId: 'ZX', slotStart: at('2026-11-24', '14:00') } });
    expect((await api(h.url, 'GET', `/integration/bookings/${mine.body.appointment.code}`, { token: BOOKING_APP })).status).toBe(422);
    const cancel1 = await api(h.url, 'DELETE', `/integration/bookings/${code}`, { token: BOOKING_APP, headers: { 'idempotency-key': 'prov-cancel-1' } });
    const cancel2 = await api(h.url, 'DELETE', `/integration/bookings/${code}`, { token: BOOKING_APP, headers: { 'idempotency-key': 'prov-cancel-1' } });
    expect(cancel1.status).toBe(200);
    expect(cancel2).toEqual(cancel1);
    expect(cancel1.body.booking.status).toBe('cancelled');
  });

  it('checks in at the kiosk on time with priority, late as a normal ticket; the holder cancels from /t/<id>', async () => {
    const eleven = at('2026-11-23', '11:00');
    const onTime = await api(h.url, 'POST', '/public/bookings', { body: resident('501', eleven) });
    const late = await api(h.url, 'POST', '/public/bookings', { body: resident('502', eleven, 'ZX') });
    clock.set(eleven - 5 * 60_000);
    const t1 = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { appointmentCode: onTime.body.booking.code } });
    expect(t1.status).toBe(201);
    const view = await api(h.url, 'GET', `/tickets/${t1.body.ticket.id}`);
    expect(view.body.ticket.booking).toEqual({ slotStart: eleven, slotEnd: eleven + 30 * 60_000, late: false, label: '11:00–11:30' });
    clock.set(eleven + 20 * 60_000);
    const t2 = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { appointmentCode: late.body.booking.code } });
    expect(t2.status).toBe(201);
    expect((await api(h.url, 'GET', `/tickets/${t2.body.ticket.id}`)).body.ticket.booking).toMatchObject({ late: true });
    const lookup = await api(h.url, 'POST', '/public/bookings/lookup', { body: { code: late.body.booking.code, last4: idNumber('502').slice(-4) } });
    expect(lookup.body.booking).toMatchObject({ status: 'late', ticketId: t2.body.ticket.id });
    // The holder cancels the on-time ticket; the clerk's next call skips it.
    const own = await api(h.url, 'POST', `/tickets/${t1.body.ticket.id}/cancel`);
    expect(own.body.ticket.status).toBe('cancelled');
    expect((await api(h.url, 'POST', `/tickets/${t1.body.ticket.id}/cancel`)).status).toBe(409);
    expect((await api(h.url, 'POST', '/tickets/t_no-such-ticket/cancel')).status).toBe(404);
    const clerk = await openWindow(h.url, 1);
    const call = await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    expect(call.body.ticket.id).toBe(t2.body.ticket.id);
  });

  it('fuzz: the integration API answers junk with 4xx, never a 5xx, and changes nothing', async () => {
    const seq = h.hub.handler.seq;
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 40 }), fc.integer(), fc.constantFrom(null, '', 'SB', idNumber('999'), '13812345678', '2026-11-25T09:00:00+08:00'));
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ categoryId: value, slotStart: value, name: value, idNumber: value, phone: value, extra: value }, { requiredKeys: [] }),
      // Right shapes, wrong facts: a bad check digit, the past, off the half hour.
      fc.record({
        categoryId: fc.constantFrom('SB', 'ZX', 'MZ', 'NOPE'),
        slotStart: fc.oneof(fc.integer({ min: 0, max: at('2026-11-23', '08:00') }), fc.integer({ min: at('2026-11-23', '08:00'), max: at('2027-01-01', '00:00') }).filter((n) => n % 1_800_000 !== 0)),
        name: fc.constantFrom('王五', '赵*'),
        idNumber: fc.constantFrom('330102198001011230', '110101190001011234'),
      }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.option(fc.string({ minLength: 1, maxLength: 60 }).filter((k) => /^[\x21-\x7e]+$/.test(k))), fc.constantFrom('POST', 'DELETE', 'GET'), fc.string({ maxLength: 20 }), async (b, key, method, code) => {
        const path = method === 'POST' ? '/integration/bookings' : `/integration/bookings/${encodeURIComponent(code) || 'X'}`;
        const res = await h.hub.app.inject({
          method,
          url: `/api/v1${path}`,
          headers: { authorization: `Bearer ${BOOKING_APP}`, ...(key ? { 'idempotency-key': key } : {}), ...(method !== 'GET' ? { 'content-type': 'application/json' } : {}) },
          ...(method !== 'GET' ? { payload: JSON.stringify(b) ?? 'null' } : {}),
        });
        const what = `${method} ${path} ${JSON.stringify(b)?.slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, what).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, what).toBeLessThan(500);
        const e = JSON.parse(res.body).error;
        expect(e.code, what).toMatch(/^HQ_ERR_/);
        expect(e.message, what).toMatch(/\p{Script=Han}/u);
      }),
      { numRuns: 400 },
    );
    expect(h.hub.handler.seq).toBe(seq);
  });
});

describe('public rate limit', () => {
  it('answers 429 past the configured burst', async () => {
    const h = await startHub({ config: testConfig({ booking: { publicRate: { burst: 3, perMinute: 1 } } }) });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await api(h.url, 'POST', '/public/bookings/lookup', { body: { code: 'ABCD2345', last4: '1234' } })).status);
      expect(codes).toEqual([422, 422, 422, 429, 429]);
    } finally {
      await h.dispose();
    }
  });
});

describe('a booking’s mobile number in the contact vault (SMS set up)', () => {
  it('is held sealed while the booking lives, erased when it is cancelled or missed, moved to the ticket at check-in', async () => {
    const clock = new FakeClock(at('2026-11-23', '08:00'));
    const channel = new FakeSmsChannel();
    const h = await startHub({ clock, smsChannel: channel, config: testConfig({ week, sms: true, booking: { late: 'void', graceMin: 10 } }) });
    try {
      const owners = () => (h.hub.db.prepare('SELECT owner FROM contacts ORDER BY owner').pluck().all() as string[]).sort();
      const a = (await api(h.url, 'POST', '/public/bookings', { body: resident('601', at('2026-11-23', '09:00')) })).body.booking;
      const b = (await api(h.url, 'POST', '/public/bookings', { body: { ...resident('602', at('2026-11-23', '09:30')), phone: '13900002222' } })).body.booking;
      const c = (await api(h.url, 'POST', '/public/bookings', { body: { ...resident('603', at('2026-11-23', '09:30'), 'ZX'), phone: '13700003333' } })).body.booking;
      expect(owners()).toEqual([`booking:${a.code}`, `booking:${b.code}`, `booking:${c.code}`].sort());
      const disk = () => ['', '-wal'].map((x) => { try { return readFileSync(h.dbFile + x, 'latin1'); } catch { return ''; } }).join('');
      expect(disk()).not.toContain('13812345678');
      await api(h.url, 'POST', '/public/bookings/cancel', { body: { code: b.code, last4: idNumber('602').slice(-4) } });
      clock.set(at('2026-11-23', '09:05'));
      const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { appointmentCode: a.code } });
      clock.set(at('2026-11-23', '09:45'));
      const tooLate = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { appointmentCode: c.code } });
      expect([tooLate.status, tooLate.body.error.code]).toEqual([422, 'HQ_ERR_APPOINTMENT_VOID']);
      expireBookings(h.hub.handler); // ZX at 09:30: voided for lateness
      await new Promise((r) => setTimeout(r, 50));
      expect(owners()).toEqual([`ticket:${t.body.ticket.id}`]);
    } finally {
      await h.dispose();
    }
  });
});

describe('bookings across a restart', () => {
  it('reloads live bookings, today’s ended ones and the no-shows that can still suspend', async () => {
    const clock = new FakeClock(at('2026-11-23', '08:00'));
    const config = testConfig({ week, booking: { late: 'void', graceMin: 0 } });
    let h = await startHub({ clock, config });
    const dir = h.dir;
    try {
      const missed = (await api(h.url, 'POST', '/public/bookings', { body: resident('701', at('2026-11-23', '09:00')) })).body.booking;
      const gone = (await api(h.url, 'POST', '/public/bookings', { body: resident('702', at('2026-11-23', '10:00')) })).body.booking;
      const live = (await api(h.url, 'POST', '/public/bookings', { body: resident('703', at('2026-11-24', '10:00')) })).body.booking;
      await api(h.url, 'POST', '/public/bookings/cancel', { body: { code: gone.code, last4: idNumber('702').slice(-4) } });
      clock.set(at('2026-11-23', '09:01'));
      expireBookings(h.hub.handler);
      const before = await h.hub.handler.read((s) => ({ codes: [...s.appointments.keys()].sort(), strikes: [...s.bookingStrikes.entries()] }));
      await h.stop();
      h = await startHub({ clock, config, dir });
      const after = await h.hub.handler.read((s) => ({ codes: [...s.appointments.keys()].sort(), strikes: [...s.bookingStrikes.entries()] }));
      expect(after).toEqual(before);
      expect(after.codes).toEqual([missed.code, gone.code, live.code].sort());
      expect(after.strikes).toHaveLength(1);
      expect((await api(h.url, 'POST', '/public/bookings/lookup', { body: { code: gone.code, last4: idNumber('702').slice(-4) } })).body.booking.status).toBe('cancelled');
    } finally {
      await h.dispose();
    }
  });
});
