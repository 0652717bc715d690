import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll, killAllNow, REPO_DIR } from './children.ts';
import { figureCalling, type CallingSettings } from './figure-calling.ts';
import { figureFanout, type FanoutSettings } from './figure-fanout.ts';
import { figureHistory, type HistorySettings } from './figure-history.ts';
import { figureVoice, type VoiceSettings } from './figure-voice.ts';
import { figureIssue, type IssueSettings } from './figure-issue.ts';
import { figureKiosk, type KioskSettings } from './figure-kiosk.ts';
import { figureAgentPrint, type AgentPrintSettings } from './figure-agent-print.ts';
import { formatTable, rowsOf, rowsOfAgentPrint, rowsOfHistory, rowsOfVoice } from './report.ts';
import { fsyncProbe } from './fsync-probe.ts';

/**
 * `npm run bench`: hallq's figures beside baselines measured in the same run, as ratios.
 * Prints only; exit 0 unless something crashes. Everything targets 127.0.0.1.
 * BENCH_QUICK=1 shortens every phase (for trying the bench itself, not for figures).
 * Figures 3–5 (kiosk) run `npm run build:ui` when the kiosk build is missing or stale, and need Chromium
 * (test/support/browser.ts; CHROMIUM_PATH): without it figures 3 and 5 are skipped with a loud message.
 * Figures 6–7 (calling: call → wall, call → announcement) need Chromium too and the display build; without
 * Chromium they are skipped loudly. Figure 7 waits out each announcement (~7 s apart), so it takes about a minute.
 * Figure 8 (issues #10, #11) runs the hub on simulated histories (bench/figure-history.ts): made once per
 * profile, length and schema and kept in test-output/bench-history; BENCH_HISTORIES=county:250,city:20
 * (the default) names them, BENCH_HISTORY=0 leaves the figure out. Figure 9 (voice at a county peak) runs the real announcer and clips
 * on a virtual clock, against the same announcer without its peak rules. Figure 10 (issue #14) is a kiosk's
 * ticket printed by a device agent, a process of its own, beside the hub's own printer, 200 of each per run.
 */
const quick = process.env.BENCH_QUICK === '1';
// 50 req/s × 20 s = 1,000 samples per even-pace run, three runs: a p99 from 10 samples is not a p99.
const issueSettings: IssueSettings = { connections: 10, throughputSec: quick ? 2 : 8, rate: 50, rateSec: quick ? 2 : 20, runs: quick ? 1 : 3 };
const fanoutSettings: FanoutSettings = {
  clients: Number(process.env.BENCH_CLIENTS ?? 1000),
  clientProcesses: Number(process.env.BENCH_CLIENT_PROCS ?? 2),
  calls: quick ? 20 : 100,
};
const kioskSettings: KioskSettings = { taps: quick ? 10 : 40, renders: quick ? 4 : 10 };
// One play of an announcement is ~6.3 s, so with the idle wait each of figure 7's calls takes ~7.3 s: 1 warm-up + 7 ≈ 60 s.
const callingSettings: CallingSettings = { calls: quick ? 10 : 40, announcements: quick ? 2 : 7, repeat: 1 };
// Figure 8 runs on simulated histories, each made once and kept in test-output/bench-history: a county
// year (issue #10 §10, ~175,000 tickets) and a month of a city centre (issue #11). BENCH_HISTORIES sets
// them (profile:days,…); a city year (city:300) takes the generator about an hour the first time.
const histories = (process.env.BENCH_HISTORIES ?? (quick ? 'city:2' : 'county:250,city:20')).split(',').map((h) => {
  const [profile, days] = h.split(':');
  return { profile: profile as HistorySettings['profile'], days: Number(days) };
});
const historySettings = (h: { profile: HistorySettings['profile']; days: number }): HistorySettings => ({
  ...h,
  seed: 'bench',
  startRuns: quick ? 1 : 3,
  opRepeats: quick ? 1 : 3,
  rssTickets: quick ? 2_000 : 20_000,
  rssSockets: 200,
  storms: quick ? 2 : 20,
  stormClients: 30,
  behind: 5_000,
  callRate: 50,
  idleCalls: quick ? 100 : 1_000,
});
// Figure 9: a county peak (issue #11) on a virtual clock; the hour takes seconds.
const voiceSettings: VoiceSettings = { callsPerMin: 10, windows: 30, minutes: 60, recallShare: 0.1 };
// Figure 10: 200 tickets through each path per run (a p95 of 200 rests on its 10 slowest), three runs.
const agentPrintSettings: AgentPrintSettings = { samples: quick ? 20 : 200, runs: quick ? 1 : 3 };
const OUT = join(REPO_DIR, 'test-output', 'bench-latest.json');

const log = (s: string) => process.stdout.write(`${s}\n`);

process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`\n${sig}: stopping child processes`);
    void killAll().finally(() => process.exit(130));
  });
}

