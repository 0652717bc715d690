import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { parse, stringify } from 'yaml';
import { withCheckDigit } from '../devices/idcard/card/id-number.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';
import { REPO_DIR, startChild, stopProc, type Child } from './children.ts';
import { ask } from './history-protocol.ts';
import { loadNow, median } from './runs.ts';
import { percentile, round } from './stats.ts';

/**
 * Figures on history (issue #11): a hall with a long past on disk, measured beside the same hub
 * with none, in the same run.
 *
 * - the history is made by the hall simulator (`npm run simulate`, the real engine on a virtual
 *   clock) once per profile, length and schema version, and kept in test-output/bench-history;
 *   the generator's own rate is a figure;
 * - start → /healthz of the built hub (as installs run it) on a copy of it, against an empty data dir
 *   (median of runs), and of src/main.ts under tsx beside them;
 * - disk per ticket of the generated file;
 * - event-loop delay in the hub's process (monitorEventLoopDelay, 1 ms) while each request or job
 *   runs on that history, against ordinary issue-and-call traffic;
 * - RSS through a 20,000-ticket day with 200 sockets open;
 * - a reconnect storm: 30 staff screens 5,000 events behind, caught-up time and call-next p99
 *   during the storms against idle.
 */

export interface HistorySettings {
  profile: 'city' | 'county' | 'township';
  /** Business days of history (a year of a city centre: 250 days in 5-day weeks, ~300 with weekends). */
  days: number;
  seed: string;
  startRuns: number;
  opRepeats: number;
  rssTickets: number;
  rssSockets: number;
  storms: number;
  stormClients: number;
  behind: number;
  /** call-next per second, idle and during storms. */
  callRate: number;
  idleCalls: number;
}

export interface HistoryMeta {
  profile: string;
  days: number;
  seed: string;
  schema: number;
  tickets: number;
  events: number;
  startDate: string;
  endDate: string;
  generateSec: number;
  ticketsPerSec: number;
  /** Processes that made it side by side (absent: one). */
  parts?: number;
  fileBytes: number;
  generatedAt: string;
}

interface OpFigure {
  name: string;
  /** Max event-loop delay of each repeat (ms). */
  maxMs: number[];
  /** What the op took from the client (ms), per repeat. */
  tookMs: number[];
  note?: string;
}

export interface HistoryFigures {
  meta: HistoryMeta;
  generated: boolean;
  /** The built hub (as installs run it) on an empty data dir and on the history; src/main.ts under tsx on the history. */
  /** `history`: after a graceful stop (the state kept, decision 86); `historyAfterCrash`: without it. */
  start: { empty: number[]; history: number[]; historyAfterCrash?: number[]; tsxHistory: number[]; loadAvg: number[] };
  ops: OpFigure[];
  purge: { steps: number; maxStepMs: number; seconds: number };
  rss: { before: number; max: number; tickets: number; sockets: number; seconds: number };
  storm: {
    caughtUpMs: number[];
    snapshots: number;
    replayed: number;
    idle: { p50: number; p99: number; n: number };
    during: { p50: number; p99: number; n: number };
    delayMaxMs: number[];
    /** call-next while the whole history's half-hour flow is exported again and again. */
    duringExport: { p50: number; p99: number; n: number };
  };
  loadAvg: number;
}

const KIOSK = 'demo-kiosk-token-0001';
/** Waiting at once, at most, while the bench runs a busy day: what a city hall sees at its peak. */
const MAX_WAITING = 300;

const PASSWORD = 'hallq-demo';

/**
 * Processes the generator runs side by side (`npm run simulate -- --parts`): one per core, unless
 * BENCH_GEN_PARTS says. A history made in parts is another history, so it has a directory of its own.
 */
const GEN_PARTS = Math.max(1, Math.floor(Number(process.env.BENCH_GEN_PARTS ?? availableParallelism())) || 1);

function historyDir(s: HistorySettings): string {
  return join(REPO_DIR, 'test-output', 'bench-history', `${s.profile}-${s.days}d-${s.seed}-schema${MIGRATIONS.length}${GEN_PARTS > 1 ? `-p${GEN_PARTS}` : ''}`);
}

