import { describe, expect, it } from 'vitest';
import type { Actor, HallCommand } from '../../src/domain/commands.ts';
import { codecContext, type StoredEvent } from '../../src/store/event-log.ts';
import { decodeActor, decodeData, encodeActor, encodeData } from '../../src/store/event-codec.ts';
import { EVENT_KEYS } from '../../src/store/event-keys.ts';
import type { FlowRow } from '../../src/domain/flow.ts';
import { CommandHandler } from '../../src/store/handle-command.ts';
import { openDb } from '../../src/store/open-db.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { testConfig } from '../support/test-config.ts';

const KIOSK: Actor = { kind: 'device', id: 'kiosk-1', deviceKind: 'kiosk' };
const GUIDE: Actor = { kind: 'staff', id: 'g1', role: 'guide' };
const MANAGER: Actor = { kind: 'staff', id: 'm1', role: 'manager' };
const clerk = (w: number): Actor => ({ kind: 'staff', id: `c${w}`, role: 'clerk' });
const pad = (w: number): Actor => ({ kind: 'device', id: `pad-${w}`, deviceKind: 'pad', windowId: w });
const holder = { hmac: 'q83vEjRWeJASNFZ4kBI0Vg', idMasked: '**************1234', nameMasked: '张*丰', birthYear: 1950 };

