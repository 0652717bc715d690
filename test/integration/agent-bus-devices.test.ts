import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runKeypadsOnSerial, type SerialKeypads } from '../../devices/caller/index.ts';
import { runLedSimulatorOnSerial, SimpleBarSimulator, type SerialLedSimulator } from '../../devices/led/index.ts';
import { startSocatPtyPair, type PtyPair } from '../../devices/test-support/socat-pty-pair.ts';
import { startAgent } from '../support/agent-process.ts';
import { spawnHub, type HubProcess } from '../support/hub-process.ts';
import { call } from '../support/http.ts';
import { hallEventsIn } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { KIOSK, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/**
 * Bus devices on device agents (issue #14 §1), hub and agents as separate processes, every device on
 * a socat pty with its simulator on the far end. Agent A (behind a forwarder the test can cut) hosts
 * the LED bars and the keypad bus; agent B an evaluators' bus. A keypad call reaches the hub once and
 * the bar on A shows the number; with A's network cut a press is refused at the keypad and never
 * applied; bar texts made while A is cut or killed are shown once it is back, the latest only, and a
 * restarted A draws every bar again (they may have lost power with it); the
 * evaluator on B rates once.
 */
const root = mkdtempSync(join(tmpdir(), 'hallq-agent-bus-'));
const children: ChildProcess[] = [];
const procs: HubProcess[] = [];
const pairs: PtyPair[] = [];
const closers: (() => Promise<void>)[] = [];
let proxy: TcpProxy | null = null;
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const p of procs) await p.kill('SIGKILL');
  await proxy?.close();
  for (const c of closers) await c().catch(() => undefined);
  for (const p of pairs) await p.stop();
  rmSync(root, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ptys(name: string): Promise<PtyPair> {
  mkdirSync(join(root, name));
  const pair = await startSocatPtyPair(join(root, name));
  pairs.push(pair);
  return pair;
}

describe.skipIf(!hasTool('socat'))('LED bars, keypads and an evaluator on two device agents', () => {
  it('calls once from a keypad, shows it on the bar, refuses a press the hub cannot hear, and shows the latest text after an outage', { timeout: 180_000 }, async () => {
    const ledPty = await ptys('led');
    const keyPty = await ptys('keys');
    const padPty = await ptys('pads');
    const bars = new SimpleBarSimulator({ addresses: [1, 2] });
    const barLink: SerialLedSimulator = await runLedSimulatorOnSerial(ledPty.b, bars);
    closers.push(() => barLink.close());
    const keypads: SerialKeypads = await runKeypadsOnSerial(keyPty.b);
    closers.push(() => keypads.close());
    const evaluators: SerialKeypads = await runKeypadsOnSerial(padPty.b);
    closers.push(() => evaluators.close());

    const base = testConfig({ windows: 2, simLed: true });
    const configFile = join(root, 'hall.yaml');
    writeFileSync(
      configFile,
      stringify({
        ...base,
        devices: {
          ...base.devices,
          led: { bars: { uri: `serial:${ledPty.a}?baud=9600`, agent: true } },
          caller: { uri: `serial:${keyPty.a}?baud=9600`, keypads: [{ address: 1, windowId: 1 }], agent: true },
          padBus: { uri: `serial:${padPty.a}?baud=9600`, pads: [{ address: 9, windowId: 1 }], agent: true },
        },
      }),
    );
    const dataDir = join(root, 'data');
    const hub = await spawnHub({ dataDir, configFile });
    procs.push(hub);
    const db = new Database(join(dataDir, 'hallq.db'), { readonly: true, fileMustExist: true });
    closers.push(async () => void db.close());
    const count = (type: string) => (db.prepare('SELECT COUNT(*) AS n FROM events_readable WHERE type = ?').get(type) as { n: number }).n;
    const manager = (await call(hub.url, 'POST', '/auth/login', undefined, { jobNo: 'm1', password: TEST_PASSWORD })).body.token as string;
    const clerk = (await call(hub.url, 'POST', '/auth/login', undefined, { jobNo: 'c1', password: TEST_PASSWORD })).body.token as string;

    // Agent A through a forwarder the test can cut; agent B straight to the hub.
    proxy = await TcpProxy.start(Number(new URL(hub.url).port));
    const agentA = startAgent(proxy.url, join(root, 'agentA'), children);
    const codeA = (await agentA.waitFor(/配对码 (\d{6})/))[1]!;
    const idA = (await call(hub.url, 'GET', '/agents', manager)).body.agents[0].id as string;
    expect((await call(hub.url, 'POST', `/agents/${idA}/approve`, manager, { code: codeA, name: '一号窗口机', devices: ['led-bars', 'caller-bus'] })).status).toBe(200);
    await agentA.waitFor(/linked to the hub as 一号窗口机/);
    const agentB = startAgent(hub.url, join(root, 'agentB'), children);
    const codeB = (await agentB.waitFor(/配对码 (\d{6})/))[1]!;
    const idB = ((await call(hub.url, 'GET', '/agents', manager)).body.agents as { id: string; status: string }[]).find((a) => a.status === 'pending')!.id;
    expect((await call(hub.url, 'POST', `/agents/${idB}/approve`, manager, { code: codeB, name: '评价器机', devices: ['pad-bus'] })).status).toBe(200);
    await agentB.waitFor(/linked to the hub as 评价器机/);

    // The board names the agents as the hosts of their buses, once they report.
    const hostOf = async (id: string) => ((await call(hub.url, 'GET', '/devices', manager)).body.devices as { id: string; host: string; health: string }[]).find((d) => d.id === id);
    await expect.poll(async () => (await hostOf('led-bars'))?.host, { timeout: 15_000 }).toBe('一号窗口机');
    await expect.poll(async () => (await hostOf('caller-bus'))?.host, { timeout: 15_000 }).toBe('一号窗口机');
    await expect.poll(async () => (await hostOf('pad-bus'))?.host, { timeout: 15_000 }).toBe('评价器机');
    expect((await hostOf('caller-bus'))?.health).toBe('ok');

    expect((await call(hub.url, 'POST', '/windows/1/open', clerk, { role: 'A' })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await call(hub.url, 'POST', '/tickets', KIOSK, { categoryId: 'ZX' })).status).toBe(201);
    // The keypad's LCD on A shows the window's queue, sent as commands to A.
    await expect.poll(() => keypads.simulator.lcd(1)?.waiting, { timeout: 10_000 }).toBe('005');

    // 呼叫 on the keypad: one call at the hub, and its number on the window's bar.
    expect(await keypads.simulator.press(1, 'call')).toBe(true);
    await expect.poll(() => count('ticket.called'), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => bars.textOf(1), { timeout: 10_000 }).toBe('A001 请到1号窗口');
    await sleep(1000);
    expect(count('ticket.called')).toBe(1);

    // A key sent twice by the agent (its reply lost) is applied once; one that arrives late is refused.
    const tokenA = readFileSync(join(root, 'agentA', 'token'), 'utf8');
    const recall = { device: 'caller-bus', inputId: 'key-000000001', ageMs: 200, input: { kind: 'key', address: 1, key: 'recall', digits: '' } };
    expect((await call(hub.url, 'POST', '/agents/self/inputs', tokenA, recall)).body).toEqual({ applied: true });
    expect((await call(hub.url, 'POST', '/agents/self/inputs', tokenA, recall)).body).toEqual({ applied: false, duplicate: true });
    const stale = await call(hub.url, 'POST', '/agents/self/inputs', tokenA, { ...recall, inputId: 'key-000000002', ageMs: 60_000 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('HQ_ERR_DEVICE_INPUT_STALE');
    expect(count('ticket.called')).toBe(2);
    // Agent B's token does not reach A's keypads.
    const tokenB = readFileSync(join(root, 'agentB', 'token'), 'utf8');
    expect((await call(hub.url, 'POST', '/agents/self/inputs', tokenB, { ...recall, inputId: 'key-000000003' })).status).toBe(404);

    // A's network is cut: a press is refused at the keypad (an urgent beep, the agent's console) and never applied.
    await proxy.cut();
    const mark = agentA.output().length;
    const beeps = keypads.simulator.beeps(1).length;
    expect(await keypads.simulator.press(1, 'call')).toBe(true);
    await agentA.waitFor(/the hub cannot be reached: this key press was not used/, mark);
    await expect.poll(() => keypads.simulator.beeps(1).length, { timeout: 5000 }).toBeGreaterThan(beeps);
    // Meanwhile the clerk calls twice from the console: the bar's texts wait on the hub, the latest replacing the older.
    const shownBefore = bars.received.length;
    for (let i = 0; i < 2; i++) {
      expect((await call(hub.url, 'POST', '/windows/1/complete', clerk, {})).status).toBe(200);
      expect((await call(hub.url, 'POST', '/windows/1/call-next', clerk)).status).toBe(200);
    }
    expect(count('ticket.called')).toBe(4);
    await sleep(500);
    expect(bars.received.length).toBe(shownBefore);
    await proxy.restore();
    await expect.poll(() => bars.textOf(1), { timeout: 15_000 }).toBe('A003 请到1号窗口');
    await sleep(4000);
    const shown = () => bars.received.slice(shownBefore).filter((r) => r.address === 1 && r.command === 'show').map((r) => r.text);
    expect(shown()).toEqual(['A003 请到1号窗口']);
    // The refused press was never applied, not even once the link was back.
    expect(count('ticket.called')).toBe(4);

    // A is killed; a call made while it is down shows once it is back, and what it ran before is not run again.
    await agentA.kill();
    expect((await call(hub.url, 'POST', '/windows/1/complete', clerk, {})).status).toBe(200);
    expect((await call(hub.url, 'POST', '/windows/1/call-next', clerk)).status).toBe(200);
    const again = startAgent(proxy.url, join(root, 'agentA'), children);
    await again.waitFor(/linked to the hub as 一号窗口机/);
    await expect.poll(() => bars.textOf(1), { timeout: 15_000 }).toBe('A004 请到1号窗口');
    await sleep(3000);
    expect(shown()).toEqual(['A003 请到1号窗口', 'A004 请到1号窗口']);

    // The counter loses power: the agent's PC and the bars go off together. Back on, with no new call,
    // the restarted agent draws what each bar should show; a network blip alone redraws nothing.
    await again.kill();
    bars.powerCycle(1);
    expect(bars.textOf(1)).toBe('');
    const third = startAgent(proxy.url, join(root, 'agentA'), children);
    await third.waitFor(/linked to the hub as 一号窗口机/);
    await expect.poll(() => bars.textOf(1), { timeout: 15_000 }).toBe('A004 请到1号窗口');
    await proxy.cut();
    await sleep(1000);
    await proxy.restore();
    await sleep(4000);
    expect(shown()).toEqual(['A003 请到1号窗口', 'A004 请到1号窗口', 'A004 请到1号窗口']);

    // The service ends: the evaluator on B is asked for a score, and its score rates A004's service once.
    const asked = evaluators.simulator.ratingRequests(9);
    expect((await call(hub.url, 'POST', '/windows/1/complete', clerk, {})).status).toBe(200);
    await expect.poll(() => evaluators.simulator.ratingRequests(9), { timeout: 10_000 }).toBeGreaterThan(asked);
    const rated = count('rating.recorded');
    expect(await evaluators.simulator.rate(9, 5)).toBe(true);
    await expect.poll(() => count('rating.recorded'), { timeout: 10_000 }).toBe(rated + 1);
    await sleep(1500);
    expect(count('rating.recorded')).toBe(rated + 1);
    expect(hallEventsIn(db as never, base, `type = 'rating.recorded'`).at(-1)?.data).toMatchObject({ number: 'A004', level: 5, channel: 'rs485' });
  });
});
