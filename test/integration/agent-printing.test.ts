import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startAgent } from '../support/agent-process.ts';
import { call } from '../support/http.ts';
import { SimulatedPrinter } from '../../devices/printer/index.ts';
import { spawnHub, type HubProcess } from '../support/hub-process.ts';
import { hasTool } from '../support/require-tool.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { KIOSK, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/**
 * The kiosk's printer on a device agent (issue #14 §1): hub and agent are separate processes, the
 * printer a simulated one on the far end of a socat pty pair. Tickets print through the agent; the
 * network between them is cut and restored; the agent is killed and tickets taken meanwhile print once it is back; the agent is stopped, tickets are
 * taken, the hub is killed and restarted, and they print once the agent links again. Every ticket
 * prints exactly once.
 */
const dirs: string[] = [];
const children: ChildProcess[] = [];
const procs: HubProcess[] = [];
let far: SerialPort | null = null;
let proxyToClose: TcpProxy | null = null;
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const p of procs) await p.kill('SIGKILL');
  await proxyToClose?.close();
  if (far?.isOpen) await new Promise((r) => far!.close(r));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!hasTool('socat'))('a printer on a device agent', () => {
  it('prints every ticket exactly once through agent and hub crashes', { timeout: 240_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'hallq-agent-print-'));
    dirs.push(root);
    const ttyA = join(root, 'ttyA');
    const ttyB = join(root, 'ttyB');
    const socat = spawn('socat', [`pty,raw,echo=0,link=${ttyA}`, `pty,raw,echo=0,link=${ttyB}`], { stdio: 'ignore' });
    children.push(socat);
    for (let i = 0; i < 200 && !(existsSync(ttyA) && existsSync(ttyB)); i++) await new Promise((r) => setTimeout(r, 20));
    // The printer: a simulated one on ttyB, answering status on the same line.
    const sim = new SimulatedPrinter();
    far = new SerialPort({ path: ttyB, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => far!.open((e) => (e ? reject(e) : resolve())));
    far.on('data', sim.attach((b) => far!.write(b)));

    const configFile = join(root, 'hall.yaml');
    const base = testConfig();
    writeFileSync(configFile, stringify({ ...base, devices: { ...base.devices, printers: [{ kioskId: 'kiosk-1', uri: `serial:${ttyA}?baud=9600`, paperMm: 80, agent: true }] } }));
    const port = await freePort();
    const dataDir = join(root, 'data');
    let hub = await spawnHub({ dataDir, configFile, port });
    procs.push(hub);
    const manager = (await call(hub.url, 'POST', '/auth/login', undefined, { jobNo: 'm1', password: TEST_PASSWORD })).body.token as string;
    const agentDir = join(root, 'agent');
    // The agent reaches the hub through a forwarder the test can cut: the network between them.
    const proxy = await TcpProxy.start(port);
    proxyToClose = proxy;
    let agent = startAgent(proxy.url, agentDir, children);
    const code = (await agent.waitFor(/配对码 (\d{6})/))[1]!;
    const id = (await call(hub.url, 'GET', '/agents', manager)).body.agents[0].id as string;
    expect((await call(hub.url, 'POST', `/agents/${id}/approve`, manager, { code, name: '自助机1', devices: ['printer:kiosk-1'] })).status).toBe(200);
    await agent.waitFor(/linked to the hub as 自助机1/);

    const numbers: string[] = [];
    const ids: string[] = [];
    const take = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await call(hub.url, 'POST', '/tickets', KIOSK, { categoryId: 'ZX' });
        expect(r.status).toBe(201);
        numbers.push(r.body.ticket.number as string);
        ids.push(r.body.ticket.id as string);
      }
    };
    const printed = () => sim.receipts.map((r) => r.lines.map((l) => /\b([A-C]\d{3})\b/.exec(l)?.[1]).find(Boolean) ?? '?');

    // Linked: printed through the agent, and the board names the agent as the printer's host.
    await take(3);
    await sim.waitForReceipts(3, 20_000);
    await expect.poll(async () => (await call(hub.url, 'GET', '/devices', manager)).body.devices.find((d: { id: string }) => d.id === 'printer:kiosk-1')?.host, { timeout: 10_000 }).toBe('自助机1');

    // The network between them is cut: nothing prints; once it is back, what was taken meanwhile prints.
    await proxy.cut();
    await take(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(sim.receipts).toHaveLength(3);
    await proxy.restore();
    await sim.waitForReceipts(5, 30_000);

    // The agent is killed; tickets taken meanwhile print once it is back.
    await agent.kill();
    await take(2);
    agent = startAgent(proxy.url, agentDir, children);
    await sim.waitForReceipts(7, 30_000);

    // The agent is down, tickets are taken, the hub is killed and comes back: they still print, once.
    await agent.kill();
    await take(2);
    await hub.kill('SIGKILL');
    hub = await spawnHub({ dataDir, configFile, port });
    procs.push(hub);
    agent = startAgent(proxy.url, agentDir, children);
    await sim.waitForReceipts(9, 30_000);

    // The hub is killed the moment a ticket is acknowledged, while its print is on the way or on the
    // paper: after the restart the command is sent again, and the agent's journal keeps it to one paper.
    await agent.waitFor(/linked to the hub/);
    await take(1);
    await hub.kill('SIGKILL');
    hub = await spawnHub({ dataDir, configFile, port });
    procs.push(hub);
    await sim.waitForReceipts(10, 30_000);
    // Give a duplicate every chance to show up before counting.
    await new Promise((r) => setTimeout(r, 2500));
    expect(numbers).toEqual(['A001', 'A002', 'A003', 'A004', 'A005', 'A006', 'A007', 'A008', 'A009', 'A010']);
    expect(printed()).toEqual(numbers);

    // The guide desk reprints a ticket on the kiosk's printer, through its agent.
    const guide = (await call(hub.url, 'POST', '/auth/login', undefined, { jobNo: 'g1', password: TEST_PASSWORD })).body.token as string;
    const again = await call(hub.url, 'POST', `/tickets/${ids[0]}/print`, guide);
    expect(again.status).toBe(200);
    expect(again.body.print).toMatchObject({ kioskId: 'kiosk-1', state: 'printing' });
    await sim.waitForReceipts(11, 20_000);
    expect(printed()).toEqual([...numbers, 'A001']);

    // Every command is closed by the agent's report. One the agent was killed in the middle of (its bytes
    // out, its journal not yet closed) is `uncertain`: left to a person, never printed again by itself.
    const outcomes = () => {
      const db = new Database(join(dataDir, 'hallq.db'), { readonly: true });
      try {
        return db.prepare('SELECT json_extract(payload, \'$.number\') AS number, outcome FROM agent_commands ORDER BY seq').all() as { number: string; outcome: string | null }[];
      } finally {
        db.close();
      }
    };
    await expect.poll(() => outcomes().filter((o) => o.outcome === null).length, { timeout: 20_000 }).toBe(0);
    const closed = outcomes();
    expect(closed.map((o) => o.number)).toEqual([...numbers, 'A001']);
    expect(closed.every((o) => o.outcome === 'printed' || o.outcome === 'uncertain')).toBe(true);
    // Only the two kills of the agent can leave a doubt, and the last print (nobody killed it) is sure.
    expect(closed.filter((o) => o.outcome === 'uncertain').length).toBeLessThanOrEqual(2);
    expect(closed.at(-1)!.outcome).toBe('printed');
    await hub.kill('SIGTERM');
  });
});
