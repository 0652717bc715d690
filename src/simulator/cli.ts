import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HallConfigError, loadHallConfig } from '../config/load-hall-config.ts';
import type { HallConfig } from '../config/schema.ts';
import { addDays, businessDate } from '../domain/calendar.ts';
import { HmacKeyError, loadHmacKey } from '../personal/card-reads.ts';
import { isOpenDay } from './plan.ts';
import { PROFILES, type ProfileName } from './profiles.ts';
import { simulateInParts, type PartsSummary } from './parts.ts';
import { simulate, type SimulationSummary } from './simulate.ts';
import type { DaySummary } from './summary.ts';

// npm run simulate -- --data DIR --days N --seed S [--profile township|county|city] [--config FILE] [--start YYYY-MM-DD]
const USAGE = `用法 / usage: npm run simulate -- --data DIR --days N --seed S [--profile township|county|city] [--config FILE] [--start YYYY-MM-DD] [--within MIN] [--parts P] [--json] [--detail] [--uploads delivered|pending]
  Fills DIR with N business days of simulated history (the hub then opens it: npm start -- --data DIR --config FILE).
  --start   first day (default: so that the N days end yesterday)
  --parts   cut the days into P stretches simulated side by side (one process each, one per core), then
            joined: each stretch begins with no past (an empty DIR only; default 1)
  --book-until  no appointments booked for days after this date (each part but the last)
  --json    print the whole summary as JSON (--detail adds per-half-hour figures)`;

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    profile: { type: 'string', default: 'township' },
    config: { type: 'string' },
    start: { type: 'string' },
    within: { type: 'string' },
    parts: { type: 'string' },
    'book-until': { type: 'string' },
    json: { type: 'boolean', default: false },
    detail: { type: 'boolean', default: false },
    uploads: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

function fail(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(2);
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.data) fail('--data is required');
const days = Number(values.days);
if (!Number.isInteger(days) || days < 1) fail('--days must be a whole number of business days, 1 or more');
if (values.seed === undefined || values.seed === '') fail('--seed is required (the same seed gives the same history)');
if (!(values.profile! in PROFILES)) fail(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
if (values.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.start)) fail('--start must be YYYY-MM-DD');
if (values['book-until'] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values['book-until'])) fail('--book-until must be YYYY-MM-DD');
if (values.uploads !== undefined && values.uploads !== 'delivered' && values.uploads !== 'pending') fail('--uploads must be delivered or pending');
const parts = values.parts === undefined ? 1 : Number(values.parts);
if (!Number.isInteger(parts) || parts < 1 || parts > 64) fail('--parts must be a whole number from 1 to 64');
if (parts > 1 && values.detail) fail('--detail is not given with --parts');
const profile = PROFILES[values.profile as ProfileName];
const dataDir = resolve(values.data);
const configFile = resolve(values.config ?? profile.configFile);

let config: HallConfig;
try {
  config = loadHallConfig(configFile);
} catch (err) {
  if (err instanceof HallConfigError) fail(err.message);
  throw err;
}

/** The first date such that `days` business days end yesterday (in the hall's zone). */
function defaultStart(): string {
  let d = businessDate(Date.now(), config.hall.timeZone);
  for (let n = 0; n < days; ) {
    d = addDays(d, -1);
    if (isOpenDay(config, d)) n++;
  }
  return d;
}

let hmacKey: Buffer;
try {
  // As the hub does: a demo hall keeps the key in the data directory, a real hall names a file outside it.
  hmacKey = loadHmacKey(dataDir, process.env, { demo: config.hall.demo === true }).key;
} catch (err) {
  if (err instanceof HmacKeyError) fail(err.message);
  throw err;
}

const dbFile = resolve(dataDir, 'hallq.db');
const startDate = values.start ?? defaultStart();
const withinMin = values.within !== undefined ? Number(values.within) : 15;
const fresh = !existsSync(dbFile);
const progress = (d: DaySummary) => {
  if (!values.json && process.stderr.isTTY) process.stderr.write(`\r${d.date} ${String(d.issued).padStart(6)} tickets   `);
};
let summary: SimulationSummary;
try {
  if (parts > 1) {
    if (!fresh) fail('--parts 需要空的数据目录 / --parts needs a data directory with no hallq.db yet');
    summary = await simulateInParts({ dataDir, config, configFile, profile: profile.name, seed: values.seed, startDate, days, parts, withinMin, ...(values.uploads ? { uploads: values.uploads as 'delivered' | 'pending' } : {}) });
  } else summary = simulate({
    dbFile,
    config,
    hmacKey,
    seed: values.seed,
    profile,
    startDate,
    days,
    withinMin,
    detail: values.detail,
    ...(values['book-until'] !== undefined ? { bookUntil: values['book-until'] } : {}),
    onDay: progress,
    ...(values.uploads ? { uploads: values.uploads as 'delivered' | 'pending' } : {}),
  });
} catch (err) {
  if (!values.json && process.stderr.isTTY) process.stderr.write('\n');
  console.error(`模拟失败 / the simulation stopped: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
if (!values.json && process.stderr.isTTY) process.stderr.write('\r' + ' '.repeat(40) + '\r');

if (values.json) {
  console.log(JSON.stringify(summary, null, 2));
} else {
  const t = summary.totals;
  const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '-');
  const lines = [
    `${config.hall.name}: ${summary.days.length} business days ${summary.startDate} … ${summary.endDate} (profile ${summary.profile}, seed ${summary.seed})${fresh ? '' : ', added to the history already there'}`,
    `  tickets     ${t.issued} issued of ${t.arrivals} arrivals (${(t.issued / Math.max(1, t.days)).toFixed(0)} a day), ${t.served} served, refused ${t.arrivals - t.issued}`,
    `  outcomes    no-shows ${pct(t.noShows, t.issued)}, transfers ${pct(t.transfers, t.issued)}, priority ${pct(t.priority, t.issued)}, abandoned at close ${t.abandoned}`,
    `  waits       mean ${t.wait.meanMin} min, p90 ${t.wait.p90Min ?? 'by part ' + ('parts' in summary ? (summary as PartsSummary).parts.map((p) => p.totals.wait.p90Min).join(', ') : '-')} min, called within ${summary.withinMin} min ${pct(t.wait.withinShare ?? 0, 1)}`,
    `  ratings     ${t.ratings.rated} rated (${pct(t.ratings.satisfied, t.ratings.rated)} 满意 or better, ${t.ratings.bad} bad), ${t.ratings.unrated} unrated; ${t.followups.opened} follow-ups, ${t.followups.steps} steps`,
    `  channels    ${Object.entries(t.channels).map(([k, n]) => `${k} ${pct(n, t.issued)}`).join(', ')}; appointments booked ${t.appointments.booked}`,
    `  engine      ${summary.events} events in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${summary.ticketsPerSecond} tickets/s`,
    `  open it     npm start -- --data ${values.data} --config ${values.config ?? profile.configFile}`,
  ];
  console.log(lines.join('\n'));
}
