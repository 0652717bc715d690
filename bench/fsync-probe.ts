import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, round } from './stats.ts';
import { sleep } from './wall-clock.ts';

/**
 * Context, not a figure: how long one 4 KiB append + fsync takes on the disk holding the bench's
 * databases (os.tmpdir()), right now. Both servers of figure 1 pay about one of these per request
 * (synchronous = FULL), so it bounds the latencies and explains run-to-run swings on a shared VM.
 */
export async function fsyncProbe(samples = 200): Promise<{ p50: number; p99: number; max: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-bench-fsync-'));
  const fd = openSync(join(dir, 'probe.bin'), 'a');
  const page = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      writeSync(fd, page);
      const t = performance.now();
      fsyncSync(fd);
      times.push(performance.now() - t);
      await sleep(2);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), max: round(percentile(times, 100)) };
}
