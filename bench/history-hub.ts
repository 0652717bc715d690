import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { buildHub } from '../src/app.ts';
import { loadHallConfig } from '../src/config/load-hall-config.ts';
import { loadHmacKey } from '../src/personal/card-reads.ts';
import { exitWithParent } from './children.ts';
import type { HistoryAsk, HistoryReply } from './history-protocol.ts';

/**
 * Child process: the real hub (HTTP, socket.io, the SQLite file of a generated history, its day
 * closer and its housekeeping timer) with the event loop's delay sampled in its own process, where
 * a blocking request or job shows. The bench asks over IPC for the delay since its last question,
 * for the RSS, or for a housekeeping pass over the whole log.
 *
 * usage: history-hub.ts <dataDir> <configFile>
 */
const [dataDir, configFile] = process.argv.slice(2);
if (!dataDir || !configFile) throw new Error('usage: history-hub.ts <dataDir> <configFile>');

const started = performance.now();
const config = loadHallConfig(configFile);
const hmac = loadHmacKey(dataDir, process.env, { demo: true });
const hub = await buildHub({ config, dbFile: join(dataDir, 'hallq.db'), hmacKey: hmac.key, logger: false });
await hub.app.listen({ port: 0, host: '127.0.0.1' });
const addr = hub.app.server.address();
if (!addr || typeof addr !== 'object') throw new Error('hub is not listening on a TCP port');

// 1 ms resolution: a 50 ms stall is what the issue bounds, and the sampler's own cost stays small.
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();

const reply = (m: HistoryReply) => {
  if (process.connected) process.send?.(m);
};

/** The housekeeping as the hub's timer runs it (a step of ~30 ms, 50 ms apart), over the whole log again. */
async function purgeFromStart(): Promise<{ steps: number; maxStepMs: number; seconds: number }> {
  hub.db.prepare(`DELETE FROM hall_meta WHERE key = 'purged_seq'`).run();
  const t0 = performance.now();
  let steps = 0;
  let maxStepMs = 0;
  for (let more = true; more; steps++) {
    const s = performance.now();
    more = hub.handler.maintenanceStep(30);
    maxStepMs = Math.max(maxStepMs, performance.now() - s);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { steps, maxStepMs: Math.round(maxStepMs * 10) / 10, seconds: Math.round((performance.now() - t0) / 100) / 10 };
}

process.on('message', (raw) => {
  const m = raw as HistoryAsk;
  void (async () => {
    switch (m.op) {
      case 'delay': {
        const r = { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, meanMs: delay.mean / 1e6 };
        delay.reset();
        reply({ id: m.id, op: m.op, ...r });
        return;
      }
      case 'rss':
        reply({ id: m.id, op: m.op, rss: process.memoryUsage().rss, memory: process.memoryUsage() });
        return;
      case 'purge':
        reply({ id: m.id, op: m.op, ...(await purgeFromStart()) });
        return;
      case 'seq':
        reply({ id: m.id, op: m.op, seq: hub.handler.seq, hubId: hub.hubId });
        return;
    }
  })();
});

exitWithParent(async () => {
  delay.disable();
  await hub.close();
});
process.stdout.write(`${JSON.stringify({ port: addr.port, pid: process.pid, startMs: Math.round(performance.now() - started) })}\n`);
