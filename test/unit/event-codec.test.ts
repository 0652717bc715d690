import { describe, expect, it } from 'vitest';
import type { Actor, HallCommand } from '../../src/domain/commands.ts';
import { codecContext, type StoredEvent } from '../../src/store/event-log.ts';
import { decodeActor, encodeActor, encodeData } from '../../src/store/event-codec.ts';
import { CommandHandler } from '../../src/store/handle-command.ts';
import { openDb } from '../../src/store/open-db.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { testConfig } from '../support/test-config.ts';

const KIOSK: Actor = { kind: 'device', id: 'kiosk-1', deviceKind: 'kiosk' };
const GUIDE: Actor = { kind: 'staff', id: 'g1', role: 'guide' };
const MANAGER: Actor = { kind: 'staff', id: 'm1', role: 'manager' };
const clerk = (w: number): Actor => ({ kind: 'staff', id: `c${w}`, role: 'clerk' });
const pad = (w: number): Actor => ({ kind: 'device', id: `pad-${w}`, deviceKind: 'pad', windowId: w });
const holder = { hmac: 'ab'.repeat(32), idMasked: '**************1234', nameMasked: '张*丰', birthYear: 1950 };

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
    run({ type: 'BookAppointment', data: { code: 'ABCD2345', categoryId: 'SB', slotStart: clock.now() + 60_000, slotEnd: clock.now() + 3_600_000, holder } }, GUIDE);
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
    const compact = decided.reduce((b, e) => b + encodeData(e.type, e.data as unknown as Record<string, unknown>, e.seq, e.at, codec).length, 0);
    expect(compact / verbose).toBeLessThan(0.8);
    db.close();
  });

  it('writes the actor as a short readable string and reads the old JSON form too', () => {
    for (const a of [clerk(3), pad(4), KIOSK, { kind: 'system', id: 'day-closer' } as Actor]) expect(decodeActor(encodeActor(a))).toEqual(a);
    expect(encodeActor(pad(4))).toBe('device:pad-4:pad:4');
    expect(decodeActor('{"kind":"staff","id":"1001","role":"clerk"}')).toEqual({ kind: 'staff', id: '1001', role: 'clerk' });
  });
});
