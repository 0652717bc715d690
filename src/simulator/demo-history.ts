import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { HallConfig } from '../config/schema.ts';
import { addDays, businessDate } from '../domain/calendar.ts';
import { profileFor } from './profiles.ts';
import { simulate, type SimulationSummary } from './simulate.ts';

export const DEMO_SEED = 'hallq-demo';

export interface DemoHistoryOptions {
  dataDir: string;
  config: HallConfig;
  /** The data directory's HMAC key (the hub's own, from `loadHmacKey`). */
  hmacKey: Buffer;
  /** Default: `hall.demoHistoryWeeks`, else 8. */
  weeks?: number;
  /** The hub's clock: history ends the day before today. */
  now?: number;
}

/**
 * A demo hall's first start: `weeks` of simulated history up to yesterday, so the dashboard and the
 * reports have something to show. Only for a demo hall (`hall.demo: true`), only on a fresh data
 * directory (no `hallq.db` yet); a real hall never gets it. Built in a file beside the database and
 * renamed into place once complete, so a start that fails half-way leaves no half history behind.
 * Returns null when nothing was done.
 */
export function seedDemoHistory(o: DemoHistoryOptions): SimulationSummary | null {
  const { config } = o;
  if (config.hall.demo !== true) return null;
  const weeks = o.weeks ?? config.hall.demoHistoryWeeks ?? 8;
  if (weeks <= 0) return null;
  const dbFile = join(o.dataDir, 'hallq.db');
  if (existsSync(dbFile)) return null;
  const today = businessDate(o.now ?? Date.now(), config.hall.timeZone);
  const partial = `${dbFile}.history-${process.pid}`;
  const removePartial = () => {
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
  };
  removePartial();
  try {
    const summary = simulate({
      dbFile: partial,
      config,
      hmacKey: o.hmacKey,
      seed: DEMO_SEED,
      profile: profileFor(config),
      startDate: addDays(today, -7 * weeks),
      endDate: today,
    });
    // Closed: the WAL is folded into the file, which is whole.
    renameSync(partial, dbFile);
    return summary;
  } catch (err) {
    removePartial();
    throw err;
  }
}