function openFileLimit(): number {
  try {
    const v = execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim();
    return v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v);
  } catch {
    return Number.NaN;
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const limit = openFileLimit();
  // The server process holds one descriptor per client, each client process one per client it runs.
  const needed = fanoutSettings.clients + 200;
  log(`hallq bench: node ${process.version}, ${cpus().length} cores, ulimit -n ${limit}${quick ? ', QUICK mode' : ''}`);
  if (!(limit >= needed)) log(`!!!!! ulimit -n is ${limit}: ${fanoutSettings.clients} sockets need about ${needed}; raise it (ulimit -n 4096) or figure 2 will fail`);

  const fsync = await fsyncProbe();
  log(`disk: 4 KiB append + fsync in ${tmpdir()}: p50 ${fsync.p50} ms, p99 ${fsync.p99} ms, max ${fsync.max} ms`);

  const issue = await figureIssue(issueSettings, log);
  const fanout = await figureFanout(fanoutSettings, log);
  const kiosk = await figureKiosk(kioskSettings, log);
  const calling = await figureCalling(callingSettings, log);
  const history = [];
  if (process.env.BENCH_HISTORY !== '0') for (const h of histories) history.push(await figureHistory(historySettings(h), log));
  const voice = await figureVoice(voiceSettings, log);
  log(`figure 10: a kiosk's ticket to the last byte at a printer on a device agent, beside the hub's own printer, ${agentPrintSettings.samples} of each × ${agentPrintSettings.runs} runs…`);
  const agentPrint = await figureAgentPrint(agentPrintSettings, log);
  const rows = [...rowsOf(issue, fanout, kiosk, calling), ...history.flatMap(rowsOfHistory), ...rowsOfVoice(voice), ...rowsOfAgentPrint(agentPrint)];
  const seconds = Math.round((performance.now() - started) / 100) / 10;

  log('');
  log(formatTable(rows));
  // The hub's rate is not flat: every issued ticket stays waiting, and whatever scales with the queue shows here.
  log(`issue responses by second, hub:             ${issue.perSecond.hub.join(', ')}`);
  log(`issue responses by second, group baseline:  ${issue.perSecond.group.join(', ')}`);
  log(`issue responses by second, single baseline: ${issue.perSecond.single.join(', ')}`);
  log(`disk fsync (context): p50 ${fsync.p50} ms, p99 ${fsync.p99} ms, max ${fsync.max} ms`);
  log(`ticket.called payload: hub ${fanout.hub.payloadBytes} B, baseline ${fanout.baseline.payloadBytes} B`);
  if (kiosk.print) {
    const p = kiosk.print;
    log(`tap → printer: t0 = pointerdown in the page (page clock − bench clock ${p.clock.before.offset} ± ${p.clock.before.halfRtt} ms, corrected), t1 = fake printer read the cut; baseline = bare POST /tickets from the bench; page.click() → pointerdown p50 ${p.clickToPointerdownP50} ms (not counted); ${p.ticketBytes} B per ticket`);
  }
  if (kiosk.bundle) log(`kiosk JS baseline: Vue runtime alone (${kiosk.bundle.vue.file})${kiosk.bundle.built ? `; built first: ${kiosk.bundle.built}` : ''}`);
  if (kiosk.render) {
    const k = kiosk.render.kiosk;
    const mid = k.samples.find((x) => x.inDom === k.p50) ?? k.samples[0];
    log(`first render baseline: static /display/index.html; kiosk p50 sample: html ${mid?.htmlEnd} ms, script ${mid?.scriptEnd} ms, GET /hall ${mid?.hallStart}–${mid?.hallEnd} ms, in DOM ${mid?.inDom} ms, next frame ${mid?.frame} ms`);
  }
  if (calling.wall) {
    const w = calling.wall;
    const c = calling.clock!.before;
    log(`call → wall: t0 = bench before POST call-next; t1 = MutationObserver in the wall page sees the number (page clock − bench clock ${c.offset} ± ${c.halfRtt} ms, corrected); baseline = the same calls' ticket.called at a bare socket.io client in the bench; next frame p50 ${w.frame.p50} ms, p95 ${w.frame.p95} ms; call-next answered p50 ${w.http.p50} ms`);
  }
  if (calling.announce && !calling.announce.speechOnly) {
    const a = calling.announce;
    log(`announcement: t1 = the wall's play() of the call's WAV; baseline = the hub's announcement event at a bare socket.io client; audio 'playing' p50 ${a.playing.p50} ms, max ${a.playing.max} ms; hub repeat ${a.announcer.repeat} (hall default 2), one play ${a.durationMs} ms, each call ${a.announcer.betweenMs} + ${a.idleMarginMs} ms after the previous one's end`);
  }
  log('agent path: t0 = bench before the kiosk POST /tickets (kiosk-2, printer on the agent; kiosk-1, printer in the hub: the baseline), t1 = the fake LAN printer read the cut; alternating, median of the runs');
  for (const why of [...kiosk.skipped, ...calling.skipped]) log(`!!!!! SKIPPED: ${why}`);
  log(`bench took ${seconds} s; results in ${OUT}`);

  mkdirSync(join(REPO_DIR, 'test-output'), { recursive: true });
  writeFileSync(
    OUT,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        cores: cpus().length,
        ulimitN: Number.isFinite(limit) ? limit : String(limit),
        quick,
        settings: { issue: issueSettings, fanout: fanoutSettings, kiosk: kioskSettings, calling: callingSettings, history: histories.map(historySettings), voice: voiceSettings, agentPrint: agentPrintSettings },
        seconds,
        fsync,
        rows,
        raw: { issue, fanout, kiosk, calling, history, voice, agentPrint },
      },
      null,
      2,
    )}\n`,
  );
}

try {
  await main();
} catch (err) {
  process.exitCode = 1;
  console.error('bench failed:', err);
} finally {
  await killAll();
}
