import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../test/support/require-tool.ts';
import { IdCardReader, type IdCardReaderOptions } from './driver/id-card-reader.ts';
import { runSimulatorOnSerial, type SerialSimulator } from './simulator/run-on-serial.ts';
import { seededRandom } from './simulator/seeded-random.ts';
import { exampleCard } from './simulator/sim-card.ts';
import { ReaderEvents } from './test-support/reader-events.ts';
import { type PtyPair, startSocatPtyPair } from '../test-support/socat-pty-pair.ts';
import { SerialTransport } from '../serial-transport.ts';

// The same driver ↔ simulator pairing as id-card-reader.test.ts, over a real pty pair from socat
// and serialport's native binding on both ends (hardware.md §3.2).

const HAVE_SOCAT = hasTool('socat');

const FAST: IdCardReaderOptions = { pollIntervalMs: 40, commandTimeoutMs: 400, readTimeoutMs: 800, cardRetryDelayMs: 20, backoff: { initialMs: 50, maxMs: 200 } };

async function waitFor(what: string, done: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!HAVE_SOCAT)('IdCardReader ↔ IdCardSimulator over a socat pty pair', () => {
  let dir: string;
  let pair: PtyPair;
  let sim: SerialSimulator | null = null;
  let reader: IdCardReader | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-idcard-pty-'));
    pair = await startSocatPtyPair(dir);
  });

  afterEach(async () => {
    await reader?.stop();
    await sim?.close();
    reader = null;
    sim = null;
  });

  afterAll(async () => {
    await pair?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function startReader(): ReaderEvents {
    reader = new IdCardReader(new SerialTransport({ path: pair.a }), FAST);
    const events = new ReaderEvents(reader, () => Date.now());
    reader.start();
    return events;
  }

  it('reads a placed card once, then reports its removal', async () => {
    sim = await runSimulatorOnSerial(pair.b, exampleCard({ validUntil: '长期' }));
    const events = startReader();
    await waitFor('a card', () => events.cards.length > 0);
    expect(events.cards[0]).toMatchObject({ name: '张三', idNumber: '11010519491231002X', validUntil: '长期', cardType: 'resident' });
    expect(events.cards[0]!.photoWlt).toHaveLength(1024);
    await sleep(300); // several more polls with the card still on
    expect(events.cards).toHaveLength(1);
    expect(sim.simulator.received.filter((c) => c === 'findCard').length).toBeGreaterThan(3);
    sim.simulator.remove();
    await waitFor('removed', () => events.removals === 1);
    expect(events.states).toEqual(['ok']);
    expect(events.errors).toEqual([]);
  });

  it('survives split replies, garbage and a read failure mid-card on the real link', async () => {
    sim = await runSimulatorOnSerial(pair.b, exampleCard(), {
      chunking: { maxChunk: 64, random: seededRandom(2) },
      garbage: { maxBytes: 32, random: seededRandom(3) },
    });
    sim.simulator.failNextRead();
    const events = startReader();
    await waitFor('a card', () => events.cards.length > 0);
    expect(events.errorCodes).toEqual(['HQ_ERR_IDCARD_READ_FAILED']);
    expect(events.cards).toHaveLength(1);
  });

  it('reports a SAM failure as no-sam, and recovers when the SAM does', async () => {
    sim = await runSimulatorOnSerial(pair.b, exampleCard(), { samHealthy: false });
    const events = startReader();
    await waitFor('no-sam', () => events.states.includes('no-sam'));
    expect(events.errors[0]).toMatchObject({ sw3: 0x60 });
    sim.simulator.samHealthy = true;
    await waitFor('a card', () => events.cards.length > 0);
    expect(events.states).toEqual(['no-sam', 'ok']);
  });

  // Runs last: it replaces the pty pair.
  it('socat dying is a real disconnect; a new pty pair on the same paths is picked up again', async () => {
    sim = await runSimulatorOnSerial(pair.b, exampleCard());
    const events = startReader();
    await waitFor('a card', () => events.cards.length > 0);
    await pair.stop();
    await waitFor('disconnected', () => events.states.includes('disconnected'));
    expect(events.removals).toBe(1);
    await sim.close();
    pair = await startSocatPtyPair(dir);
    sim = await runSimulatorOnSerial(pair.b, exampleCard());
    await waitFor('the card again', () => events.cards.length === 2, 5000);
    expect(events.states).toEqual(['ok', 'disconnected', 'ok']);
  });
});