describe('the compact event log', () => {
  it('gives back every event exactly as decided, for every type a hall day makes', () => {
    const db = openDb(':memory:');
    const clock = new FakeClock(Date.parse('2026-11-23T02:00:00Z'));
    const h = new CommandHandler(db, testConfig({ windows: 2 }), clock);
    const decided: StoredEvent[] = [];
    let n = 0;
    const run = (cmd: HallCommand, actor: Actor, advanceMs = 7_000) => {
      clock.advance(advanceMs);
      decided.push(...h.run(cmd, actor).events);
    };
    const issue = (extra: Partial<Extract<HallCommand, { type: 'IssueTicket' }>['data']> = {}, actor: Actor = KIOSK) =>
      run({ type: 'IssueTicket', data: { ticketId: `t${++n}`, serviceId: `s${n}`, categoryId: 'ZX', source: actor === KIOSK ? 'kiosk' : 'guide', kioskId: 'kiosk-1', ...extra } }, actor);
    issue();
    issue({ holder, phoneMasked: '138****5678' });
    issue({ priorityGroup: 'disabled' }, GUIDE);
    // Bookings on the next half hours (the test hall is open around the clock): one booked, one cancelled,
    // one missed, one checked in late as a normal ticket.
    const slot = (k: number) => (Math.floor(clock.now() / 1_800_000) + k) * 1_800_000;
    run({ type: 'BookAppointment', data: { code: 'ABCD2345', categoryId: 'SB', slotStart: slot(1), holder } }, GUIDE);
    run({ type: 'BookAppointment', data: { code: 'ABCD2346', categoryId: 'ZX', slotStart: slot(1), holder, channel: 'public' } }, { kind: 'system', id: 'public' });
    run({ type: 'CancelAppointment', data: { code: 'ABCD2346', last4: '1234' } }, { kind: 'system', id: 'public' });
    run({ type: 'BookAppointment', data: { code: 'ABCD2347', categoryId: 'MZ', slotStart: slot(1), holder } }, GUIDE);
    run({ type: 'ExpireAppointments', data: {} }, { kind: 'system', id: 'test' }, slot(1) + 24 * 3_600_000 - clock.now());
    run({ type: 'BookAppointment', data: { code: 'ABCD2348', categoryId: 'ZX', slotStart: slot(1) } }, GUIDE);
    run({ type: 'IssueTicket', data: { ticketId: `t${++n}`, serviceId: `s${n}`, appointmentCode: 'ABCD2348', source: 'kiosk', kioskId: 'kiosk-1' } }, KIOSK, slot(1) + 20 * 60_000 - clock.now());
    run({ type: 'OpenWindow', data: { windowId: 1, staffId: 'c1', role: 'A' } }, clerk(1));
    run({ type: 'CallNext', data: { windowId: 1, callId: 'k1' } }, clerk(1));
    run({ type: 'Recall', data: { windowId: 1, callId: 'k2' } }, clerk(1));
    run({ type: 'StartService', data: { windowId: 1 } }, clerk(1));
    run({ type: 'TransferTicket', data: { windowId: 1, newServiceId: 's99', toWindowId: 2, note: '请到2号窗口' } }, clerk(1));
    run({ type: 'CallNext', data: { windowId: 1, callId: 'k3' } }, clerk(1));
    run({ type: 'CompleteService', data: { windowId: 1, caseNo: 'BJ-1', itemCode: 'X', case: { type: 'promised', promisedWorkingDays: 10 } } }, clerk(1));
    const requested = decided.at(-1)!;
    run({ type: 'RateService', data: { ratingId: 'r1', followupId: 'f1', serviceId: (requested.data as { serviceId: string }).serviceId, level: 1, reasons: ['服务态度'], comment: '太慢', channel: 'pad' } }, pad(1));
    run({ type: 'RecordFollowup', data: { followupId: 'f1', step: 'callback', note: '已回访', satisfied: true } }, MANAGER);
    run({ type: 'CompleteCase', data: { caseNo: 'BJ-1' } }, MANAGER);
    run({ type: 'CallNext', data: { windowId: 1, callId: 'k4' } }, clerk(1));
    run({ type: 'MarkNoShow', data: { windowId: 1 } }, clerk(1));
    run({ type: 'PauseWindow', data: { windowId: 1, reason: '午休' } }, clerk(1));
    run({ type: 'ResumeWindow', data: { windowId: 1 } }, clerk(1));
    run({ type: 'UpdateNotices', data: { notices: ['周六上午延时服务'] } }, MANAGER);
    run({ type: 'RecordDeduction', data: { deductionId: 'd1', staffId: 'c1', businessDate: '2026-11-23', itemCode: 'dress', note: '未戴胸牌' } }, MANAGER);
    run({ type: 'RevokeDeduction', data: { deductionId: 'd1', reason: '误记' } }, MANAGER);
    run({ type: 'RecordClockJump', data: { fromAt: 1, toAt: 2, deltaMs: 1, detectedAt: 'runtime' } }, { kind: 'system', id: 'test' });
    issue();
    run({ type: 'CancelTicket', data: { ticketId: `t${n}`, reason: '群众离开' } }, GUIDE);
    run({ type: 'CloseWindow', data: { windowId: 1 } }, clerk(1));
    run({ type: 'CloseBusinessDay', data: { businessDate: '2026-11-23' } }, { kind: 'system', id: 'test' });

    const types = new Set(decided.map((e) => e.type));
    expect(types.size).toBeGreaterThanOrEqual(20);
    const read = h.readLog(0, 10_000);
    expect(read).toEqual(decided);
    // And it is smaller: no default, no repeated time.
    const verbose = decided.reduce((b, e) => b + JSON.stringify(e.data).length, 0);
    const codec = codecContext(testConfig({ windows: 2 }));
    const compact = decided.reduce((b, e) => b + encodeData(e.type, e.data as unknown as Record<string, unknown>, e.seq, e.at, codec, e.actor).length, 0);
    expect(compact / verbose).toBeLessThan(0.5);
    db.close();
  });

  it('writes the actor as a short readable string and reads the old JSON form too', () => {
    for (const a of [clerk(3), pad(4), KIOSK, { kind: 'system', id: 'day-closer' } as Actor]) expect(decodeActor(encodeActor(a))).toEqual(a);
    expect(encodeActor(pad(4))).toBe('device:pad-4:4');
    expect(encodeActor(clerk(3))).toBe('staff:c3');
    expect(encodeActor(KIOSK)).toBe(`device:${KIOSK.id}`);
    // A kind the id does not begin with, another role, and the earlier long forms.
    for (const a of [{ kind: 'device', id: 'screen7', deviceKind: 'display' }, { kind: 'device', id: 'bar-2', deviceKind: 'pad', windowId: 2 }, { kind: 'staff', id: 'g1', role: 'guide' }] as Actor[]) expect(decodeActor(encodeActor(a))).toEqual(a);
    expect(encodeActor({ kind: 'device', id: 'screen7', deviceKind: 'display' })).toBe('device:screen7:display');
    expect(decodeActor('device:pad-4:pad:4')).toEqual(pad(4));
    expect(decodeActor('staff:c3:clerk')).toEqual(clerk(3));
    expect(decodeActor('device:kiosk-1:kiosk')).toEqual({ kind: 'device', id: 'kiosk-1', deviceKind: 'kiosk' });
    expect(decodeActor('{"kind":"staff","id":"1001","role":"clerk"}')).toEqual({ kind: 'staff', id: '1001', role: 'clerk' });
  });

  it('reads rows of every earlier form: full names, verbose JSON, the 256-bit hex holder key', () => {
    const codec = codecContext(testConfig());
    const at = Date.parse('2026-11-23T02:00:00Z');
    // The first compact form (full field names, staff id written), with an old hex holder key.
    const older = '{"ticketId":"t1","serviceId":"s1","number":"A001","categoryId":"ZX","holder":{"hmac":"' + 'ab'.repeat(32) + '","idMasked":"**************1234","nameMasked":"张*丰","birthYear":1950},"estimate":{"ahead":0,"minutes":0,"low":0,"high":0}}';
    const d = decodeData('ticket.issued', older, 5, at, codec, KIOSK) as Record<string, unknown>;
    expect(d).toMatchObject({ ticketId: 't1', number: 'A001', prefix: 'A', serial: 1, issuedAt: at, source: 'kiosk', estimate: { ahead: 0, minutes: 0, low: 0, high: 0 } });
    expect((d.holder as { hmac: string }).hmac).toBe(Buffer.from('ab'.repeat(16), 'hex').toString('base64url'));
    const verbose = JSON.stringify({ ticketId: 't1', serviceId: 's1', number: 'A001', windowId: 1, staffId: 'c9', startedAt: at });
    expect(decodeData('ticket.started', verbose, 6, at, codec, clerk(1))).toEqual({ ticketId: 't1', serviceId: 's1', number: 'A001', windowId: 1, staffId: 'c9', startedAt: at });
  });

  it('writes a staff id or window that is the actor\'s own once (in the actor), and any other as it is, null included', () => {
    const codec = codecContext(testConfig());
    const at = Date.parse('2026-11-23T02:00:00Z');
    const started = { ticketId: 't1', serviceId: 's1', number: 'A001', windowId: 1, startedAt: at };
    for (const [staffId, actor] of [['c1', clerk(1)], [null, clerk(1)], ['c2', MANAGER], [null, KIOSK]] as const) {
      const json = encodeData('ticket.started', { ...started, staffId }, 1, at, codec, actor);
      expect(decodeData('ticket.started', json, 1, at, codec, actor)).toEqual({ ...started, staffId });
    }
    expect(encodeData('ticket.started', { ...started, staffId: 'c1' }, 1, at, codec, clerk(1))).not.toContain('c1');
    const unrated = { serviceId: 's1', ticketId: 't1', number: 'A001', staffId: null, at };
    for (const [windowId, actor] of [[3, pad(3)], [2, pad(3)], [3, { kind: 'system', id: 'rating-timeout' } as Actor]] as const) {
      const json = encodeData('rating.unrated', { ...unrated, windowId }, 1, at, codec, actor);
      expect(decodeData('rating.unrated', json, 1, at, codec, actor)).toEqual({ ...unrated, windowId });
    }
  });

  it('leaves the zeros out of a flow record\'s rows and puts them back', () => {
    const codec = codecContext(testConfig());
    const at = Date.parse('2026-11-23T02:30:00Z');
    const row = (id: string, over: Partial<FlowRow> = {}): FlowRow => ({ id, issued: 0, called: 0, served: 0, noShow: 0, transfersIn: 0, transfersOut: 0, waitingEnd: 0, waitMax: 0, waitMean: 0, waitP90: 0, handleMean: 0, appointments: 0, extendedIssued: 0, ...over });
    const data = {
      businessDate: '2026-11-23',
      slot: 600,
      from: at - 1_800_000,
      to: at,
      extended: false,
      live: true,
      categories: [row('ZX', { issued: 4, called: 3, waitMean: 310 }), row('SB')],
      windows: [row('1', { served: 2, open: true, staffId: 'c1' }), row('2', { open: false, staffId: null })],
      windowsOpen: 1,
      clerks: 1,
    };
    const json = encodeData('flow.recorded', data, 1, at, codec, { kind: 'system', id: 'flow' });
    expect(json.length).toBeLessThan(JSON.stringify(data).length / 3);
    expect(decodeData('flow.recorded', json, 1, at, codec, { kind: 'system', id: 'flow' })).toEqual(data);
  });

  it('has one short name per field, none of them a field name, so rows of either form read the same', () => {
    const shorts = Object.values(EVENT_KEYS);
    expect(new Set(shorts).size).toBe(shorts.length);
    const longs = new Set([...Object.keys(EVENT_KEYS), 'id', 'by', 'to', 'from', 'at', 'data', 'type', 'extendedIssued', 'notices']);
    for (const s of [...shorts, 'i4']) {
      expect(s).toMatch(/^[a-z][a-z0-9]$/);
      expect(longs.has(s), s).toBe(false);
    }
  });

  it('reads back for an auditor with sqlite3 alone: events_readable names types and fields in full', () => {
    const db = openDb(':memory:');
    const clock = new FakeClock(Date.parse('2026-11-23T02:00:00Z'));
    const h = new CommandHandler(db, testConfig({ windows: 2 }), clock);
    h.run({ type: 'IssueTicket', data: { ticketId: 't1', serviceId: 's1', categoryId: 'ZX', source: 'kiosk', kioskId: 'kiosk-1', holder } }, KIOSK);
    h.run({ type: 'OpenWindow', data: { windowId: 1, staffId: 'c1', role: 'A' } }, clerk(1));
    h.run({ type: 'CallNext', data: { windowId: 1, callId: 'k1' } }, clerk(1));
    h.run({ type: 'Recall', data: { windowId: 1, callId: 'k2' } }, clerk(1));
    const rows = db.prepare('SELECT type, data FROM events_readable ORDER BY seq').all() as { type: string; data: string }[];
    expect(rows.map((r) => r.type)).toEqual(['ticket.issued', 'window.opened', 'ticket.called', 'ticket.called']);
    const recall = JSON.parse(rows[3]!.data) as Record<string, unknown>;
    expect(recall).toMatchObject({ ticketId: 't1', number: 'A001', windowId: 1, callId: 'k2', recall: true, recalls: 1 });
    const issued = JSON.parse(rows[0]!.data) as { holder: Record<string, unknown> };
    expect(issued.holder).toMatchObject({ hm: holder.hmac, i4: '1234' });
    expect(db.prepare("SELECT long FROM event_keys WHERE short = 'hm'").get()).toEqual({ long: 'hmac' });
    db.close();
  });
});
