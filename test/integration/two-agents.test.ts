import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startAgent } from '../support/agent-process.ts';
import { call } from '../support/http.ts';
import { exampleCard, runSimulatorOnSerial, type SerialSimulator } from '../../devices/idcard/index.ts';
import { SimulatedPrinter } from '../../devices/printer/index.ts';
import { SerialPort } from 'serialport';
import { startSocatPtyPair, type PtyPair } from '../../devices/test-support/socat-pty-pair.ts';
import { spawnHub, type HubProcess } from '../support/hub-process.ts';
import { hasTool } from '../support/require-tool.ts';
import { RecordingClient } from '../support/socket-client.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { KIOSK, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/**
 * Two device agents and a hub as separate processes (issue #14 §1): one PC runs the kiosk's ID-card
 * reader (its far end the card simulator on a socat pty), another the kiosk's printer (a simulated
 * printer on another pty). A card read reaches the kiosk once; a read sent twice is applied once; a
 * read that arrives late is refused; a read made while the reader agent's network is cut is refused at
 * that agent and never applied once the network is back, while the printer agent prints on.
 */
const root = mkdtempSync(join(tmpdir(), 'hallq-agent-reader-'));
const children: ChildProcess[] = [];
const procs: HubProcess[] = [];
let pair: PtyPair | null = null;
let sim: SerialSimulator | null = null;
let proxy: TcpProxy | null = null;
let kiosk: RecordingClient | null = null;
let printerPair: PtyPair | null = null;
let far: SerialPort | null = null;
afterAll(async () => {
  kiosk?.close();
  for (const c of children) c.kill('SIGKILL');
  for (const p of procs) await p.kill('SIGKILL');
  await proxy?.close();
  await sim?.close();
  await pair?.stop();
  if (far?.isOpen) await new Promise((r) => far!.close(r));
  await printerPair?.stop();
  rmSync(root, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasTool('socat'))('two device agents: the kiosk’s reader on one, its printer on another', () => {
  it('applies each read once, refuses late ones, and refuses at the agent while the hub cannot be reached', { timeout: 120_000 }, async () => {
    pair = await startSocatPtyPair(root);
    sim = await runSimulatorOnSerial(pair.b, null);
    const configFile = join(root, 'hall.yaml');
    const base = testConfig({ simReader: false });
    // The printer on its own pty pair, run by a second agent.
    mkdirSync(join(root, 'printer'));
    printerPair = await startSocatPtyPair(join(root, 'printer'));
    const printer = new SimulatedPrinter();
    far = new SerialPort({ path: printerPair.b, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => far!.open((e) => (e ? reject(e) : resolve())));
    far.on('data', printer.attach((b) => far!.write(b)));
    writeFileSync(
      configFile,
      stringify({
        ...base,
        devices: { ...base.devices, idcard: { uri: `serial:${pair.a}`, kioskId: 'kiosk-1', agent: true }, printers: [{ kioskId: 'kiosk-1', uri: `serial:${printerPair.a}?baud=9600`, paperMm: 80, agent: true }] },
      }),
    );
    const hub = await spawnHub({ dataDir: join(root, 'data'), configFile });
    procs.push(hub);
    proxy = await TcpProxy.start(Number(new URL(hub.url).port));
    const manager = (await call(hub.url, 'POST', '/auth/login', undefined, { jobNo: 'm1', password: TEST_PASSWORD })).body.token as string;
    const agentDir = join(root, 'agent');
    const agent = startAgent(proxy.url, agentDir, children);
    const code = (await agent.waitFor(/配对码 (\d{6})/))[1];
    const id = (await call(hub.url, 'GET', '/agents', manager)).body.agents[0].id as string;
    expect((await call(hub.url, 'POST', `/agents/${id}/approve`, manager, { code, name: '自助机1', devices: ['idcard:kiosk-1'] })).status).toBe(200);
    await agent.waitFor(/devices here: idcard:kiosk-1/);
    // The second agent, straight to the hub (not through the forwarder), for the printer.
    const printerAgent = startAgent(hub.url, join(root, 'agent2'), children);
    const code2 = (await printerAgent.waitFor(/配对码 (\d{6})/))[1];
    const id2 = ((await call(hub.url, 'GET', '/agents', manager)).body.agents as { id: string; status: string }[]).find((a) => a.id !== id && a.status === 'pending')!.id;
    expect((await call(hub.url, 'POST', `/agents/${id2}/approve`, manager, { code: code2, name: '自助机1打印', devices: ['printer:kiosk-1'] })).status).toBe(200);
    await printerAgent.waitFor(/devices here: printer:kiosk-1/);
    const printedNumbers = () => printer.receipts.map((r) => r.lines.map((l) => /\b([A-C]\d{3})\b/.exec(l)?.[1]).find(Boolean) ?? '?');

    kiosk = await RecordingClient.connect(hub.url, { token: KIOSK });
    const reads = () => kiosk!.of('card.read');

    // A card on the reader: one read at the kiosk, as a token and a masked name, never the number.
    sim.simulator.place(exampleCard());
    await kiosk.waitForEvent('card.read', () => true, 15_000);
    await sleep(1500);
    expect(reads()).toHaveLength(1);
    expect(JSON.stringify(reads()[0])).not.toContain('11010519491231002X');
    expect(reads()[0].cardToken).toEqual(expect.any(String));
    sim.simulator.remove();

    // The same read sent twice (its reply lost) is applied once; a late one is refused.
    const token = readFileSync(join(agentDir, 'token'), 'utf8');
    const read = { device: 'idcard:kiosk-1', readId: 'read-0000000001', ageMs: 300, card: { name: '李四', idNumber: '11010519491231002X', validUntil: '长期' } };
    expect((await call(hub.url, 'POST', '/agents/self/card-reads', token, read)).body).toEqual({ applied: true });
    expect((await call(hub.url, 'POST', '/agents/self/card-reads', token, { ...read, ageMs: 900 })).body).toEqual({ applied: false, duplicate: true });
    const late = await call(hub.url, 'POST', '/agents/self/card-reads', token, { ...read, readId: 'read-0000000002', ageMs: 60_000 });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('HQ_ERR_CARD_READ_STALE');
    await sleep(500);
    expect(reads()).toHaveLength(2);
    // Another agent's device is not this agent's to read.
    expect((await call(hub.url, 'POST', '/agents/self/card-reads', token, { ...read, device: 'idcard:kiosk-9', readId: 'read-0000000003' })).status).toBe(404);

    // The network between agent and hub is cut: the read is refused at the agent, and not applied later.
    // (The first card has been off the reader for a while: the reader polls every 500 ms.)
    await proxy.cut();
    await sleep(1200);
    const mark = agent.output().length;
    sim.simulator.place(exampleCard({ name: '王五', idNumber: '440304198001011239' }));
    await agent.waitFor(/the hub cannot be reached: this read was not used/, mark);
    sim.simulator.remove();
    // Meanwhile the printer's agent, whose network is whole, prints a ticket taken at the kiosk.
    expect((await call(hub.url, 'POST', '/tickets', KIOSK, { categoryId: 'ZX' })).status).toBe(201);
    await printer.waitForReceipts(1, 20_000);
    await proxy.restore();
    await sleep(3000);
    expect(reads()).toHaveLength(2);
    expect(printedNumbers()).toEqual(['A001']);
  });
});
