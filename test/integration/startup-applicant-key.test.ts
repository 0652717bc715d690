import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { spawnHub, spawnHubExpectingRefusal } from '../support/hub-process.ts';
import { testConfig } from '../support/test-config.ts';

/** Issue #12: the key that seals the 好差评 applicant is kept apart from the data like the ID HMAC key. */
describe('start-up of a hall that uploads', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'hallq-start-'));
    chmodSync(d, 0o755);
    dirs.push(d);
    return d;
  };
  const noStack = (output: string) => expect(output, output).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses the applicant key inside the data directory, and makes it outside with mode 0600', async () => {
    const dir = fresh();
    const file = join(dir, 'hall.yaml');
    writeFileSync(file, stringify(testConfig({ demo: false, upstream: 'http://127.0.0.1:9/ratings' })));
    chmodSync(file, 0o644);
    const env = { HALLQ_ID_HMAC_KEY_FILE: join(dir, 'etc', 'id-hmac.key') };
    const refused = await spawnHubExpectingRefusal({ dataDir: join(dir, 'data'), configFile: file, env });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('the applicant encryption key must not be inside the data directory');
    expect(refused.output).toContain('HALLQ_APPLICANT_KEY_FILE');
    noStack(refused.output);
    const keyFile = join(dir, 'etc', 'applicant.key');
    const hub = await spawnHub({ dataDir: join(dir, 'data'), configFile: file, env: { ...env, HALLQ_APPLICANT_KEY_FILE: keyFile } });
    try {
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    } finally {
      await hub.kill('SIGTERM');
    }
  });

});
