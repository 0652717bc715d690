import type { AgentPrintFigures } from './figure-agent-print.ts';
import type { CallingFigures } from './figure-calling.ts';
import type { FanoutResult } from './figure-fanout.ts';
import type { HistoryFigures } from './figure-history.ts';
import type { VoiceFigures } from './figure-voice.ts';
import type { IssueFigures } from './figure-issue.ts';
import type { KioskFigures } from './figure-kiosk.ts';
import { kB } from './kiosk-bundle.ts';
import { loadText, median } from './runs.ts';
import { round } from './stats.ts';

export interface Row {
  figure: string;
  hallq: number;
  baseline: number | null;
  /** hallq / baseline. */
  ratio: number | null;
  target: string;
  met: boolean | null;
  /** The machine's 1-minute load average while the figure ran: median (range) of its runs. */
  load?: string;
}

const row = (figure: string, hallq: number, baseline: number | null, target: string, met: boolean | null, load?: string): Row => ({
  figure,
  hallq,
  baseline,
  ratio: baseline ? round(hallq / baseline) : null,
  target,
  met,
  ...(load !== undefined ? { load } : {}),
});

export function rowsOf(issue: IssueFigures, fanout: { hub: FanoutResult; baseline: FanoutResult }, kiosk: KioskFigures, calling: CallingFigures): Row[] {
  const t = issue.throughput;
  const f = issue.fixedRate;
  const a = issue.autocannonRate;
  const th = t.hub.median;
  const tg = t.group.median;
  const tRatio = th.rps2xx / tg.rps2xx;
  const fh = fanout.hub;
  const fb = fanout.baseline;
  const n = fh.clients;
  const runs = t.hub.runs.length;
  return [
    row(`ticket issue throughput (2xx req/s), median of ${runs}`, th.rps2xx, tg.rps2xx, '>= 0.5, >= 1000/s', tRatio >= 0.5 && th.rps2xx >= 1000, loadText(t.hub)),
    row('  against one commit per request (old baseline)', th.rps2xx, t.single.median.rps2xx, '', null, loadText(t.single)),
    row('  p50 latency, 10 conns (ms)', th.p50, tg.p50, '', null),
    row('  p99 latency, 10 conns (ms)', th.p99, tg.p99, '', null),
    row('  non-2xx + errors', th.bad, tg.bad, '0', th.bad === 0),
    row(`ticket issue p50 at even ${f.rate} req/s (ms), ${f.hub.median.samples} samples × ${runs}`, f.hub.median.p50, f.group.median.p50, '', null, loadText(f.hub)),
    row(`ticket issue p99 at even ${f.rate} req/s (ms)`, f.hub.median.p99, f.group.median.p99, '<= 10 ms', f.hub.median.p99 <= 10, loadText(f.hub)),
    row(`  non-2xx + errors at ${f.rate} req/s`, f.hub.median.bad, f.group.median.bad, '0', f.hub.median.bad === 0),
    row(`  p99, autocannon overallRate ${a.rate} (bursts)`, a.hub.median.p99, a.group.median.p99, '', null, loadText(a.hub)),
    row(`call reaching ${n} clients p50 (ms)`, fh.last.p50, fb.last.p50, '<= 2x', fh.last.p50 <= 2 * fb.last.p50),
    row(`call reaching ${n} clients p99 (ms)`, fh.last.p99, fb.last.p99, '<= 2x, <= 50 ms', fh.last.p99 <= 2 * fb.last.p99 && fh.last.p99 <= 50),
    row('  call reaching first client p50 (ms)', fh.first.p50, fb.first.p50, '', null),
    row('  call HTTP answer p50 (ms)', fh.http.p50, fb.http.p50, '', null),
    row('  calls missed (not all clients got it)', fh.missed, fb.missed, '0', fh.missed === 0),
    ...kioskRows(kiosk),
    ...callingRows(calling),
  ];
}

