import { describe, expect, it } from 'vitest';
import { startDayCloser } from '../../src/day-closer.ts';
import { api, lastEvent, login, openWindow, startHub } from '../support/hub.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { RecordingClient } from '../support/socket-client.ts';
import { KIOSK } from '../support/test-config.ts';

const MIN = 60_000;
const MON_1000 = Date.parse('2026-11-23T02:00:00Z'); // Monday 10:00 in Asia/Shanghai

/** Issue #8 §5: a wall clock the hub does not trust blindly, through the real buildHub. */
describe('the clock', () => {
  const issue = async (url: string, categoryId = 'ZX') => {
    const r = await api(url, 'POST', '/tickets', { token: KIOSK, body: { categoryId } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.ticket.number as string;
  };

  it('calls in arrival order when the clock is set back 15 minutes between two tickets, and tells the manager', async () => {
    const clock = new FakeClock(MON_1000);
    const h = await startHub({ clock, clockCheckMs: 10 });
    try {
      const manager = await RecordingClient.connect(h.url, { token: await login(h.url, 'm1') });
      await manager.waitForEvent('snapshot');
      expect(await issue(h.url)).toBe('A001');
      clock.advance(MIN);
      clock.jump(-15 * MIN);
      const jump = await manager.waitForEvent('clock.jumped');
      expect(jump.data.deltaMs).toBeCloseTo(-15 * MIN, -3);
      expect(await issue(h.url)).toBe('A002');
      const clerk = await openWindow(h.url, 1);
      expect((await api(h.url, 'POST', '/windows/1/call-next', { token: clerk })).body.ticket.number).toBe('A001');
      await api(h.url, 'POST', '/windows/1/complete', { token: clerk });
      expect((await api(h.url, 'POST', '/windows/1/call-next', { token: clerk })).body.ticket.number).toBe('A002');
      manager.close();
    } finally {
      await h.dispose();
    }
  });

  it('keeps the queue and the windows when the clock leaps a day ahead and comes back', async () => {
    const clock = new FakeClock(MON_1000);
    const h = await startHub({ clock, clockCheckMs: 10 });
    const stop = startDayCloser(h.hub.handler, h.hub.guard, (err) => {
      throw err;
    }, 10);
    try {
      await issue(h.url);
      await issue(h.url);
      await openWindow(h.url, 1);
      clock.advance(20 * MIN); // the hub has run steadily for a while
      await new Promise((r) => setTimeout(r, 50));
      clock.jump(24 * 60 * MIN); // a day ahead: Tuesday 10:20
      await new Promise((r) => setTimeout(r, 100)); // several day-closer ticks
      clock.advance(2 * MIN);
      await new Promise((r) => setTimeout(r, 100));
      const types = (h.hub.db.prepare('SELECT type FROM events_readable').all() as { type: string }[]).map((r) => r.type);
      expect(types).toContain('clock.jumped');
      expect(types).not.toContain('ticket.abandoned_at_close');
      expect(types).not.toContain('window.closed');
      clock.jump(-24 * 60 * MIN); // corrected
      await new Promise((r) => setTimeout(r, 50));
      const hall = (await api(h.url, 'GET', '/hall')).body;
      expect(hall.categories.find((c: { id: string }) => c.id === 'ZX').waiting).toBe(2);
      expect(hall.windows[0].status).toBe('open');
      // A real new day, reached by time passing and confirmed, still closes the old one.
      clock.advance(24 * 60 * MIN);
      await new Promise((r) => setTimeout(r, 100));
      const after = (h.hub.db.prepare('SELECT type FROM events_readable').all() as { type: string }[]).map((r) => r.type);
      expect(after.filter((t) => t === 'ticket.abandoned_at_close')).toHaveLength(2);
    } finally {
      stop();
      await h.dispose();
    }
  });

  it('never reuses a number or answers 5xx when the clock goes back to an earlier day, live or after a restart', async () => {
    const clock = new FakeClock(Date.parse('2026-11-20T02:00:00Z')); // Friday
    let h = await startHub({ clock });
    try {
      expect([await issue(h.url), await issue(h.url)]).toEqual(['A001', 'A002']);
      clock.set('2026-11-23T02:00:00Z');
      h.hub.handler.pruneBefore('2026-11-22'); // what the day closer does at each new date
      expect(await issue(h.url)).toBe('A001');
      clock.set('2026-11-24T02:00:00Z');
      h.hub.handler.pruneBefore('2026-11-23');
      expect(await issue(h.url)).toBe('A001');
      clock.jump(Date.parse('2026-11-20T02:05:00Z') - clock.now()); // back to Friday, hub running
      expect(await issue(h.url)).toBe('A003');
      await h.stop();
      h = await startHub({ clock, dir: h.dir });
      expect(await issue(h.url)).toBe('A004'); // Friday again, after a restart
      clock.jump(Date.parse('2026-11-23T02:05:00Z') - clock.now());
      expect(await issue(h.url)).toBe('A002'); // and Monday goes on from its A001
      const dup = h.hub.db.prepare('SELECT business_date, number, COUNT(*) AS n FROM tickets GROUP BY 1, 2 HAVING n > 1').all();
      expect(dup).toEqual([]);
    } finally {
      await h.dispose();
    }
  });

  it('notices at start-up a clock earlier than the last thing it wrote', async () => {
    const clock = new FakeClock(MON_1000);
    let h = await startHub({ clock });
    try {
      await issue(h.url);
      await h.stop();
      clock.jump(-2 * 24 * 60 * MIN);
      h = await startHub({ clock, dir: h.dir });
      expect(lastEvent(h.hub.db, 'clock.jumped')!.data).toMatchObject({ detectedAt: 'startup', deltaMs: -2 * 24 * 60 * MIN });
    } finally {
      await h.dispose();
    }
  });

  it('lets a manager close a day by hand, and nobody close one that has not come', async () => {
    const clock = new FakeClock(MON_1000);
    const h = await startHub({ clock });
    try {
      await issue(h.url);
      const clerk = await openWindow(h.url, 1);
      const manager = await login(h.url, 'm1');
      expect((await api(h.url, 'POST', '/days/close', { token: clerk, body: { businessDate: '2026-11-23' } })).status).toBe(403);
      const future = await api(h.url, 'POST', '/days/close', { token: manager, body: { businessDate: '2026-11-24' } });
      expect(future.status).toBe(422);
      expect(future.body.error.code).toBe('HQ_ERR_DAY_IN_FUTURE');
      expect((await api(h.url, 'POST', '/days/close', { token: manager, body: { businessDate: '2026-13-01' } })).status).toBe(400);
      const closed = await api(h.url, 'POST', '/days/close', { token: manager, body: { businessDate: '2026-11-23' } });
      expect(closed.body).toEqual({ closedTickets: 1, signedOutWindows: 1 });
    } finally {
      await h.dispose();
    }
  });
});
