import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (where `src/main.ts` and `node_modules/tsx` are). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface HubProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** The last 64 KiB of stdout and stderr, for failure messages. */
  output(): string;
  /** Resolves when the process has exited (with its code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (SIGKILL by default) unless already exited, and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `src/main.ts` as its own process (`node --import tsx`, or the built hub), on 127.0.0.1 and a port the OS
 * picks; the port is read back from fastify's "Server listening at" log line, then `/healthz` must answer.
 */
export interface SpawnOptions {
  dataDir: string;
  configFile: string;
  timeoutMs?: number;
  /** Extra environment (HALLQ_ID_HMAC_KEY_FILE, …). */
  env?: Record<string, string>;
  /** A fixed port (a restarted hub must come back where the browsers look for it); default: any free one. */
  port?: number;
  /** Run as another user (root only): uid and gid. */
  user?: { uid: number; gid: number };
  /** More command-line options (`--no-history`). */
  args?: string[];
  /** A built hub's `main.mjs` (`npm run build:hub`), as installs run it; default: `src/main.ts` under tsx. */
  entry?: string;
}

function startProcess(opts: SpawnOptions): ChildProcess {
  return spawn(
    process.execPath,
    [...(opts.entry ? [opts.entry] : ['--import', 'tsx', 'src/main.ts']), '--port', String(opts.port ?? 0), '--host', '127.0.0.1', '--data', opts.dataDir, '--config', opts.configFile, ...(opts.args ?? [])],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
    },
  );
}

/** Starts a hub that must refuse to start; resolves with its exit code and everything it printed. */
export async function spawnHubExpectingRefusal(opts: SpawnOptions): Promise<{ code: number | null; output: string }> {
  const child = startProcess(opts);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output: out };
}

export async function spawnHub(opts: SpawnOptions): Promise<HubProcess> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const child = startProcess(opts);
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > 65_536) out = out.slice(-65_536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!exitInfo) child.kill(signal);
    return exited;
  };

  const deadline = Date.now() + timeoutMs;
  let url: string | null = null;
  while (!url) {
    const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (m) url = m[1]!;
    else if (exitInfo || Date.now() > deadline) {
      await kill();
      throw new Error(`hub process did not start (exit ${JSON.stringify(exitInfo)}):\n${out}`);
    } else await new Promise((r) => setTimeout(r, 20));
  }
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (exitInfo || Date.now() > deadline) {
      await kill();
      throw new Error(`hub process never became healthy:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, pid: child.pid!, url, output: () => out, exited, kill };
}