/** Figures 3–5 (kiosk); a skipped figure has no rows (run.ts says why under the table). */
function kioskRows({ bundle, render, print }: KioskFigures): Row[] {
  const rows: Row[] = [];
  if (print) {
    const u = print.ui;
    const h = print.http;
    rows.push(
      row('kiosk tap → last ticket byte p50 (ms)', u.p50, h.p50, '', null),
      row('kiosk tap → last ticket byte p95 (ms)', u.p95, h.p95, '<= 300 ms', u.n > 0 && u.p95 <= 300),
      row('  tap → last ticket byte max (ms)', u.max, h.max, '', null),
      row('  taps or POSTs without a ticket printed', print.missed, null, '0', print.missed === 0),
    );
  }
  if (bundle) {
    rows.push(
      row('kiosk JS gzipped (kB)', kB(bundle.js.gzip), kB(bundle.vue.gzip), '<= 250 kB', bundle.js.gzip <= 250_000),
      row('  kiosk JS raw (kB)', kB(bundle.js.raw), kB(bundle.vue.raw), '', null),
      row('  kiosk CSS gzipped (kB)', kB(bundle.css.gzip), null, '', null),
    );
  }
  if (render) {
    rows.push(
      row('kiosk first render p50 (ms)', render.kiosk.p50, render.display.p50, '', null),
      row('kiosk first render max (ms)', render.kiosk.max, render.display.max, '<= 1000 ms', render.kiosk.max <= 1000),
    );
  }
  return rows;
}

/** Figures 6–7 (calling); baselines are a bare socket.io client in the bench process on the same calls. */
function callingRows({ wall, announce }: CallingFigures): Row[] {
  const rows: Row[] = [];
  if (wall) {
    const w = wall.wall;
    const b = wall.socket;
    rows.push(
      row('call next → number on the wall p50 (ms)', w.p50, b.p50, '', null),
      row('call next → number on the wall p95 (ms)', w.p95, b.p95, '<= 100 ms', w.n > 0 && w.p95 <= 100),
      row('  call next → number on the wall max (ms)', w.max, b.max, '', null),
      row('  calls not seen on the wall or the bare client', wall.missed, null, '0', wall.missed === 0),
    );
  }
  if (announce && !announce.speechOnly) {
    const p = announce.play;
    const e = announce.event;
    rows.push(
      row('idle call → announcement starts on the wall p50 (ms)', p.p50, e.p50, '', null),
      row('idle call → announcement starts on the wall max (ms)', p.max, e.max, '<= 1500 ms', p.n > 0 && p.max <= 1500),
      row('  idle call → wall audio playing max (ms)', announce.playing.max, null, '', null),
      row('  idle calls not announced on the wall', announce.missed + announce.notIdle, null, '0', announce.missed + announce.notIdle === 0),
    );
  }
  return rows;
}