/** The history for these settings: made once, then reused (it takes minutes to hours). */
export async function ensureHistory(s: HistorySettings, log: (l: string) => void): Promise<{ dir: string; meta: HistoryMeta; generated: boolean }> {
  const dir = historyDir(s);
  const metaFile = join(dir, 'meta.json');
  if (existsSync(metaFile)) return { dir, meta: JSON.parse(readFileSync(metaFile, 'utf8')) as HistoryMeta, generated: false };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`history: generating ${s.days} business days of the ${s.profile} profile (seed ${s.seed}) in ${dir} …`);
  const t0 = performance.now();
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/cli.ts', '--data', join(dir, 'data'), '--days', String(s.days), '--seed', s.seed, '--profile', s.profile, '--parts', String(GEN_PARTS), '--json'], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    p.stdout!.on('data', (c: Buffer) => (text += c.toString('utf8')));
    p.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`simulate exited with ${code}`))));
  });
  const generateSec = round((performance.now() - t0) / 1000, 1);
  const summary = JSON.parse(out) as { startDate: string; endDate: string; totals: { issued: number }; events: number };
  const meta: HistoryMeta = {
    profile: s.profile,
    days: s.days,
    seed: s.seed,
    schema: MIGRATIONS.length,
    tickets: summary.totals.issued,
    events: summary.events,
    startDate: summary.startDate,
    endDate: summary.endDate,
    generateSec,
    ticketsPerSec: Math.round(summary.totals.issued / generateSec),
    parts: GEN_PARTS,
    fileBytes: fileBytes(join(dir, 'data')),
    generatedAt: new Date().toISOString(),
  };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return { dir, meta, generated: true };
}

function fileBytes(dataDir: string): number {
  let n = 0;
  for (const f of ['hallq.db', 'hallq.db-wal']) if (existsSync(join(dataDir, f))) n += statSync(join(dataDir, f)).size;
  return n;
}

/** The monitoring token the round-the-clock config adds (GET /api/v1/health). */
export const HISTORY_MONITOR = 'bench-monitor-token-000001';

/**
 * The profile's config with sessions round the clock, so a bench or a test can issue at any hour,
 * and the kiosks' issue limits lifted (the hall's limit per kiosk is not what is measured). Written
 * to `dir/bench-hall.yaml`, with the voice clips linked beside it.
 */
