import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHub, type BuildOptions, type Hub } from '../../src/app.ts';
import type { HallState } from '../../src/domain/state.ts';
import { codecContext, decodeRow, type StoredEvent } from '../../src/store/event-log.ts';
import type { HallConfig } from '../../src/config/schema.ts';
import type { Clock } from '../../src/store/handle-command.ts';
import type { OpenHid } from '../../devices/ratingpad/index.ts';
import { api } from './http.ts';
import { KIOSK, TEST_PASSWORD, testConfig } from './test-config.ts';

export const TEST_HMAC_KEY = Buffer.alloc(32, 7);
export const TEST_APPLICANT_KEY = Buffer.alloc(32, 9);
export const TEST_CONTACT_KEY = Buffer.alloc(32, 11);

export interface RunningHub {
  hub: Hub;
  url: string;
  dir: string;
  dbFile: string;
  stop(): Promise<void>;
  /** Stops and removes the data directory. */
  dispose(): Promise<void>;
}

/** A real hub on a real SQLite file, listening on a free port. */
export async function startHub(opts: { config?: HallConfig; clock?: Clock; dir?: string; logger?: unknown; openHid?: OpenHid; clockCheckMs?: number; reports?: BuildOptions['reports']; smsChannel?: BuildOptions['smsChannel']; stateSnapshot?: string } = {}): Promise<RunningHub> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'hallq-test-'));
  const dbFile = join(dir, 'hallq.db');
  const hub = await buildHub({
    config: opts.config ?? testConfig(),
    dbFile,
    hmacKey: TEST_HMAC_KEY,
    applicantKey: TEST_APPLICANT_KEY,
    contactKey: TEST_CONTACT_KEY,
    ...(opts.smsChannel !== undefined ? { smsChannel: opts.smsChannel } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    dayCloser: false,
    // Generated clips are shared by every test hub: generating them costs half a second.
    voiceCacheDir: join(tmpdir(), 'hallq-test-voice-cache'),
    ...(opts.logger ? { logger: opts.logger as never } : {}),
    ...(opts.openHid ? { openHid: opts.openHid } : {}),
    ...(opts.clockCheckMs ? { clockCheckMs: opts.clockCheckMs } : {}),
    ...(opts.reports ? { reports: opts.reports } : {}),
    ...(opts.stateSnapshot ? { stateSnapshot: opts.stateSnapshot } : {}),
  });
  await hub.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = hub.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const stop = () => hub.close();
  return {
    hub,
    url: `http://127.0.0.1:${port}`,
    dir,
    dbFile,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { api } from './http.ts';

export async function login(url: string, jobNo: string): Promise<string> {
  const r = await api(url, 'POST', '/auth/login', { body: { jobNo, password: TEST_PASSWORD } });
  if (r.status !== 200) throw new Error(`login ${jobNo} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}

/** Logs the clerk in and opens their window as A. */
export async function openWindow(url: string, windowId: number): Promise<string> {
  const token = await login(url, `c${windowId}`);
  const r = await api(url, 'POST', `/windows/${windowId}/open`, { token, body: { role: 'A' } });
  if (r.status !== 200) throw new Error(`open window ${windowId} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return token;
}

/** A copy of the hub's committed state (tests look; only the handler writes). */
export function stateOf(hub: Hub): Promise<HallState> {
  return hub.handler.read((s) => structuredClone(s) as HallState);
}

/** Events from the log as the hub reads them (the log stores them compactly), optionally filtered by SQL. */
export function eventsIn(db: Hub['db'], where = '1', ...params: unknown[]): StoredEvent[] {
  return hallEventsIn(db, testConfig(), where, ...params);
}

/**
 * The same for a hall other than the test hall (the codec puts back fields derived from its config).
 * Read through `events_readable`, so `where` names types in full, as the auditor's view does.
 */
export function hallEventsIn(db: Hub['db'], config: HallConfig, where = '1', ...params: unknown[]): StoredEvent[] {
  const rows = db.prepare(`SELECT seq, at, type, actor, data FROM events_readable WHERE ${where} ORDER BY seq`).all(...params) as Parameters<typeof decodeRow>[0][];
  const codec = codecContext(config);
  return rows.map((r) => decodeRow(r, codec));
}

/** The newest event of a type, decoded as the hub reads it (the log stores actors and data compactly). */
export function lastEvent(db: Hub['db'], type: string): StoredEvent | undefined {
  const seq = (db.prepare('SELECT MAX(seq) AS seq FROM events_readable WHERE type = ?').get(type) as { seq: number | null }).seq;
  return seq === null ? undefined : eventsIn(db, 'seq = ?', seq)[0];
}

/**
 * A morning at the hall through the API: six tickets, a call, a start, a transfer to the front,
 * another call, a completion with a case number, a pause. Leaves window 1 paused.
 */
export async function hallMorning(h: { url: string }, clock: { advance(ms: number): void }): Promise<void> {
  const clerk = await openWindow(h.url, 1);
  for (let i = 0; i < 6; i++) await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: i % 2 ? 'ZX' : 'SB' } });
  await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
  await api(h.url, 'POST', '/windows/1/start', { token: clerk });
  clock.advance(7 * 60_000);
  await api(h.url, 'POST', '/windows/1/transfer', { token: clerk, body: { toCategoryId: 'SB', placement: 'front' } });
  await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
  await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: { caseNo: 'C-1' } });
  await api(h.url, 'POST', '/windows/1/pause', { token: clerk, body: { reason: '系统故障' } });
}
