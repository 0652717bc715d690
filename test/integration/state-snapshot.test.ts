import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { businessDate } from '../../src/domain/calendar.ts';
import { codecContext, EventLog } from '../../src/store/event-log.ts';
import { CommandHandler } from '../../src/store/handle-command.ts';
import { hubIdOf } from '../../src/store/hub-identity.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { openDb } from '../../src/store/open-db.ts';
import { Projections } from '../../src/store/projections.ts';
import { codeId } from '../../src/store/state-snapshot.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, hallMorning, startHub, stateOf } from '../support/hub.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

/** Maps and sets as sorted entries, all the way down: two states compare by content. */
function plain(v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [k, plain(x)]).sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  if (v instanceof Set) return [...v].map(plain).sort();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** A fresh data directory, the snapshot's place in it, and a clock on a Monday morning. */
function fresh(): { dir: string; stateSnapshot: string; clock: FakeClock } {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-snap-'));
  return { dir, stateSnapshot: join(dir, 'state.snapshot'), clock: new FakeClock(Date.parse('2026-11-23T02:00:00Z')) };
}

describe('the working state kept over a graceful restart', () => {
  it('a graceful stop keeps it; the next start takes it back, the same state SQLite gives, and the file is gone', async () => {
    const { dir, stateSnapshot, clock } = fresh();
    const h = await startHub({ clock, dir, stateSnapshot });
    expect(h.hub.handler.startedFrom).toBe('sqlite');
    await hallMorning(h, clock);
    const before = plain(await stateOf(h.hub));
    await h.stop();
    expect(existsSync(stateSnapshot)).toBe(true);

    const again = await startHub({ clock, dir, stateSnapshot });
    try {
      expect(again.hub.handler.startedFrom).toBe('snapshot');
      expect(existsSync(stateSnapshot)).toBe(false);
      const restored = plain(await stateOf(again.hub));
      expect(restored).toEqual(before);
      expect(restored).toEqual(plain(new Projections(again.hub.db, 'Asia/Shanghai').load(businessDate(clock.now(), 'Asia/Shanghai'))));
      // And the hall carries on from it: the next number, the paused window.
      expect((await api(again.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).body.ticket.number).toBe('A004');
      expect((await api(again.url, 'GET', '/hall')).body.windows[0].status).toBe('paused');
    } finally {
      await again.dispose();
    }
  });

  it('is not used when it is not the state of the log on disk: an event since, a damaged file, another day', async () => {
    const { dir, stateSnapshot, clock } = fresh();
    let h = await startHub({ clock, dir, stateSnapshot });
    await hallMorning(h, clock);
    await h.stop();
    // A start that keeps no snapshot (a tool, an older hub) writes an event: the kept state is behind the log.
    h = await startHub({ clock, dir });
    await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    await h.stop();
    expect(existsSync(stateSnapshot)).toBe(true);
    h = await startHub({ clock, dir, stateSnapshot });
    expect(h.hub.handler.startedFrom).toBe('sqlite');
    expect(existsSync(stateSnapshot)).toBe(false);
    expect((await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).body.ticket.number).toBe('A005');
    await h.stop();

    writeFileSync(stateSnapshot, 'not a snapshot');
    // A partial file a crash left while writing holds personal data too: the next start removes it.
    writeFileSync(`${stateSnapshot}.tmp`, 'partial');
    h = await startHub({ clock, dir, stateSnapshot });
    expect(h.hub.handler.startedFrom).toBe('sqlite');
    expect(existsSync(`${stateSnapshot}.tmp`)).toBe(false);
    await h.stop();

    // Kept today, started tomorrow: the day's change is the load's to make.
    expect(existsSync(stateSnapshot)).toBe(true);
    clock.advance(24 * 3600_000);
    h = await startHub({ clock, dir, stateSnapshot });
    try {
      expect(h.hub.handler.startedFrom).toBe('sqlite');
      expect((await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).body.ticket.number).toBe('A001');
    } finally {
      await h.dispose();
    }
  });

  it('keeps the log\'s last events with it: the log read through them is the log on disk, at any start and length', async () => {
    const { dir, stateSnapshot, clock } = fresh();
    const h = await startHub({ clock, dir, stateSnapshot });
    await hallMorning(h, clock);
    await h.stop();
    const db = openDb(h.dbFile);
    try {
      const config = testConfig();
      const handler = new CommandHandler(db, config, clock, {
        snapshot: { file: stateSnapshot, key: { hubId: hubIdOf(db), timeZone: config.hall.timeZone, schema: MIGRATIONS.length, code: codeId(), codec: JSON.stringify(codecContext(config)) } },
      });
      expect(handler.startedFrom).toBe('snapshot');
      const log = new EventLog(db, codecContext(config));
      const last = handler.seq;
      expect(last).toBeGreaterThan(10);
      for (const seq of [0, 1, last - 5, last - 1, last]) for (const limit of [undefined, 1, 3, 10_000]) expect(handler.readLog(seq, limit)).toEqual(log.readSince(seq, limit));
      handler.releaseRecentTail();
      expect(handler.readLog(last - 5)).toEqual(log.readSince(last - 5));
    } finally {
      db.close();
    }
  });
});