export function roundTheClockConfig(profile: string, dir: string): string {
  const file = join(REPO_DIR, 'config', profile === 'township' ? 'hall.yaml' : `${profile}.yaml`);
  const cfg = parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as Record<string, any>;
  const day = [{ start: '00:00', end: '24:00' }];
  cfg.schedule.week = { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day };
  cfg.schedule.holidays = [];
  cfg.schedule.refuseIfWaitPastClose = false;
  cfg.schedule.stopIssuingBeforeEndMin = 0;
  cfg.hall.demoHistoryWeeks = 0;
  cfg.limits = { ...(cfg.limits ?? {}), kioskIssue: { burst: 100_000, perMinute: 1_000_000 }, staffIssue: { burst: 100_000, perMinute: 1_000_000 } };
  cfg.devices.tokens.push({ id: 'monitor-bench', kind: 'monitor', token: HISTORY_MONITOR });
  const out = join(dir, 'bench-hall.yaml');
  writeFileSync(out, stringify(cfg, { aliasDuplicateObjects: false }));
  if (!existsSync(join(dir, 'voice'))) symlinkSync(join(REPO_DIR, 'config', 'voice'), join(dir, 'voice'));
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** The hub as installs run it (`npm run build:hub`), built for this run inside the checkout (it finds config/ from there). */
const BUILT_HUB = join(REPO_DIR, 'test-output', 'bench-hub');

function buildHub(): string[] {
  execFileSync(process.execPath, ['--import', 'tsx', 'src/build-hub-cli.ts', '--out', BUILT_HUB], { cwd: REPO_DIR, stdio: 'ignore' });
  return [join(BUILT_HUB, 'main.mjs')];
}

const UNDER_TSX = ['--import', 'tsx', 'src/main.ts'];

/** The hub (`entry`: the built one, or src/main.ts under tsx) from spawn to the first 200 of /healthz, then a graceful stop. */
async function timeStart(entry: string[], dataDir: string, configFile: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...entry, '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--config', configFile, '--no-history'], {
    cwd: REPO_DIR,
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`hub exited during start (${proc.exitCode}): ${err}`);
      if (performance.now() - t0 > 300_000) throw new Error(`hub did not answer /healthz within 300 s: ${err}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (r.status === 200) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await stopProc(proc);
  }
}

interface Api {
  (method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any; ms: number }>;
}

function apiOf(url: string): Api {
  return async (method, path, token, body) => {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const buf = await res.arrayBuffer();
    const ms = performance.now() - t0;
    const text = Buffer.from(buf).toString('utf8');
    let parsed: unknown = undefined;
    if (res.headers.get('content-type')?.includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, ms };
  };
}

async function must(p: Promise<{ status: number; body: any; ms: number }>, ok: number[], what: string) {
  const r = await p;
  if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

interface Desk {
  windowId: number;
  token: string;
}

/** Runs `n` jobs with at most `c` in flight. */
async function pool(n: number, c: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(c, n) }, async () => {
    while (next < n) await job(next++);
  }));
}

export async function figureHistory(s: HistorySettings, log: (l: string) => void): Promise<HistoryFigures> {
  const { dir, meta, generated } = await ensureHistory(s, log);
  log(`history: ${meta.tickets.toLocaleString('en')} tickets, ${meta.startDate} … ${meta.endDate}, ${(meta.fileBytes / 1e6).toFixed(0)} MB; generated in ${meta.generateSec} s (${meta.ticketsPerSec} tickets/s)${generated ? '' : ' — reused'}`);

  const work = mkdtempSync(join(tmpdir(), 'hallq-bench-history-'));
  const children: Child[] = [];
  try {
    const configFile = roundTheClockConfig(s.profile, work);
    const histData = join(work, 'history');
    const emptyData = join(work, 'empty');
    log('history: copying the data dir …');
    cpSync(join(dir, 'data'), histData, { recursive: true });
    mkdirSync(emptyData);
    // The same key, so the two starts differ only by what the database holds.
    cpSync(join(histData, 'id-hmac.key'), join(emptyData, 'id-hmac.key'));

    // ---- start → /healthz ----------------------------------------------------------------------
    const loads: number[] = [];
    const start = { empty: [] as number[], history: [] as number[], historyAfterCrash: [] as number[], tsxHistory: [] as number[] };
    const built = buildHub();
    // A first start of each (the empty one makes its database, both their voice caches) is not timed.
    await timeStart(built, emptyData, configFile);
    await timeStart(built, histData, configFile);
    // Each round: under tsx, then the built hub as after a crash (no state kept: a kill -9 leaves
    // none, decision 86), then the built hub after that graceful stop, as a restart is; then empty.
    const noSnapshot = () => rmSync(join(histData, 'state.snapshot'), { force: true });
    for (let i = 0; i < s.startRuns; i++) {
      noSnapshot();
      start.tsxHistory.push(round(await timeStart(UNDER_TSX, histData, configFile), 0));
      noSnapshot();
      start.historyAfterCrash.push(round(await timeStart(built, histData, configFile), 0));
      start.history.push(round(await timeStart(built, histData, configFile), 0));
      start.empty.push(round(await timeStart(built, emptyData, configFile), 0));
      loads.push(loadNow());
    }
    log(
      `start → /healthz (built hub): empty ${start.empty.join(', ')} ms; history after a graceful stop ${start.history.join(', ')} ms, after a crash ${start.historyAfterCrash.join(', ')} ms; src/main.ts under tsx on history (after a crash) ${start.tsxHistory.join(', ')} ms`,
    );

    // ---- the hub on the history ------------------------------------------------------------------
    const hub = await startChild('history-hub.ts', [histData, configFile], { readyTimeoutMs: 300_000 });
    children.push(hub);
    const url = `http://127.0.0.1:${hub.ready.port as number}`;
    const api = apiOf(url);
    const cfg = parse(readFileSync(configFile, 'utf8')) as {
      windows: { id: number; categories: { id: string }[]; staff: { a: string } }[];
      categories: { id: string; requiresIdCard?: boolean }[];
      staff: { id: string; role: string }[];
      devices: { tokens: { kind: string; token: string }[] };
    };
    // The hall's kiosks take turns, as residents spread over them: one printer's queue does not hold a day.
    const KIOSKS = cfg.devices.tokens.filter((t) => t.kind === 'kiosk').map((t) => t.token);
    const byId = new Map(cfg.categories.map((c) => [c.id, c]));
    const managerJob = cfg.staff.find((m) => m.role === 'manager')!.id;
    const manager = (await must(api('POST', '/auth/login', undefined, { jobNo: managerJob, password: PASSWORD }), [200], 'manager login')).body.token as string;
    const desks: Desk[] = [];
    const usedStaff = new Set<string>();
    for (const w of cfg.windows) {
      if (desks.length >= 10 || usedStaff.has(w.staff.a)) continue;
      const token = (await must(api('POST', '/auth/login', undefined, { jobNo: w.staff.a, password: PASSWORD }), [200], `login ${w.staff.a}`)).body.token as string;
      await must(api('POST', `/windows/${w.id}/open`, token, { role: 'A' }), [200], `open window ${w.id}`);
      usedStaff.add(w.staff.a);
      desks.push({ windowId: w.id, token });
    }
    const categories = [...new Set(cfg.windows.filter((w) => desks.some((d) => d.windowId === w.id)).flatMap((w) => w.categories.map((c) => c.id)))].filter((c) => !byId.get(c)?.requiresIdCard);
    let issuedN = 0;
    const issue = () => {
      const n = issuedN++;
      return must(api('POST', '/tickets', KIOSKS[n % KIOSKS.length], { categoryId: categories[n % categories.length] }), [201], 'issue');
    };
    // Calls from the same desk must not overlap: a lock per desk.
    const deskBusy = new Map<number, Promise<unknown>>();
    const callAt = (i: number): Promise<number | null> => {
      const d = desks[i % desks.length]!;
      const prev = deskBusy.get(d.windowId) ?? Promise.resolve();
      const p = prev.then(async () => {
        const r = await api('POST', `/windows/${d.windowId}/call-next`, d.token);
        if (r.status === 204) return null;
        if (r.status !== 200) throw new Error(`call-next ${r.status} ${JSON.stringify(r.body)}`);
        await must(api('POST', `/windows/${d.windowId}/complete`, d.token, {}), [200], 'complete');
        return r.ms;
      });
      deskBusy.set(d.windowId, p.catch(() => undefined));
      return p;
    };
    /** call-next (and complete) at `callRate` a second over the desks in turn, `n` calls or until `done()`; round trips into `samples`. */
    const paced = async (stop: { n?: number; done?: () => boolean }, samples: number[]) => {
      const gap = 1000 / s.callRate;
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < (stop.n ?? Infinity) && !(stop.done?.() ?? false); i++) {
        const t = performance.now();
        inFlight.push(callAt(i).then((ms) => void (ms !== null && samples.push(ms))));
        const wait = gap - (performance.now() - t);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await Promise.all(inFlight);
    };

    // ---- RSS through a busy day with 200 sockets ---------------------------------------------------
    const sockets = await startChild('socket-clients.ts', [url, String(s.rssSockets)], { readyTimeoutMs: 120_000 });
    children.push(sockets);
    const rssBefore = (await ask(hub.proc, 'rss')).rss;
    let rssMax = rssBefore;
    const sampler = setInterval(() => void ask(hub.proc, 'rss').then((r) => (rssMax = Math.max(rssMax, r.rss))).catch(() => undefined), 250);
    const rssT0 = performance.now();
    // A hall's day: the clerks keep up, so no more than a few hundred wait at once (a queue of
    // thousands would measure a hall that does not exist, and slow every later figure).
    let stopCalls = false;
    let issuedHere = 0;
    let calledHere = 0;
    const callers = Promise.all(
      desks.map(async (_d, i) => {
        for (;;) {
          const ms = await callAt(i);
          if (ms !== null) calledHere++;
          else if (stopCalls) return;
          else await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    await pool(s.rssTickets, 10, async () => {
      while (issuedHere - calledHere > MAX_WAITING) await new Promise((r) => setTimeout(r, 5));
      issuedHere++;
      await issue();
    });
    stopCalls = true;
    await callers;
    clearInterval(sampler);
    const after = await ask(hub.proc, 'rss');
    rssMax = Math.max(rssMax, after.rss);
    const mb = (n: number | undefined) => ((n ?? 0) / 1e6).toFixed(0);
    log(`  memory after the day: heap used ${mb(after.memory?.heapUsed)} MB of ${mb(after.memory?.heapTotal)}, external ${mb(after.memory?.external)} MB, array buffers ${mb(after.memory?.arrayBuffers)} MB`);
    const rss = { before: rssBefore, max: rssMax, tickets: s.rssTickets, sockets: s.rssSockets, seconds: round((performance.now() - rssT0) / 1000, 1) };
    log(`RSS: ${(rssBefore / 1e6).toFixed(0)} MB before, ${(rssMax / 1e6).toFixed(0)} MB max through ${s.rssTickets} tickets with ${s.rssSockets} sockets (${rss.seconds} s)`);
    await sockets.stop();

    const ops: OpFigure[] = [];
    const measure = async (name: string, fn: () => Promise<unknown>, note?: string) => {
      const f: OpFigure = { name, maxMs: [], tookMs: [], ...(note ? { note } : {}) };
      for (let i = 0; i < s.opRepeats; i++) {
        await new Promise((r) => setTimeout(r, 200));
        await ask(hub.proc, 'delay');
        const t0 = performance.now();
        await fn();
        f.tookMs.push(round(performance.now() - t0, 1));
        f.maxMs.push(round((await ask(hub.proc, 'delay')).maxMs, 1));
      }
      ops.push(f);
      log(`  ${name}: event-loop delay max ${f.maxMs.join(', ')} ms; took ${f.tookMs.join(', ')} ms`);
    };

    log('event-loop delay in the hub on the history, per request or job:');
    await measure('baseline: 100 tickets issued and 50 called, 10 at a time', async () => {
      await pool(100, 10, async () => void (await issue()));
      for (let i = 0; i < 50; i++) await callAt(i);
    });
    const lastTicket = (await issue()).body.ticket.id as string;
    await measure('reprint a ticket (guide desk), 20 times', async () => {
      for (let i = 0; i < 20; i++) await must(api('POST', `/tickets/${lastTicket}/print`, manager), [200], 'reprint');
    });
    const first = await must(api('GET', '/followups?status=all&page=1&pageSize=50', manager), [200], 'followups');
    const lastPage = Math.max(1, Math.ceil((first.body.total as number) / 50));
    await measure(`follow-ups, all (${first.body.total} in the archive): first and last page`, async () => {
      await must(api('GET', '/followups?status=all&page=1&pageSize=50', manager), [200], 'followups');
      await must(api('GET', `/followups?status=all&page=${lastPage}&pageSize=50`, manager), [200], 'followups');
    });
    let cardN = 0;
    await measure('a card at the kiosk: its appointment looked up by holder, 10 cards', async () => {
      for (let i = 0; i < 10; i++) {
        const body17 = `110101${1950 + (cardN % 50)}0101${String(100 + (cardN++ % 800)).padStart(3, '0')}`;
        const card = await must(api('POST', '/sim/idcard/insert', KIOSK, { name: '测试', idNumber: withCheckDigit(body17) }), [201], 'card');
        await must(api('POST', '/tickets', KIOSK, { cardToken: card.body.card.cardToken, appointmentByCard: true }), [201, 404, 409, 422], 'appointment by card');
      }
    });
    const lastMonth = meta.endDate.slice(0, 7);
    const firstMonth = meta.startDate.slice(0, 7);
    await measure(`flow report by month over the whole history (${meta.startDate} … ${meta.endDate})`, () =>
      must(api('GET', `/reports/flow?from=${meta.startDate}&to=${meta.endDate}&by=month`, manager), [200], 'flow'),
    );
    await measure(`estimate accuracy over the whole history`, () => must(api('GET', `/reports/estimates?from=${meta.startDate}&to=${meta.endDate}`, manager), [200], 'estimates'));
    await measure(`the month's workbook (${lastMonth}, .xlsx)`, () => must(api('GET', `/reports/monthly.xlsx?month=${lastMonth}`, manager), [200], 'monthly.xlsx'));
    await measure(`assessment of the first month (${firstMonth})`, () => must(api('GET', `/reports/assessment?month=${firstMonth}`, manager), [200], 'assessment'));
    // Issue #10 §10: a month report (flow by half hour, assessment, indicators) for the history's last whole month, or its middle one.
    const month = monthOf(meta);
    await measure(`month report ${month.month}: flow by half hour, assessment, indicators`, async () => {
      await must(api('GET', `/reports/flow?from=${month.from}&to=${month.to}&by=halfhour`, manager), [200], 'flow');
      await must(api('GET', `/reports/assessment?month=${month.month}`, manager), [200], 'assessment');
      await must(api('GET', `/reports/indicators?from=${month.from}&to=${month.to}`, manager), [200], 'indicators');
    });

    // call-next at an even pace with nothing else going on: the baseline of the export and storm figures, taken
    // on this hub as it is now (the day's tickets in memory), just before them.
    const idle: number[] = [];
    await pool(s.idleCalls + 100, 10, async () => void (await issue()));
    await paced({ n: s.idleCalls }, idle);

    // Issue #10 §10: the largest report (every half hour of the whole history) asked for again and
    // again while the clerks call at the same pace.
    const duringExport: number[] = [];
    {
      let exporting = true;
      let exports = 0;
      const exporter = (async () => {
        while (exporting) {
          await must(api('GET', `/reports/flow?from=${meta.startDate}&to=${meta.endDate}&by=halfhour`, manager), [200, 429, 503], 'year flow');
          exports++;
        }
      })();
      await pool(s.idleCalls + 100, 10, async () => void (await issue()));
      await paced({ n: s.idleCalls }, duringExport);
      exporting = false;
      await exporter;
      log(`  call-next at ${s.callRate}/s: idle p99 ${round(percentile(idle, 99), 2)} ms (n ${idle.length}); while the whole history's half-hour flow was exported ${exports} times p50 ${round(percentile(duringExport, 50), 2)} ms, p99 ${round(percentile(duringExport, 99), 2)} ms (n ${duringExport.length})`);
    }

    // The housekeeping's personal-data purge walks the whole log again, in its own steps.
    await ask(hub.proc, 'delay');
    const purge = await ask(hub.proc, 'purge');
    const purgeDelay = round((await ask(hub.proc, 'delay')).maxMs, 1);
    ops.push({ name: `housekeeping: the retention purge over the whole log (${purge.steps} steps, longest ${purge.maxStepMs} ms)`, maxMs: [purgeDelay], tookMs: [purge.seconds * 1000] });
    log(`  housekeeping over the whole log: ${purge.steps} steps in ${purge.seconds} s, longest step ${purge.maxStepMs} ms, event-loop delay max ${purgeDelay} ms`);

    // ---- reconnect storms -------------------------------------------------------------------------
    // Enough waiting for the storms' calls.
    await pool(200, 10, async () => void (await issue()));

    const during: number[] = [];
    const caughtUp: number[] = [];
    const stormDelay: number[] = [];
    let snapshots = 0;
    let replayed = 0;
    for (let k = 0; k < s.storms; k++) {
      const seen: { socket: Socket; lastSeq: number; hubId: string }[] = [];
      await Promise.all(
        Array.from({ length: s.stormClients }, () =>
          new Promise<void>((resolve, reject) => {
            const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: manager } });
            const entry = { socket, lastSeq: 0, hubId: '' };
            socket.once('snapshot', (p: { seq: number; hubId: string }) => {
              entry.lastSeq = p.seq;
              entry.hubId = p.hubId;
              seen.push(entry);
              resolve();
            });
            socket.once('connect_error', reject);
          }),
        ),
      );
      // Live events keep the screens' place until they go.
      for (const e of seen) e.socket.onAny((_n: string, p: { seq?: number }) => typeof p?.seq === 'number' && (e.lastSeq = Math.max(e.lastSeq, p.seq)));
      await new Promise((r) => setTimeout(r, 200));
      for (const e of seen) e.socket.disconnect();
      const from = Math.min(...seen.map((e) => e.lastSeq));
      // The hall goes on while they are away: tickets until the screens are `behind` events back.
      for (;;) {
        const { seq } = await ask(hub.proc, 'seq');
        // Short of `behind` by what the calls made while they reconnect add (~2 s of calls, ~5 events each),
        // so that they replay instead of taking a snapshot; the log says how many each replayed.
        const left = from + s.behind - 10 * s.callRate - seq;
        if (left <= 20) break;
        // Issued and called alike, so the queue stays the size a hall has (a call and its completion write ~4 events).
        const n = Math.max(1, Math.floor(left / 6));
        await Promise.all([pool(n, 5, async () => void (await issue())), pool(n, desks.length, async (i) => void (await callAt(i)))]);
      }
      await ask(hub.proc, 'delay');
      let done = 0;
      const t0 = performance.now();
      const storm = Promise.all(
        seen.map(
          (e) =>
            new Promise<void>((resolve, reject) => {
              const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: manager, hubId: e.hubId, lastSeq: e.lastSeq } });
              socket.on('replay', (p: { fromSeq: number; toSeq: number }) => (replayed += p.toSeq - p.fromSeq));
              socket.once('resumed', () => {
                caughtUp.push(round(performance.now() - t0, 1));
                done++;
                socket.disconnect();
                resolve();
              });
              socket.once('snapshot', () => {
                snapshots++;
                done++;
                socket.disconnect();
                resolve();
              });
              socket.once('connect_error', reject);
            }),
        ),
      );
      await paced({ done: () => done >= seen.length }, during);
      await storm;
      stormDelay.push(round((await ask(hub.proc, 'delay')).maxMs, 1));
    }
    const sum = (xs: number[]) => ({ p50: round(percentile(xs, 50), 2), p99: round(percentile(xs, 99), 2), n: xs.length });
    const stormFig = { caughtUpMs: caughtUp, snapshots, replayed, idle: sum(idle), during: sum(during), delayMaxMs: stormDelay, duringExport: sum(duringExport) };
    log(`storms: ${s.storms} × ${s.stormClients} screens ${s.behind} behind: all caught up in max ${Math.max(...caughtUp)} ms (p50 ${round(percentile(caughtUp, 50), 1)}); ${caughtUp.length} replayed ${Math.round(replayed / Math.max(1, caughtUp.length))} events each on average, ${snapshots} took a snapshot; call-next p99 idle ${stormFig.idle.p99} ms (n ${idle.length}), during ${stormFig.during.p99} ms (n ${during.length})`);
    return { meta, generated, start: { ...start, loadAvg: loads.map((l) => round(l, 2)) }, ops, purge, rss, storm: stormFig, loadAvg: round(loadNow(), 2) };
  } finally {
    for (const c of children) await c.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

/** The history's last whole calendar month (or the month of its middle day, for a short one), within the history. */
function monthOf(meta: HistoryMeta): { month: string; from: string; to: string } {
  const end = new Date(`${meta.endDate}T00:00:00Z`);
  const lastWhole = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const mid = new Date((Date.parse(`${meta.startDate}T00:00:00Z`) + end.getTime()) / 2).toISOString().slice(0, 7);
  const month = `${lastWhole}-01` >= meta.startDate ? lastWhole : mid;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  const from = `${month}-01` < meta.startDate ? meta.startDate : `${month}-01`;
  return { month, from, to: last > meta.endDate ? meta.endDate : last };
}

/** The median of a list, for the report. */
export function med(xs: number[]): number {
  return round(median(xs), 1);
}
