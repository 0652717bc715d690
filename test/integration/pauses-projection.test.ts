import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/commands.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { CommandHandler } from '../../src/store/handle-command.ts';
import { openDb } from '../../src/store/open-db.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { testConfig } from '../support/test-config.ts';

const c1: Actor = { kind: 'staff', id: 'c1', role: 'clerk' };
const c2: Actor = { kind: 'staff', id: 'c2', role: 'clerk' };
const b1: Actor = { kind: 'staff', id: 'b1', role: 'clerk' };

describe('the pauses projection (migration 8)', () => {
  it('keeps each pause with its end (resume, sign-out or the B clerk taking over), and an upgrade rebuilds the same from the log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-pauses-'));
    try {
      const db = openDb(join(dir, 'hallq.db'));
      const clock = new FakeClock(Date.parse('2026-11-23T09:00:00+08:00'));
      const h = new CommandHandler(db, testConfig(), clock);
      const step = (min: number) => clock.advance(min * 60_000);
      h.run({ type: 'OpenWindow', data: { windowId: 1, staffId: 'c1', role: 'A' } }, c1);
      h.run({ type: 'OpenWindow', data: { windowId: 2, staffId: 'c2', role: 'A' } }, c2);
      step(5);
      h.run({ type: 'PauseWindow', data: { windowId: 1, reason: '临时外出' } }, c1);
      step(12);
      h.run({ type: 'ResumeWindow', data: { windowId: 1 } }, c1);
      h.run({ type: 'PauseWindow', data: { windowId: 2, reason: '系统故障' } }, c2);
      step(3);
      h.run({ type: 'PauseWindow', data: { windowId: 1, reason: '接电话' } }, c1);
      step(4);
      // The B clerk takes over the paused window: the pause ends there.
      h.run({ type: 'OpenWindow', data: { windowId: 1, staffId: 'b1', role: 'B' } }, b1);
      step(6);
      h.run({ type: 'CloseWindow', data: { windowId: 2 } }, c2);
      step(1);
      h.run({ type: 'PauseWindow', data: { windowId: 1, reason: '午休' } }, b1);

      const rows = () => db.prepare('SELECT window_id, staff_id, started_at, ended_at, reason FROM pauses ORDER BY started_at, window_id').all();
      const t0 = Date.parse('2026-11-23T09:00:00+08:00');
      const at = (min: number) => t0 + min * 60_000;
      const live = rows();
      expect(live).toEqual([
        { window_id: 1, staff_id: 'c1', started_at: at(5), ended_at: at(17), reason: '临时外出' },
        { window_id: 2, staff_id: 'c2', started_at: at(17), ended_at: at(30), reason: '系统故障' },
        { window_id: 1, staff_id: 'c1', started_at: at(20), ended_at: at(24), reason: '接电话' },
        { window_id: 1, staff_id: 'b1', started_at: at(31), ended_at: null, reason: '午休' },
      ]);

      // A hall upgrading from version 7: migration 8 makes the same rows from the log alone.
      db.exec('DROP TABLE pauses');
      const m = MIGRATIONS[7]!;
      if (typeof m === 'string') throw new Error('migration 8 rebuilds from the log');
      db.exec(m.sql);
      m.run(db);
      expect(rows()).toEqual(live);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
