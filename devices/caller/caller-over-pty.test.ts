import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../test/support/require-tool.ts';
import { type PtyPair, startSocatPtyPair } from '../test-support/socat-pty-pair.ts';
import { SerialTransport } from '../serial-transport.ts';
import { CallerBus } from './driver/caller-bus.ts';
import { runKeypadsOnSerial, type SerialKeypads } from './simulator/run-on-serial.ts';
import { BusEvents } from './test-support/bus-events.ts';

// The same bus ↔ keypads pairing as driver/caller-bus.test.ts, over a real pty pair from socat and
// serialport's native binding on both ends (hardware.md §3.2), in real time.

const HAVE_SOCAT = hasTool('socat');

async function waitFor(what: string, done: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!HAVE_SOCAT)('CallerBus ↔ CallerKeypadSimulator over a socat pty pair', () => {
  let dir: string;
  let pair: PtyPair;
  let keypads: SerialKeypads | null = null;
  let bus: CallerBus | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-caller-pty-'));
    pair = await startSocatPtyPair(dir, ['ttyBus', 'ttyKeypads']);
  });

  afterEach(async () => {
    await bus?.stop();
    await keypads?.close();
    bus = null;
    keypads = null;
  });

  afterAll(async () => {
    await pair?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ bus: CallerBus; events: BusEvents; keypads: SerialKeypads }> {
    keypads = await runKeypadsOnSerial(pair.b, { addresses: [1, 2, 3], ackTimeoutMs: 150 });
    bus = new CallerBus(new SerialTransport({ path: pair.a, baudRate: 9600 }), { resendWindowMs: 600 });
    const events = new BusEvents(bus);
    bus.start();
    await waitFor('bus up', () => bus?.status?.state === 'up');
    return { bus, events, keypads };
  }

  it('a press is one key event even when the first ACK is lost', async () => {
    const { events, keypads } = await start();
    expect(await keypads.simulator.press(2, 'call')).toBe(true);
    keypads.simulator.dropAcks(1);
    expect(await keypads.simulator.press(3, 'transfer', 4)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(events.presses).toEqual(['2:call', '3:transfer 4']);
    expect(keypads.simulator.acks).toEqual({ heard: 2, dropped: 1 });
    expect(events.errors).toEqual([]);
  });

  it('LCD and beeps reach each keypad; a rating comes back', async () => {
    const { bus, events, keypads } = await start();
    expect(await bus.showLcd(1, { waiting: 3, current: 'A021' })).toBe(true);
    expect(await bus.showLcd(2, { waiting: 0, current: 'B002' })).toBe(true);
    expect(await bus.beep(2, { count: 2, gapMs: 50 })).toBe(true);
    await waitFor('LCD and beeps', () => keypads.simulator.lcd(2) !== undefined && keypads.simulator.beeps(2).length === 2);
    expect(keypads.simulator.lcd(1)).toEqual({ waiting: '003', current: '021' });
    expect(keypads.simulator.lcd(2)).toEqual({ waiting: '000', current: '002' });
    expect(keypads.simulator.beeps(1)).toEqual([]);
    expect(await keypads.simulator.rate(1, 4)).toBe(true);
    await waitFor('rating', () => events.ratings.length === 1);
    expect(events.ratings[0]).toMatchObject({ address: 1, level: 4, label: '满意' });
  });
});
