import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../devices/idcard/card/id-number.ts';
import { startChild, type Child } from '../../bench/children.ts';
import { HISTORY_MONITOR, roundTheClockConfig } from '../../bench/figure-history.ts';
import { ask } from '../../bench/history-protocol.ts';
import { eventsIn } from '../support/hub.ts';
import { REPO_ROOT, spawnHub, type HubProcess } from '../support/hub-process.ts';

/**
 * Issue #11 on generated history: a county hall's weeks made by the simulator (the real engine), then
 * the hub on them as a hall runs it.
 * - No request, timer or job holds the hub's event loop for more than 50 ms: the delay is sampled
 *   in the hub's own process (monitorEventLoopDelay) while each one runs.
 * - kill -9 mid-load on that history loses nothing acknowledged and leaves no gap in the log.
 */

const DAYS = 15;
const KIOSK = 'demo-kiosk-token-0001';
const PASSWORD = 'hallq-demo';
const LIMIT_MS = 50;

let dir: string;
let historyData: string;
let configFile: string;
let history: { startDate: string; endDate: string; tickets: number };

async function api(url: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hallq-history-load-'));
  historyData = join(dir, 'history');
  configFile = roundTheClockConfig('county', dir);
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/cli.ts', '--data', historyData, '--days', String(DAYS), '--seed', 'history-load', '--profile', 'county', '--json'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    p.stdout!.on('data', (c: Buffer) => (text += c.toString('utf8')));
    p.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`simulate exited with ${code}`))));
  });
  const summary = JSON.parse(out) as { startDate: string; endDate: string; totals: { issued: number } };
  history = { startDate: summary.startDate, endDate: summary.endDate, tickets: summary.totals.issued };
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`the hub on ${DAYS} business days of a county hall`, () => {
  let hub: Child | undefined;
  afterAll(async () => hub?.stop());

  it(`holds its event loop ≤ ${LIMIT_MS} ms through reprints, follow-up pages, card look-ups, reports, exports and the whole-log purge`, { timeout: 300_000 }, async () => {
    expect(history.tickets).toBeGreaterThan(DAYS * 300);
    const data = join(dir, 'delay');
    cpSync(historyData, data, { recursive: true });
    hub = await startChild('history-hub.ts', [data, configFile], { readyTimeoutMs: 120_000 });
    const url = `http://127.0.0.1:${hub.ready.port as number}`;
    const proc = hub.proc;

    const manager = (await api(url, 'POST', '/auth/login', undefined, { jobNo: '3001', password: PASSWORD })).body.token as string;
    expect(manager).toBeTruthy();
    const clerk = (await api(url, 'POST', '/auth/login', undefined, { jobNo: '1001', password: PASSWORD })).body.token as string;
    expect((await api(url, 'POST', '/windows/1/open', clerk, { role: 'A' })).status).toBe(200);
    const tickets: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await api(url, 'POST', '/tickets', KIOSK, { categoryId: 'ZX' });
      expect(r.status).toBe(201);
      tickets.push(r.body.ticket.id as string);
    }

    /**
     * The longest stall while `fn` runs. A stall the hub makes comes back every time; one the shared
     * machine makes (another process on the core) does not: up to three tries, the least counts.
     */
    const stalls: Record<string, number[]> = {};
    const under = async (name: string, fn: () => Promise<void>) => {
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await ask(proc, 'delay');
        await fn();
        seen.push(Math.round((await ask(proc, 'delay')).maxMs * 10) / 10);
        if (seen.at(-1)! <= LIMIT_MS) break;
      }
      stalls[name] = seen;
    };

    await under('reprint', async () => {
      for (const id of tickets.slice(0, 10)) expect((await api(url, 'POST', `/tickets/${id}/print`, manager)).status).toBe(200);
    });
    const first = await api(url, 'GET', '/followups?status=all&page=1&pageSize=50', manager);
    expect(first.status).toBe(200);
    expect(first.body.total).toBeGreaterThan(0);
    await under('follow-ups, first and last page', async () => {
      expect((await api(url, 'GET', '/followups?status=all&page=1&pageSize=50', manager)).status).toBe(200);
      expect((await api(url, 'GET', `/followups?status=all&page=${Math.ceil(first.body.total / 50)}&pageSize=50`, manager)).status).toBe(200);
    });
    let n = 0;
    await under('appointment looked up by card', async () => {
      for (let i = 0; i < 5; i++) {
        const card = await api(url, 'POST', '/sim/idcard/insert', KIOSK, { name: '测试', idNumber: withCheckDigit(`11010119600101${String(100 + n++).padStart(3, '0')}`) });
        expect(card.status).toBe(201);
        const r = await api(url, 'POST', '/tickets', KIOSK, { cardToken: card.body.card.cardToken, appointmentByCard: true });
        expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
      }
    });
    await under('flow report over the whole history, by day', async () => {
      expect((await api(url, 'GET', `/reports/flow?from=${history.startDate}&to=${history.endDate}&by=day`, manager)).status).toBe(200);
    });
    await under('estimate accuracy and assessment', async () => {
      expect((await api(url, 'GET', `/reports/estimates?from=${history.startDate}&to=${history.endDate}`, manager)).status).toBe(200);
      expect((await api(url, 'GET', `/reports/assessment?month=${history.endDate.slice(0, 7)}`, manager)).status).toBe(200);
    });
    await under("the month's workbook", async () => {
      expect((await api(url, 'GET', `/reports/monthly.xlsx?month=${history.endDate.slice(0, 7)}`, manager)).status).toBe(200);
    });
    await under('the retention purge over the whole log, in the housekeeping steps', async () => {
      const p = await ask(proc, 'purge');
      expect(p.steps).toBeGreaterThan(1);
    });
    await under('ordinary traffic: issue and call', async () => {
      for (let i = 0; i < 20; i++) {
        expect((await api(url, 'POST', '/tickets', KIOSK, { categoryId: 'ZX' })).status).toBe(201);
        const c = await api(url, 'POST', '/windows/1/call-next', clerk);
        expect(c.status).toBe(200);
        expect((await api(url, 'POST', '/windows/1/complete', clerk, {})).status).toBe(200);
      }
    });

    const over = Object.entries(stalls).filter(([, seen]) => Math.min(...seen) > LIMIT_MS);
    expect(over, `event-loop stalls (ms, per try): ${JSON.stringify(stalls)}`).toEqual([]);
  });

  it('loses nothing acknowledged to kill -9 mid-load on that history, leaves no gap in the log, and starts again after a graceful stop', { timeout: 300_000 }, async () => {
    const data = join(dir, 'crash');
    cpSync(historyData, data, { recursive: true });
    const procs: HubProcess[] = [];
    try {
      const first = await spawnHub({ dataDir: data, configFile, args: ['--no-history'], timeoutMs: 120_000 });
      procs.push(first);
      const clerk = (await api(first.url, 'POST', '/auth/login', undefined, { jobNo: '1001', password: PASSWORD })).body.token as string;
      expect((await api(first.url, 'POST', '/windows/1/open', clerk, { role: 'A' })).status).toBe(200);

      const acked: { id: string; number: string }[] = [];
      const completed: string[] = [];
      let killed = false;
      const kill = () => {
        if (!killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      };
      const kiosk = async (k: number) => {
        for (let i = 0; i < 300 && !killed; i++) {
          try {
            const r = await api(first.url, 'POST', '/tickets', `demo-kiosk-token-000${1 + (k % 6)}`, { categoryId: 'ZX' });
            if (r.status === 201) acked.push({ id: r.body.ticket.id, number: r.body.ticket.number });
            if (acked.length >= 150) kill();
          } catch {
            return;
          }
        }
      };
      const desk = async () => {
        for (let i = 0; i < 300 && !killed; i++) {
          try {
            const c = await api(first.url, 'POST', '/windows/1/call-next', clerk);
            if (c.status !== 200) continue;
            const d = await api(first.url, 'POST', '/windows/1/complete', clerk, {});
            if (d.status === 200) completed.push(d.body.ticket.id);
          } catch {
            return;
          }
        }
      };
      await Promise.all([...Array.from({ length: 12 }, (_, k) => kiosk(k)), desk()]);
      kill();
      expect((await first.exited).signal).toBe('SIGKILL');
      expect(acked.length).toBeGreaterThanOrEqual(150);

      const second = await spawnHub({ dataDir: data, configFile, args: ['--no-history'], timeoutMs: 120_000 });
      // A kill -9 keeps no state: this start loads it from the database.
      expect(second.output()).toContain('loaded from the database');
      procs.push(second);
      for (const a of acked) {
        const r = await api(second.url, 'GET', `/tickets/${encodeURIComponent(a.id)}`);
        expect(r.status, `acknowledged ticket ${a.number} lost`).toBe(200);
        expect(r.body.ticket.number).toBe(a.number);
      }
      for (const id of completed) expect((await api(second.url, 'GET', `/tickets/${encodeURIComponent(id)}`)).body.ticket.status).toBe('done');
      const health = await api(second.url, 'GET', '/health', HISTORY_MONITOR);
      expect(health.status).toBe(200);
      expect((await second.kill('SIGTERM')).code).toBe(0);

      // A graceful stop and a third start on the same history: the same log, every ticket still there.
      const third = await spawnHub({ dataDir: data, configFile, args: ['--no-history'], timeoutMs: 120_000 });
      procs.push(third);
      // After the graceful stop, the state it kept, which must give the same hall as the database.
      expect(third.output()).toContain('kept at the last graceful stop');
      expect((await api(third.url, 'GET', '/health', HISTORY_MONITOR)).body.hubId).toBe(health.body.hubId);
      for (const a of acked.slice(0, 50)) expect((await api(third.url, 'GET', `/tickets/${encodeURIComponent(a.id)}`)).body.ticket.number).toBe(a.number);
      const after = await api(third.url, 'POST', '/tickets', KIOSK, { categoryId: 'ZX' });
      expect(after.status).toBe(201);
      const finalSeq = (await api(third.url, 'GET', '/health', HISTORY_MONITOR)).body.seq as number;
      expect(finalSeq).toBeGreaterThan(health.body.seq);
      expect((await third.kill('SIGTERM')).code).toBe(0);

      const db = new Database(join(data, 'hallq.db'), { readonly: true, fileMustExist: true });
      try {
        const { n, lo, hi } = db.prepare('SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM events').get() as { n: number; lo: number; hi: number };
        expect(lo).toBe(1);
        expect(hi).toBe(n);
        expect(hi).toBe(finalSeq);
        // Today's numbers: each once, 1..n per prefix in log order.
        const today = eventsIn(db, `type = 'ticket.issued' AND seq > ?`, n - 20_000)
          .map((e) => e.data as { businessDate: string; prefix: string; serial: number; ticketId: string })
          .filter((e) => acked.some((a) => a.id === e.ticketId) || e.businessDate > history.endDate);
        const serials = new Map<string, number[]>();
        for (const e of today) serials.set(`${e.businessDate}|${e.prefix}`, [...(serials.get(`${e.businessDate}|${e.prefix}`) ?? []), e.serial]);
        for (const [k, list] of serials) expect(list, k).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
      } finally {
        db.close();
      }
    } finally {
      for (const p of procs) await p.kill('SIGKILL');
    }
  });
});
