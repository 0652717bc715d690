import { execFileSync } from 'node:child_process';

/**
 * Whether an external tool (socat, chromium, espeak-ng) is here. Missing locally: the suite skips
 * with a loud message. Missing under CI=true: the suite fails, because CI must install it.
 */
export function hasTool(bin: string, args: string[] = ['-V']): boolean {
  let found = true;
  try {
    execFileSync(bin, args, { stdio: 'ignore', timeout: 10_000 });
  } catch (err) {
    found = (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  if (!found) {
    const msg = `\n!!!!! ${bin} is not installed: the suites that need it are SKIPPED. Install it (see .ci/run) to run them.\n`;
    if (process.env.CI === 'true') throw new Error(`${bin} is required under CI=true but is missing. ${msg}`);
    process.stderr.write(msg);
  }
  return found;
}
