import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Child processes of the bench: every server and client worker runs in its own Node process
 * (`node --import tsx`), so the load generator and the server under test don't share one event loop.
 *
 * Every child gets an IPC channel; each child script exits when that channel closes, so even a bench
 * killed with SIGKILL leaves no orphan. On a normal or failed exit `killAll()` ends them by pid.
 */

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = dirname(BENCH_DIR);

const live = new Set<ChildProcess>();

export interface Child {
  proc: ChildProcess;
  /** The first stdout line that parsed as JSON (the child's "ready" report). */
  ready: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Starts `bench/<script>` and resolves with its first JSON line on stdout. */
export function startChild(script: string, args: string[] = [], opts: { readyTimeoutMs?: number } = {}): Promise<Child> {
  // BENCH_PROFILE_DIR=DIR: each child writes a V8 CPU profile there (where did a figure's time go?).
  const prof = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', join(BENCH_DIR, script), ...args], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));

  return new Promise<Child>((resolve, reject) => {
    const timer = setTimeout(() => {
      stopProc(proc);
      reject(new Error(`${script} did not report ready within ${opts.readyTimeoutMs ?? 30_000} ms`));
    }, opts.readyTimeoutMs ?? 30_000);
    const lines = createInterface({ input: proc.stdout! });
    let done = false;
    lines.on('line', (line) => {
      if (done) {
        process.stdout.write(`[${script}] ${line}\n`);
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        process.stdout.write(`[${script}] ${line}\n`);
        return;
      }
      done = true;
      clearTimeout(timer);
      resolve({ proc, ready: parsed as Record<string, unknown>, stop: () => stopProc(proc) });
    });
    proc.once('exit', (code, signal) => {
      if (done) return;
      clearTimeout(timer);
      reject(new Error(`${script} exited before ready (code ${code}, signal ${signal})`));
    });
    proc.once('error', (err) => {
      if (done) return;
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the process is gone. */
export function stopProc(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => proc.kill('SIGKILL'), 3_000);
    proc.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => stopProc(p)));
}

/** Synchronous last resort for `process.on('exit')`: no awaiting possible there. */
export function killAllNow(): void {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

/** For child scripts: exit when the parent goes away (IPC closes) or asks politely. */
export function exitWithParent(cleanup: () => Promise<void> | void = () => {}): void {
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    try {
      await cleanup();
    } catch {
      // exiting anyway
    }
    process.exit(0);
  };
  process.on('disconnect', exit);
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
}
