import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startAgent } from '../support/agent-process.ts';
import { call } from '../support/http.ts';
import { spawnHub, type HubProcess } from '../support/hub-process.ts';
import { TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/**
 * Device agents pair with the hub (issue #14 §1), hub and agent as separate processes: the agent shows
 * a code (console and local page), a manager approves it with that code, the agent collects its own
 * token (kept as a hash on the hub, 0600 on the agent) and links; a revoked token opens nothing, and
 * the agent asks to be paired afresh.
 */
const dirs: string[] = [];
const children: ChildProcess[] = [];
const procs: HubProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const p of procs) await p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('device agent pairing', () => {
  it('pairs with a code a manager approves, keeps only hashes on the hub, and is shut out when revoked', { timeout: 120_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'hallq-agent-pair-'));
    dirs.push(root);
    const configFile = join(root, 'hall.yaml');
    writeFileSync(configFile, stringify(testConfig()));
    const hub = await spawnHub({ dataDir: join(root, 'data'), configFile });
    procs.push(hub);
    const manager = (await call(hub.url, 'POST', '/auth/login', undefined, { jobNo: 'm1', password: TEST_PASSWORD })).body.token as string;

    const agentDir = join(root, 'agent');
    const agent = startAgent(hub.url, agentDir, children);
    const code = (await agent.waitFor(/配对码 (\d{6})/))[1]!;
    const pagePort = (await agent.waitFor(/local pairing page http:\/\/127\.0\.0\.1:(\d+)\//))[1]!;
    expect(await (await fetch(`http://127.0.0.1:${pagePort}/`)).text()).toContain(`>${code}<`);

    const listed = await call(hub.url, 'GET', '/agents', manager);
    expect(listed.body.agents).toHaveLength(1);
    const pending = listed.body.agents[0];
    expect(pending).toMatchObject({ status: 'pending', code, paired: false });
    expect((await call(hub.url, 'GET', '/agents')).status).toBe(401);

    // A wrong code changes nothing; the right one approves, and the agent collects its token and links.
    const wrong = await call(hub.url, 'POST', `/agents/${pending.id}/approve`, manager, { code: code === '000000' ? '111111' : '000000', name: '自助机1', devices: ['printer:kiosk-1'] });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('HQ_ERR_PAIRING_CODE_WRONG');
    expect((await call(hub.url, 'GET', '/agents', manager)).body.agents[0].status).toBe('pending');
    expect((await call(hub.url, 'POST', `/agents/${pending.id}/approve`, manager, { code, name: '自助机1', devices: ['printer:kiosk-1'] })).status).toBe(200);
    await agent.waitFor(/linked to the hub as 自助机1 \(1 devices\)/);

    const token = readFileSync(join(agentDir, 'token'), 'utf8');
    expect(token).toMatch(/^ag_/);
    expect(statSync(join(agentDir, 'token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(agentDir, 'agent.json')).mode & 0o777).toBe(0o600);
    expect((await call(hub.url, 'GET', '/agents/self', token)).body.agent).toEqual({ id: pending.id, name: '自助机1', devices: ['printer:kiosk-1'] });
    // The hub holds the token's hash, never the token; a second collection is refused.
    const db = new Database(join(root, 'data', 'hallq.db'), { readonly: true });
    const row = db.prepare('SELECT token_sha256, secret_sha256 FROM agents WHERE id = ?').get(pending.id) as { token_sha256: string; secret_sha256: string };
    db.close();
    expect(row.token_sha256).toBe(createHash('sha256').update(token).digest('hex'));
    for (const f of ['hallq.db', 'hallq.db-wal']) {
      const bytes = (() => {
        try {
          return readFileSync(join(root, 'data', f));
        } catch {
          return Buffer.alloc(0);
        }
      })();
      expect(bytes.includes(Buffer.from(token))).toBe(false);
    }
    const secret = JSON.parse(readFileSync(join(agentDir, 'agent.json'), 'utf8')).secret as string;
    const again = await call(hub.url, 'POST', '/agents/pair/collect', undefined, { agentId: pending.id, secret });
    expect(again.status).toBe(409);
    expect((await call(hub.url, 'POST', '/agents/pair/collect', undefined, { agentId: pending.id, secret: 'x'.repeat(40) })).status).toBe(403);

    // Revoked: the token opens nothing, the link closes, and the agent asks to be paired afresh.
    const mark = agent.output().length;
    expect((await call(hub.url, 'POST', `/agents/${pending.id}/revoke`, manager)).status).toBe(200);
    expect((await call(hub.url, 'GET', '/agents/self', token)).status).toBe(401);
    await agent.waitFor(/the token was revoked; pairing again/, mark);
    const newCode = (await agent.waitFor(/配对码 (\d{6})/, mark))[1]!;
    const agents = (await call(hub.url, 'GET', '/agents', manager)).body.agents as { id: string; status: string; code: string }[];
    expect(agents.map((a) => a.status).sort()).toEqual(['pending', 'revoked']);
    expect(agents.find((a) => a.status === 'pending')!.code).toBe(newCode);
    expect(agents.find((a) => a.status === 'pending')!.id).not.toBe(pending.id);
  });
});
