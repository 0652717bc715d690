import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../test/support/require-tool.ts';
import { type PtyPair, startSocatPtyPair } from '../test-support/socat-pty-pair.ts';
import { OnbonBxDriver } from './driver/onbon-bx-driver.ts';
import { SimpleBarDriver } from './driver/simple-bar-driver.ts';
import type { LedDriver } from './led-driver.ts';
import { OnbonBxSimulator } from './simulator/onbon-bx-simulator.ts';
import { type SerialLedSimulator, runLedSimulatorOnSerial } from './simulator/run-on-serial.ts';
import { SimpleBarSimulator } from './simulator/simple-bar-simulator.ts';
import { callText, PAUSED_TEXT } from './texts.ts';
import { serialLedTransport } from './transport/led-transports.ts';

// Driver ↔ simulator over a real pty pair from socat, serialport's native binding on both ends
// (hardware.md §3.2): SerialTransport at 9600 (simple-bar) and 57600 (Onbon RS-232).

const HAVE_SOCAT = hasTool('socat');

async function waitFor(what: string, done: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.skipIf(!HAVE_SOCAT)('LED drivers ↔ simulators over a socat pty pair', () => {
  let dir: string;
  let pair: PtyPair;
  let sim: SerialLedSimulator | null = null;
  let driver: LedDriver | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-led-pty-'));
    pair = await startSocatPtyPair(dir);
  });

  afterEach(async () => {
    await driver?.stop();
    await sim?.close();
    driver = null;
    sim = null;
  });

  afterAll(async () => {
    await pair?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('simple-bar: the call and pause texts reach the bars; a lost frame and a corrupted one are retried', async () => {
    const bars = new SimpleBarSimulator({ addresses: [3, 5], chunkSize: 1 });
    sim = await runLedSimulatorOnSerial(pair.b, bars, 9600);
    const d = new SimpleBarDriver(serialLedTransport(pair.a, 9600), { replyTimeoutMs: 250 });
    driver = d;
    d.start();
    await d.show(3, callText('A012', 3));
    await d.show(5, PAUSED_TEXT);
    expect(bars.snapshot()).toMatchObject({ 3: { text: 'A012 请到3号窗口' }, 5: { text: '暂停服务' } });

    bars.fault({ kind: 'no-reply', address: 3 });
    bars.fault({ kind: 'bad-checksum', address: 3 });
    await d.show(3, callText('A013', 3));
    expect(bars.textOf(3)).toBe('A013 请到3号窗口');
    // (A slow machine may time out once more: only the first three attempts are certain.)
    expect(bars.received.filter((r) => r.text === 'A013 请到3号窗口').map((r) => r.fault ?? 'ok').slice(0, 3)).toEqual(['no-reply', 'bad-checksum', 'ok']);
    await expect(d.show(9, 'nobody')).rejects.toMatchObject({ code: 'HQ_ERR_LED_NO_REPLY' });
  });

  it('Onbon BX over RS-232: text areas with escaping and GB2312 text', async () => {
    const wall = new OnbonBxSimulator({ chunkSize: 7 });
    sim = await runLedSimulatorOnSerial(pair.b, wall, 57600);
    const d = new OnbonBxDriver(serialLedTransport(pair.a, 57600), {
      areas: { 0: { x: 0, y: 0, width: 0xa5, height: 16 }, 1: { x: 0, y: 16, width: 192, height: 16, effect: 'scroll' } },
      replyTimeoutMs: 300,
    });
    driver = d;
    d.start();
    await d.show(0, 'Z[ 请到3号窗口', { color: 'red' });
    await d.show(1, 'A012 请到3号窗口  A011 请到5号窗口');
    await waitFor('both areas', () => wall.textOf(1) !== undefined);
    expect(wall.snapshot()).toMatchObject({ 0: { text: 'Z[ 请到3号窗口', color: 'red', effect: 'static' }, 1: { text: 'A012 请到3号窗口  A011 请到5号窗口', effect: 'scroll' } });
  });
});
