import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface PtyPair {
  /** Symlink to one pty end (the host side in tests). */
  a: string;
  /** Symlink to the other end (the simulator side). */
  b: string;
  proc: ChildProcess;
  /** Kills socat (by its own pid) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * `socat -d -d pty,raw,echo=0,link=<dir>/ttyA pty,raw,echo=0,link=<dir>/ttyB` (hardware.md §3.2):
 * a real pty pair both ends of which serialport opens with its native binding.
 */
export async function startSocatPtyPair(dir: string, names: [string, string] = ['ttyA', 'ttyB']): Promise<PtyPair> {
  const a = join(dir, names[0]);
  const b = join(dir, names[1]);
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + 5000;
  while (!(existsSync(a) && existsSync(b))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`socat did not create ${a} and ${b}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    a,
    b,
    proc,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
