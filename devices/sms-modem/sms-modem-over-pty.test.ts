import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../test/support/require-tool.ts';
import { type PtyPair, startSocatPtyPair } from '../test-support/socat-pty-pair.ts';
import { SerialTransport } from '../serial-transport.ts';
import { seededRandom } from '../idcard/simulator/seeded-random.ts';
import type { SmsDelivery, SmsInbound } from './channel.ts';
import { SmsModem, type SmsModemOptions } from './driver/sms-modem.ts';
import { runSmsModemOnSerial, type SerialSmsModem } from './simulator/run-on-serial.ts';

// The same driver ↔ simulator pairing as driver/sms-modem.test.ts, over a real pty pair from socat
// and serialport's native binding on both ends (hardware.md §3.2).

const HAVE_SOCAT = hasTool('socat');

const FAST: SmsModemOptions = { commandTimeoutMs: 800, sendTimeoutMs: 2_000, backoff: { initialMs: 50, maxMs: 200 } };

async function waitFor(what: string, done: () => boolean, ms = 4000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!HAVE_SOCAT)('SmsModem ↔ SmsModemSimulator over a socat pty pair', () => {
  let dir: string;
  let pair: PtyPair;
  let sim: SerialSmsModem | null = null;
  let modem: SmsModem | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-sms-pty-'));
    pair = await startSocatPtyPair(dir);
  });

  afterEach(async () => {
    await modem?.close();
    await sim?.close();
    modem = null;
    sim = null;
  });

  afterAll(async () => {
    await pair?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function startModem() {
    modem = new SmsModem(new SerialTransport({ path: pair.a }), FAST);
    const inbound: SmsInbound[] = [];
    const deliveries: SmsDelivery[] = [];
    modem.onInbound(async (m) => {
      inbound.push(m);
    });
    modem.onDelivery((d) => deliveries.push(d));
    modem.start();
    return { modem, inbound, deliveries };
  }

  it('sends a long Chinese text in parts and gets their delivery reports, with the answers split at random', async () => {
    sim = await runSmsModemOnSerial(pair.b, { chunking: { maxChunk: 7, random: seededRandom(5) } });
    const { modem: m, deliveries } = startModem();
    await waitFor('ok', () => m.state().state === 'ok');
    const text = '请您于明天上午九点携带身份证到便民服务中心3号窗口办理。'.repeat(3);
    const { refs } = await m.send('+8613800138000', text);
    expect(refs).toEqual(['1', '2']);
    expect(sim.simulator.sent.map((s) => s.text).join('')).toBe(text);
    await waitFor('two reports', () => deliveries.length === 2);
    expect(deliveries.map((d) => d.messageRef)).toEqual([1, 2]);
  });

  it('receives a text left on the SIM and one announced by +CMTI, and empties the SIM', async () => {
    sim = await runSmsModemOnSerial(pair.b);
    sim.simulator.inject('+8613900139000', '预约取消');
    const { modem: m, inbound } = startModem();
    await waitFor('the stored one', () => inbound.length === 1);
    sim.simulator.inject('+8613900139001', '确认');
    await waitFor('the announced one', () => inbound.length === 2);
    expect(inbound.map((x) => x.text)).toEqual(['预约取消', '确认']);
    await waitFor('an empty SIM', () => sim!.simulator.stored.size === 0);
    expect(m.state().state).toBe('ok');
  });

  // Runs last: it replaces the pty pair.
  it('socat dying is a real disconnect; a new pty pair on the same paths is picked up again', async () => {
    sim = await runSmsModemOnSerial(pair.b);
    const { modem: m } = startModem();
    await waitFor('ok', () => m.state().state === 'ok');
    await pair.stop();
    await waitFor('down', () => m.state().state === 'down');
    await expect(m.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_MODEM_DOWN' });
    await sim.close();
    pair = await startSocatPtyPair(dir);
    sim = await runSmsModemOnSerial(pair.b);
    await waitFor('ok again', () => m.state().state === 'ok', 6000);
  });
});
