import { describe, expect, it } from 'vitest';
import { api, hallMorning, openWindow, startHub, stateOf } from '../support/hub.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';
import { Projections } from '../../src/store/projections.ts';
import { codecContext, EventLog } from '../../src/store/event-log.ts';
import { evolve } from '../../src/domain/evolve.ts';
import { emptyState } from '../../src/domain/state.ts';
import { closeDueDays } from '../../src/day-closer.ts';

describe('business dates and restarts', () => {
  it('resets numbering at local midnight in Asia/Shanghai with the server at TZ=UTC', async () => {
    expect(process.env.TZ).toBe('UTC');
    const clock = new FakeClock(Date.parse('2026-11-23T15:59:58Z')); // 23:59:58 Shanghai
    const h = await startHub({ clock });
    try {
      const issue = async () => (await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).body.ticket;
      expect((await issue()).number).toBe('A001');
      expect((await issue()).number).toBe('A002');
      clock.set('2026-11-23T16:00:00Z');
      const next = await issue();
      expect(next.number).toBe('A001');
      expect(next.businessDate).toBe('2026-11-24');
    } finally {
      await h.dispose();
    }
  });

  it('rebuilds the same state after a restart, and it equals a fold of the event log', async () => {
    const clock = new FakeClock(Date.parse('2026-11-23T02:00:00Z'));
    const h = await startHub({ clock });
    await hallMorning(h, clock);
    const before = normalise(await stateOf(h.hub));
    const seq = h.hub.handler.seq;
    await h.stop();

    const again = await startHub({ clock, dir: h.dir });
    try {
      expect(again.hub.handler.seq).toBe(seq);
      expect(normalise(await stateOf(again.hub))).toEqual(before);
      // Folding the whole log from nothing gives the same state as the projections.
      const folded = emptyState();
      for (const e of new EventLog(again.hub.db, codecContext(again.hub.handler.config)).readSince(0)) evolve(folded, e, again.hub.handler.config.queue.estimateAlpha);
      expect(normalise(folded)).toEqual(normalise(new Projections(again.hub.db, 'Asia/Shanghai').load('2026-11-23')));
      // And the hub carries on numbering, paused as it was.
      const t = await api(again.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      expect(t.body.ticket.number).toBe('A004');
      const clerk2 = await openWindow(again.url, 2);
      expect((await api(again.url, 'POST', '/windows/1/call-next', { token: clerk2 })).status).toBe(403);
      const w = await api(again.url, 'GET', '/hall');
      expect(w.body.windows[0].status).toBe('paused');
    } finally {
      await again.dispose();
    }
  });

  it('closes the day: tickets still waiting become abandoned_at_close and are kept', async () => {
    const clock = new FakeClock(Date.parse('2026-11-23T09:00:00Z')); // Mon 17:00
    const config = testConfig({ week: weekOf([{ start: '09:00', end: '18:00' }]) });
    const h = await startHub({ clock, config });
    try {
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
      expect(closeDueDays(h.hub.handler)).toBe(0);
      clock.set('2026-11-23T10:31:00Z'); // 18:31, past the 30 min grace
      expect(closeDueDays(h.hub.handler)).toBe(2);
      expect(closeDueDays(h.hub.handler)).toBe(0);
      const rows = h.hub.db.prepare(`SELECT status FROM tickets`).all() as { status: string }[];
      expect(rows.map((r) => r.status)).toEqual(['abandoned_at_close', 'abandoned_at_close']);
    } finally {
      await h.dispose();
    }
  });
});

function weekOf(sessions: { start: string; end: string }[]) {
  return { mon: sessions, tue: sessions, wed: sessions, thu: sessions, fri: sessions, sat: sessions, sun: sessions };
}

function normalise(s: ReturnType<typeof emptyState>) {
  const sorted = <T>(m: Map<string | number, T>) => [...m.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
  return {
    tickets: sorted(s.tickets),
    services: sorted(s.services),
    windows: sorted(s.windows),
    counters: sorted(s.counters),
    issued: sorted(s.issued),
    holderKeys: [...s.holderKeys].sort(),
    stats: sorted(s.stats),
    waiting: [...s.waiting.entries()].filter(([, v]) => v.size > 0).map(([k, v]) => [k, [...v].sort()]).sort(),
    notices: s.notices,
  };
}
