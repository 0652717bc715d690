import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HallqError } from '../../src/domain/errors.ts';
import { REPORT_NICE, ReportRunner } from '../../src/reports/runner.ts';
import { openDb } from '../../src/store/open-db.ts';
import { reportsConfig } from '../support/history.ts';
import { api, login, startHub } from '../support/hub.ts';

const config = reportsConfig();
const NOW = Date.parse('2026-10-22T10:00:00+08:00');
let dir: string;
let dbFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hallq-runner-'));
  dbFile = join(dir, 'hallq.db');
  openDb(dbFile).close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof HallqError ? e.code : String(e)));

describe('the report threads', () => {
  it('run a report on their own connection, and bring its refusal back with its code and message', async () => {
    const r = new ReportRunner({ dbFile, config });
    try {
      const q = await r.run({ kind: 'quiet' }, NOW);
      expect(q.today).toBe('2026-10-22');
      const err = await r.run({ kind: 'flow', query: { from: '2026-10-21', to: '2026-10-01', by: 'day' } }, NOW).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HallqError);
      expect((err as HallqError).code).toBe('HQ_ERR_REPORT_RANGE_INVERTED');
      expect((err as HallqError).message).toContain('开始日期晚于结束日期');
      expect(r.load).toEqual({ running: 0, queued: 0, threads: 1 });
    } finally {
      await r.close();
    }
  });

  it.runIf(process.platform === 'linux')('run at a lower priority than the hall: only the report thread is niced, the hall thread stays at 0', async () => {
    // /proc/<pid>/task/<tid>/stat, field 19, is each thread's nice value.
    const nices = () =>
      readdirSync('/proc/self/task').map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[16]));
    expect(nices()).not.toContain(REPORT_NICE);
    const r = new ReportRunner({ dbFile, config });
    try {
      await r.run({ kind: 'quiet' }, NOW);
      expect(nices().filter((n) => n === REPORT_NICE)).toHaveLength(1);
      expect(readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ')[16]).toBe('0');
    } finally {
      await r.close();
    }
  });

  it('cap the jobs: beyond the threads and the queue a job is refused at once, with a time to retry', async () => {
    const r = new ReportRunner({ dbFile, config, threads: 1, queue: 1 });
    try {
      const first = r.run({ kind: 'quiet' }, NOW);
      const second = r.run({ kind: 'quiet' }, NOW);
      const third = r.run({ kind: 'quiet' }, NOW).catch((e: unknown) => e);
      expect(r.load).toMatchObject({ running: 1, queued: 1 });
      const refused = (await third) as HallqError;
      expect(refused.code).toBe('HQ_ERR_REPORTS_BUSY');
      expect(refused.detail?.retryAfterSec).toBe(5);
      expect(await codeOf(first)).toBe('ok');
      expect(await codeOf(second)).toBe('ok');
    } finally {
      await r.close();
    }
  });

  it('abandon a job past its time limit and end its thread; the next job gets a fresh one', async () => {
    const r = new ReportRunner({ dbFile, config, threads: 1, timeoutMs: 1 });
    try {
      expect(await codeOf(r.run({ kind: 'quiet' }, NOW))).toBe('HQ_ERR_REPORT_TIMEOUT');
      expect(r.load.threads).toBe(0);
    } finally {
      await r.close();
    }
    const again = new ReportRunner({ dbFile, config, threads: 1 });
    try {
      expect(await codeOf(again.run({ kind: 'quiet' }, NOW))).toBe('ok');
    } finally {
      await again.close();
    }
  });

  it('end a thread that has been idle, and start one again for the next report (memory is given back)', async () => {
    const r = new ReportRunner({ dbFile, config, threads: 1, idleMs: 200 });
    try {
      expect(await codeOf(r.run({ kind: 'quiet' }, NOW))).toBe('ok');
      expect(r.load.threads).toBe(1);
      await new Promise((res) => setTimeout(res, 500));
      expect(r.load.threads).toBe(0);
      expect(await codeOf(r.run({ kind: 'quiet' }, NOW))).toBe('ok');
      expect(r.load.threads).toBe(1);
    } finally {
      await r.close();
    }
  });

  it('fail a job whose thread dies, not hang it, and start a new thread for the next', async () => {
    // A thread that cannot open the hall's file dies at start: the job hears of it at once.
    const gone = new ReportRunner({ dbFile: join(dir, 'missing.db'), config, threads: 1 });
    try {
      const err = await gone.run({ kind: 'quiet' }, NOW).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(HallqError);
      expect(gone.load).toEqual({ running: 0, queued: 0, threads: 0 });
    } finally {
      await gone.close();
    }
  });

  it('refuse what is still waiting when the hub closes', async () => {
    const r = new ReportRunner({ dbFile, config, threads: 1, queue: 4 });
    const jobs = [r.run({ kind: 'quiet' }, NOW), r.run({ kind: 'quiet' }, NOW), r.run({ kind: 'quiet' }, NOW)].map(codeOf);
    await r.close();
    expect(await Promise.all(jobs)).toEqual(['HQ_ERR_REPORTS_BUSY', 'HQ_ERR_REPORTS_BUSY', 'HQ_ERR_REPORTS_BUSY']);
    expect(await codeOf(r.run({ kind: 'quiet' }, NOW))).toBe('HQ_ERR_REPORTS_BUSY');
  });

  it('answer a report the threads cannot take with 503 and Retry-After, and the public quiet times do not keep that refusal', async () => {
    const h = await startHub({ config, reports: { threads: 1, queue: 0 } });
    try {
      const manager = await login(h.url, 'm1');
      // The one thread is taken (a job is given its thread as it is submitted).
      const busy = h.hub.reports.run({ kind: 'quiet' }, Date.now());
      const refused = await fetch(`${h.url}/api/v1/public/quiet-times`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'HQ_ERR_REPORTS_BUSY', message: expect.stringMatching(/[\u4e00-\u9fff].* \/ [A-Za-z]/) });
      const report = await api(h.url, 'GET', '/reports/assessment?month=2026-10', { token: manager });
      expect(report.status).toBe(503);
      await busy;
      // The next visitor asks again rather than being served the refusal from the cache.
      const again = await fetch(`${h.url}/api/v1/public/quiet-times`);
      expect(again.status).toBe(200);
    } finally {
      await h.dispose();
    }
  });
});