export function formatTable(rows: Row[]): string {
  const head = ['figure', 'hallq', 'baseline', 'ratio', 'target', 'met', 'load'];
  const cells = rows.map((r) => [
    r.figure,
    String(r.hallq),
    r.baseline === null ? '-' : String(r.baseline),
    r.ratio === null ? '-' : r.ratio.toFixed(2),
    r.target,
    r.met === null ? '' : r.met ? 'yes' : 'NO',
    r.load ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 || i >= 4 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('   ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), '', 'ratio = hallq / baseline (for latencies, lower is better); load = 1-minute load average while the figure ran, median (range) of its runs.'].join('\n');
}

/** Figure 8: the hub on a simulated history (bench/figure-history.ts). */
export function rowsOfHistory(h: HistoryFigures): Row[] {
  const m = h.meta;
  const med = (xs: number[]) => round(median(xs), 1);
  const load = (xs: number[]) => (xs.length ? `${round(median(xs), 2)} (${Math.min(...xs)}–${Math.max(...xs)})` : '');
  const cityYear = 3_650_000;
  const genRate = m.ticketsPerSec;
  const startH = med(h.start.history);
  const startE = med(h.start.empty);
  const perTicket = Math.round(m.fileBytes / m.tickets);
  const base = h.ops[0]!;
  const baseMax = med(base.maxMs);
  const rows: Row[] = [
    row(`history generator, tickets/s (${m.profile}, ${m.days} days, ${m.tickets} tickets)`, genRate, null, `>= ${Math.ceil(cityYear / 900)} (a city year in 15 min)`, genRate >= cityYear / 900),
    row(`start → /healthz on that history after a graceful stop, built hub (npm run build:hub), median of ${h.start.history.length} (ms)`, startH, startE, '<= 3000 ms, <= 1.2×', startH <= 3000 && startH / startE <= 1.2, load(h.start.loadAvg)),
    ...(h.start.historyAfterCrash?.length
      ? [row('  the same after a crash (no state kept: loaded from SQLite) (ms)', med(h.start.historyAfterCrash), startE, '<= 3000 ms, <= 1.2×', med(h.start.historyAfterCrash) <= 3000 && med(h.start.historyAfterCrash) / startE <= 1.2)]
      : []),
    ...(h.start.tsxHistory?.length ? [row('  start → /healthz on that history, src/main.ts under tsx, after a crash (ms)', med(h.start.tsxHistory), null, '', null)] : []),
    row('disk per ticket (B), log and projections', perTicket, null, '<= 1500', perTicket <= 1500),
  ];
  for (const op of h.ops.slice(1)) rows.push(row(`event-loop stall while: ${op.name} (ms)`, med(op.maxMs), baseMax, '<= 50 ms', med(op.maxMs) <= 50));
  rows.push(row(`  (baseline: ${base.name})`, baseMax, null, '', null));
  rows.push(row(`RSS max through ${h.rss.tickets} tickets with ${h.rss.sockets} sockets (MB)`, Math.round(h.rss.max / 1e6), Math.round(h.rss.before / 1e6), '<= 300 MB', h.rss.max <= 300e6));
  const s = h.storm;
  const caught = s.caughtUpMs.length ? Math.max(...s.caughtUpMs) : Number.NaN;
  rows.push(
    row(`storm: ${s.caughtUpMs.length / Math.max(1, s.delayMaxMs.length)} staff screens ~${Math.round(s.replayed / Math.max(1, s.caughtUpMs.length))} events behind (${s.snapshots} snapshots), all caught up, max over ${s.delayMaxMs.length} storms (ms)`, round(caught, 0), null, '<= 1000 ms', caught <= 1000),
    row(`storm: call-next p99 during the storms (ms, n ${s.during.n})`, s.during.p99, s.idle.p99, '<= 2× idle', s.during.p99 <= 2 * s.idle.p99),
    row('  storm: event-loop stall, median of the storms (ms)', med(s.delayMaxMs), null, '', null),
    row(`call-next p99 while the whole history's half-hour flow is exported (ms, n ${s.duringExport.n})`, s.duringExport.p99, s.idle.p99, '<= 2× idle', s.duringExport.p99 <= 2 * s.idle.p99),
  );
  const monthOp = h.ops.find((o) => o.name.startsWith('month report'));
  if (monthOp) {
    const limit = m.profile === 'city' ? 5000 : 1000;
    rows.push(row(`${monthOp.name}, answered in (ms), median`, med(monthOp.tookMs), null, `<= ${limit} ms (${m.profile} year)`, med(monthOp.tookMs) <= limit));
  }
  // Each row says which history it ran on.
  const tag = `[${m.profile} ${m.days} d] `;
  return rows.map((r) => ({ ...r, figure: r.figure.startsWith('  ') ? `  ${tag}${r.figure.trimStart()}` : `${tag}${r.figure}` }));
}

/** Figure 9: the announcer at a county peak, on a virtual clock (bench/figure-voice.ts). */
export function rowsOfVoice(v: VoiceFigures): Row[] {
  const s = v.settings;
  const p = v.peak;
  const c = v.calm;
  return [
    row(`voice: ${s.callsPerMin} calls/min over ${s.windows} windows, ${s.minutes} min: call → announcement starts p99 (ms)`, p.lagMs.p99, c.lagMs.p99, '<= 60000 ms', p.lagMs.p99 <= 60_000),
    row('  voice: call → announcement starts max (ms)', p.lagMs.max, c.lagMs.max, '', null),
    row('  voice: announcements waiting, at most', p.maxPending, c.maxPending, '<= maxPending (20)', p.maxPending <= 20),
    row('  voice: first announcements dropped', p.firstsDropped, null, '0', p.firstsDropped === 0),
    row(`  voice: one calm play (ms), syllables a minute`, v.onePlayMs, v.syllablesPerMin, '', null),
  ];
}

/** Figure 10 (issue #14): the agent's path beside the hub's own printer, medians of the runs. */
export function rowsOfAgentPrint(f: AgentPrintFigures): Row[] {
  const m = f.median;
  const load = f.runs.length ? `${round(median(f.runs.map((r) => r.load)), 2)} (${Math.min(...f.runs.map((r) => r.load))}–${Math.max(...f.runs.map((r) => r.load))})` : '-';
  return [
    row(`kiosk ticket → last byte, printer on an agent, p50 (ms), ${m.samples} × ${f.runs.length}`, m.agent.p50, m.hub.p50, '', null, load),
    row('kiosk ticket → last byte, printer on an agent, p95 (ms)', m.agent.p95, m.hub.p95, '<= 300 ms', m.samples >= 200 && m.agent.p95 <= 300, load),
    row('  printer on an agent, max (ms)', m.agent.max, m.hub.max, '', null),
    row('  tickets without their receipt', m.missed, null, '0', m.missed === 0),
  ];
}
