import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/hub-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'hallq-simulate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const simulateCli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/simulator/cli.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, HALLQ_ID_HMAC_KEY: '' } });

describe('npm run simulate', () => {
  it('fills a data dir the hub can open, and will not write history before what is there', () => {
    const data = join(dir, 'data');
    const first = simulateCli('--data', data, '--days', '2', '--seed', 'cli', '--start', '2026-11-03');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/青石镇便民服务中心: 2 business days 2026-11-03 … 2026-11-04 \(profile township, seed cli\)/);
    expect(first.stdout).toMatch(/tickets\/s/);
    expect(first.stdout).toMatch(/npm start -- --data .* --config config\/hall\.yaml/);
    // A demo hall keeps its ID key in the data dir, as the hub does.
    expect(existsSync(join(data, 'hallq.db'))).toBe(true);
    expect(existsSync(join(data, 'id-hmac.key'))).toBe(true);
    const again = simulateCli('--data', data, '--days', '1', '--seed', 'cli', '--start', '2026-11-03');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already holds history up to/);
    // Later days go on from the history already there.
    const more = simulateCli('--data', data, '--days', '1', '--seed', 'cli', '--start', '2026-11-05', '--json');
    expect(more.status, more.stderr).toBe(0);
    expect(JSON.parse(more.stdout)).toMatchObject({ startDate: '2026-11-05', endDate: '2026-11-05', profile: 'township' });
  });

  it('says what is wrong with its arguments', () => {
    const r = simulateCli('--days', 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--data is required/);
    expect(r.stderr).toMatch(/usage: npm run simulate/);
  });
});
