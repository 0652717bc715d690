import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './hub-process.ts';

/**
 * A device agent as its own process (`src/agent/main.ts`, as `npm run agent` runs it), its console
 * collected. The child goes on `children` for the test's afterAll to kill.
 */
export function startAgent(hub: string, dir: string, children: ChildProcess[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/agent/main.ts', '--hub', hub, '--dir', dir, '--page-port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  /** The first match of `re` in the console from character `from` on, within 30 s. */
  const waitFor = async (re: RegExp, from = 0): Promise<RegExpExecArray> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const m = re.exec(out.slice(from));
      if (m) return m;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`agent never printed ${re}:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const kill = () => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGKILL'))));
  return { child, waitFor, output: () => out, kill };
}
