import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryTransport, TransportError, memoryPair } from '../../transport.ts';
import { withCheckDigit } from '../card/id-number.ts';
import { IdCardDataError, IdCardDriverError, IdCardStatusError } from '../status/errors.ts';
import { SW3 } from '../status/sw3.ts';
import { IdCardSimulator, type IdCardSimulatorOptions } from '../simulator/id-card-simulator.ts';
import { dummyPhoto, exampleCard } from '../simulator/sim-card.ts';
import { seededRandom } from '../simulator/seeded-random.ts';
import { ReaderEvents } from '../test-support/reader-events.ts';
import { IdCardReader, type IdCardReaderOptions } from './id-card-reader.ts';
import { ManualScheduler } from '../../scheduler.ts';
import { PullableEnd } from '../../test-support/pullable-end.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  vi.useRealTimers();
});

async function rig(opts: { sim?: IdCardSimulatorOptions; reader?: IdCardReaderOptions; pullable?: boolean } = {}) {
  const clock = new ManualScheduler(1_000_000);
  let host: MemoryTransport;
  let device: MemoryTransport;
  if (opts.pullable) {
    host = new PullableEnd(clock);
    device = new MemoryTransport('pullable:b');
    host.peer = device;
    device.peer = host;
  } else {
    [host, device] = memoryPair('idcard');
  }
  await device.open();
  const sim = new IdCardSimulator(device, opts.sim);
  const reader = new IdCardReader(host, { scheduler: clock, ...opts.reader });
  const events = new ReaderEvents(reader, () => clock.now());
  reader.start();
  stops.push(() => reader.stop());
  return { clock, host, device, sim, reader, events };
}

const count = (list: string[], name: string): number => list.filter((x) => x === name).length;

describe('IdCardReader ↔ IdCardSimulator over memoryPair', () => {
  it('a placed card gives exactly one card event with the right fields, however long it stays', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard() } });
    await clock.advance(10_000);
    expect(events.cards).toHaveLength(1);
    expect(events.cards[0]).toEqual({
      cardType: 'resident',
      name: '张三',
      gender: '1',
      nation: '01',
      birth: '19491231',
      address: '北京市西城区某某街道1号',
      idNumber: '11010519491231002X',
      authority: '北京市公安局西城分局',
      validFrom: '20200101',
      validUntil: '20400101',
      layoutVerified: true,
      photoWlt: dummyPhoto(),
      readAt: 1_000_000,
    });
    expect(events.names).toEqual(['status', 'card']);
    expect(events.states).toEqual(['ok']);
    expect(sim.received.slice(0, 4)).toEqual(['samStatus', 'findCard', 'selectCard', 'readBase']);
    expect(count(sim.received, 'readBase')).toBe(1);
    // Find keeps polling every 500 ms while the card stays on.
    expect(count(sim.received, 'findCard')).toBe(21);
  });

  it('removal gives one removed event; placing again gives a new card event', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard() } });
    await clock.advance(1000);
    sim.remove();
    await clock.advance(2000);
    expect(events.names).toEqual(['status', 'card', 'removed']);
    sim.place(exampleCard({ name: '李四', idNumber: withCheckDigit('33010219900101123') }));
    await clock.advance(1000);
    expect(events.names).toEqual(['status', 'card', 'removed', 'card']);
    expect(events.cards[1]).toMatchObject({ name: '李四', idNumber: withCheckDigit('33010219900101123') });
  });

  it('no card: only find polls, no events but the first status', async () => {
    const { clock, sim, events } = await rig();
    await clock.advance(5000);
    expect(events.names).toEqual(['status']);
    expect(sim.received[0]).toBe('samStatus');
    expect(new Set(sim.received.slice(1))).toEqual(new Set(['findCard']));
  });

  it("a '长期' card, an 'I' card and a 'J' card come through with their type", async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard({ validUntil: '长期' }) } });
    await clock.advance(1000);
    sim.remove();
    await clock.advance(1000);
    sim.place(exampleCard({ cardType: 'J', idNumber: withCheckDigit('81000019900101123'), permit: { passNumber: 'H12345678', issueCount: '01' } }));
    await clock.advance(1000);
    sim.remove();
    await clock.advance(1000);
    sim.place(exampleCard({ cardType: 'I', nation: '', address: '', authority: '1500', idNumber: 'USA110019800101', foreign: { nameEn: 'SMITH, JOHN', nationality: 'USA', cardVersion: '01' } }));
    await clock.advance(1000);
    expect(events.cards.map((c) => [c.cardType, c.validUntil, c.layoutVerified])).toEqual([
      ['resident', '长期', true],
      ['J', '20400101', false],
      ['I', '20400101', false],
    ]);
    expect(events.cards[2]).toMatchObject({ idNumber: 'USA110019800101', foreign: { nameEn: 'SMITH, JOHN' } });
    expect(events.errors).toEqual([]);
  });
});

describe('IdCardReader survives the simulator’s faults', () => {
  it('read failure mid-card (SW3 0x41 once): retried, one typed error, then exactly one card', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard() } });
    sim.failNextRead();
    await clock.advance(3000);
    expect(events.errors).toHaveLength(1);
    expect(events.errors[0]).toBeInstanceOf(IdCardStatusError);
    expect(events.errors[0]).toMatchObject({ sw3: 0x41, code: 'HQ_ERR_IDCARD_READ_FAILED', retryable: true, scope: 'card' });
    expect(events.cards).toHaveLength(1);
    expect(events.states).toEqual(['ok']);
    expect(count(sim.received, 'readBase')).toBe(2);
  });

  it('read failing every time: gives up after maxReadAttempts, then reads the card once it is placed again', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard() }, reader: { maxReadAttempts: 3 } });
    for (let i = 0; i < 4; i++) sim.failNextRead();
    await clock.advance(5000);
    expect(events.errorCodes).toEqual(['HQ_ERR_IDCARD_READ_FAILED', 'HQ_ERR_IDCARD_READ_FAILED', 'HQ_ERR_IDCARD_READ_FAILED', 'HQ_ERR_IDCARD_READ_ABANDONED']);
    expect(events.cards).toHaveLength(0);
    expect(count(sim.received, 'readBase')).toBe(3);
    sim.remove();
    await clock.advance(1000);
    sim.place(exampleCard());
    await clock.advance(1000);
    // One injected 0x41 was left over: the new placement fails once, then reads.
    expect(events.names.slice(-3)).toEqual(['removed', 'error', 'card']);
    expect(events.cards).toHaveLength(1);
  });

  it('bad checksum on a reply: a transfer error (SDK code 3), then the card; status stays ok', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard() } });
    sim.inject({ kind: 'bad-checksum', on: 'readBase' });
    await clock.advance(3000);
    expect(events.errors).toHaveLength(1);
    expect(events.errors[0]).toBeInstanceOf(IdCardDriverError);
    expect(events.errors[0]).toMatchObject({ code: 'HQ_ERR_IDCARD_TRANSFER', sdkCode: 3 });
    expect(events.cards).toHaveLength(1);
    expect(events.states).toEqual(['ok']);
  });

  it('replies split into random chunks (seeded): the same single card, no errors', async () => {
    const { clock, events } = await rig({ sim: { card: exampleCard(), chunking: { maxChunk: 17, random: seededRandom(11) } } });
    await clock.advance(3000);
    expect(events.errors).toEqual([]);
    expect(events.cards.map((c) => c.idNumber)).toEqual(['11010519491231002X']);
  });

  it('garbage bytes before every reply: the same single card, no errors', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard(), garbage: { maxBytes: 64, random: seededRandom(5) } } });
    sim.inject({ kind: 'garbage', bytes: Buffer.from('aaaaaa9669000400', 'hex'), on: 'selectCard' }); // a false preamble too
    await clock.advance(3000);
    expect(events.errors).toEqual([]);
    expect(events.cards).toHaveLength(1);
  });

  it('no reply: a timeout (SDK code 2) after commandTimeoutMs, then recovery', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard() }, reader: { commandTimeoutMs: 800 } });
    sim.inject({ kind: 'no-reply', on: 'selectCard' });
    await clock.advance(5000);
    expect(events.errors).toHaveLength(1);
    expect(events.errors[0]).toMatchObject({ code: 'HQ_ERR_IDCARD_TIMEOUT', sdkCode: 2 });
    const timeoutAt = events.log.find((e) => e.event === 'error')!.at;
    expect(timeoutAt - 1_000_000).toBe(800);
    expect(events.cards).toHaveLength(1);
    expect(events.states).toEqual(['ok']);
  });

  it('a card that never finishes reading (timeouts): abandoned after maxReadAttempts, polling goes on', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard() }, reader: { readTimeoutMs: 1000 } });
    for (let i = 0; i < 3; i++) sim.inject({ kind: 'no-reply', on: 'readBase' });
    await clock.advance(6000);
    expect(events.errorCodes).toEqual(['HQ_ERR_IDCARD_TIMEOUT', 'HQ_ERR_IDCARD_TIMEOUT', 'HQ_ERR_IDCARD_TIMEOUT', 'HQ_ERR_IDCARD_READ_ABANDONED']);
    expect(events.cards).toEqual([]);
    expect(events.states).toEqual(['ok']);
    const finds = count(sim.received, 'findCard');
    await clock.advance(2000);
    expect(count(sim.received, 'findCard')).toBe(finds + 4);
    expect(count(sim.received, 'readBase')).toBe(3);
  });

  it('a card whose ID number fails its check: one data error, no card, no re-reads while it stays', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard({ idNumber: '110105194912310021' }) } });
    await clock.advance(5000);
    expect(events.cards).toEqual([]);
    expect(events.errors).toHaveLength(1);
    expect(events.errors[0]).toBeInstanceOf(IdCardDataError);
    expect(events.errors[0]).toMatchObject({ code: 'HQ_ERR_IDCARD_ID_NUMBER_INVALID', retryable: false });
    expect(events.errors[0]!.message).not.toContain('110105194912310021');
    expect(count(sim.received, 'readBase')).toBe(1);
    sim.remove();
    await clock.advance(1000);
    expect(events.removals).toBe(1);
  });

  it('SAM self-test failure at start: status no-sam, SW3 0x60 error, backoff; healed SAM → ok and the card', async () => {
    const { clock, sim, device, events } = await rig({ sim: { card: exampleCard(), samHealthy: false }, reader: { backoff: { initialMs: 250, maxMs: 2000 } } });
    const samChecks: number[] = [];
    device.on('data', () => samChecks.push(clock.now() - 1_000_000));
    await clock.advance(6000);
    expect(events.states).toEqual(['no-sam']);
    expect(events.errors[0]).toMatchObject({ sw3: 0x60, code: 'HQ_ERR_IDCARD_SAM_SELF_TEST_FAILED', scope: 'sam', retryable: false });
    expect(events.cards).toEqual([]);
    expect(samChecks).toEqual([0, 250, 750, 1750, 3750, 5750]);
    sim.samHealthy = true;
    await clock.advance(2000);
    expect(events.states).toEqual(['no-sam', 'ok']);
    expect(events.cards).toHaveLength(1);
  });

  it('SAM failing mid-session (0x60 on find): no-sam, then back to ok', async () => {
    const { clock, sim, events } = await rig();
    await clock.advance(1000);
    sim.inject({ kind: 'status', sw3: 0x60, on: 'findCard' });
    await clock.advance(2000);
    expect(events.states).toEqual(['ok', 'no-sam', 'ok']);
    expect(events.errorCodes).toEqual(['HQ_ERR_IDCARD_SAM_SELF_TEST_FAILED']);
  });

  it('a reader that stops answering: timeouts, status error, backoff; answers again → ok', async () => {
    const { clock, sim, device, events } = await rig({ sim: { card: exampleCard() }, reader: { commandTimeoutMs: 500, backoff: { initialMs: 250, maxMs: 1000 } } });
    await clock.advance(1000);
    sim.detach();
    sim.remove();
    await clock.advance(10_000);
    expect(events.states).toEqual(['ok', 'error']);
    expect(new Set(events.errorCodes)).toEqual(new Set(['HQ_ERR_IDCARD_TIMEOUT']));
    const again = new IdCardSimulator(device);
    await clock.advance(2000);
    expect(events.states).toEqual(['ok', 'error', 'ok']);
    expect(again.received).toContain('findCard');
    expect(events.removals).toBe(1);
  });
});

describe('IdCardReader: a card left on the reader', () => {
  const NO_CARD_REPLY = 'aaaaaa9669000400008084'; // hardware.md §1.4 "find failed"

  it('one spurious 0x80 between finds of the same card: exactly one card event, no removed', async () => {
    const { clock, sim, device, events } = await rig({ sim: { card: exampleCard() } });
    await clock.advance(1000);
    expect(events.cards).toHaveLength(1);
    sim.inject({ kind: 'status', sw3: SW3.NO_CARD, on: 'findCard' });
    await clock.advance(5000);
    // The simulator did put a "no card" reply on the wire, once.
    expect(device.written.filter((b) => b.toString('hex') === NO_CARD_REPLY)).toHaveLength(1);
    expect(events.names).toEqual(['status', 'card']);
    expect(count(sim.received, 'readBase')).toBe(1);
  });

  it('a spurious 0x80 every other find: still one card event while the card stays', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard() } });
    await clock.advance(1000);
    for (let i = 0; i < 10; i++) {
      sim.inject({ kind: 'status', sw3: SW3.NO_CARD, on: 'findCard' });
      await clock.advance(600);
    }
    expect(events.names).toEqual(['status', 'card']);
    expect(count(sim.received, 'readBase')).toBe(1);
  });

  it('two 0x80 in a row mean the card is gone: removed once, soon after the first', async () => {
    const { clock, sim, events } = await rig({ sim: { card: exampleCard() } });
    await clock.advance(1000);
    sim.remove();
    const removedAt = clock.now();
    await clock.until(() => events.removals === 1);
    // One poll interval to the first 0x80, then one quick re-check.
    expect(clock.now() - removedAt).toBeLessThanOrEqual(500 + 100 + 10);
    await clock.advance(3000);
    expect(events.names).toEqual(['status', 'card', 'removed']);
  });
});

describe('IdCardReader: unplug, backoff, recovery', () => {
  it('unplugged: disconnected + removed, reopen with capped exponential backoff, then ok and the card again', async () => {
    const { clock, host, sim, events } = await rig({ pullable: true, sim: { card: exampleCard() }, reader: { backoff: { initialMs: 250, maxMs: 2000 } } });
    const end = host as PullableEnd;
    await clock.advance(1000);
    expect(events.names).toEqual(['status', 'card']);
    const t0 = clock.now();
    end.pull();
    await clock.advance(8000);
    expect(events.states).toEqual(['ok', 'disconnected']);
    expect(events.names.slice(2, 5)).toEqual(['removed', 'status', 'error']);
    expect(events.errors[0]).toBeInstanceOf(TransportError);
    expect(events.errors[0]).toMatchObject({ disconnected: true });
    expect(events.errorCodes.slice(1).every((c) => c === 'HQ_ERR_IDCARD_PORT_OPEN_FAILED')).toBe(true);
    expect(events.errors[1]).toMatchObject({ sdkCode: 1 });
    // Reopen attempts after 250, 500, 1000, 2000, 2000, … ms.
    expect(end.opens.slice(1).map((t) => t - t0)).toEqual([250, 750, 1750, 3750, 5750, 7750]);
    end.plugged = true;
    sim.place(exampleCard());
    await clock.advance(2500);
    expect(events.states).toEqual(['ok', 'disconnected', 'ok']);
    expect(events.cards).toHaveLength(2);
  });

  it('the link closing mid-command fails that command and is reported once', async () => {
    const { clock, host, sim, events } = await rig({ pullable: true, sim: { card: exampleCard() } });
    await clock.advance(1000);
    sim.inject({ kind: 'no-reply', on: 'findCard' });
    await clock.advance(600); // a find is in flight now
    (host as PullableEnd).unplug();
    await clock.advance(100);
    expect(events.errors.filter((e) => e instanceof TransportError)).toHaveLength(1);
    expect(events.states).toEqual(['ok', 'disconnected']);
    await clock.advance(1000);
    expect(events.states).toEqual(['ok', 'disconnected', 'ok']);
  });
});

describe('IdCardReader: lifecycle', () => {
  it('stop() then start() again: polls again and announces its status afresh', async () => {
    const { clock, reader, events } = await rig({ sim: { card: exampleCard() } });
    await clock.advance(1000);
    await reader.stop();
    reader.start();
    await clock.advance(1000);
    expect(events.names).toEqual(['status', 'card', 'status', 'card']);
  });

  it('stop() ends polling, closes the transport and leaves no timers', async () => {
    const { clock, host, reader, events, sim } = await rig({ sim: { card: exampleCard() } });
    await clock.advance(1000);
    await reader.stop();
    expect(host.isOpen).toBe(false);
    expect(clock.pending).toEqual([]);
    const seen = sim.received.length;
    const logged = events.log.length;
    await clock.advance(5000);
    expect(sim.received.length).toBe(seen);
    expect(events.log.length).toBe(logged);
  });

  it('stop() during a command in flight resolves promptly', async () => {
    const { clock, reader, sim } = await rig({ sim: { card: exampleCard() } });
    await clock.advance(1000);
    sim.inject({ kind: 'no-reply' });
    await clock.advance(500);
    await reader.stop();
    expect(clock.pending).toEqual([]);
  });

  it('stop() while the transport is still opening: no command is sent afterwards', async () => {
    const [host, device] = memoryPair('slow-open');
    await device.open();
    const sim = new IdCardSimulator(device);
    let finishOpen!: () => void;
    const realOpen = host.open.bind(host);
    host.open = () => new Promise<void>((resolve) => (finishOpen = () => void realOpen().then(resolve)));
    const clock = new ManualScheduler();
    const reader = new IdCardReader(host, { scheduler: clock });
    reader.start();
    await clock.advance(10);
    const stopped = reader.stop();
    finishOpen();
    await stopped;
    await clock.advance(5000);
    expect(sim.received).toEqual([]);
    expect(clock.pending).toEqual([]);
  });

  it('a card listener that throws is reported as an error and polling goes on', async () => {
    const { clock, sim, reader, events } = await rig({ sim: { card: exampleCard() } });
    reader.once('card', () => {
      throw new Error('hub bug');
    });
    await clock.advance(1000);
    sim.remove();
    await clock.advance(1000);
    expect(events.names).toEqual(['status', 'card', 'error', 'removed']);
  });

  it('an error with no listener does not crash the process', async () => {
    const [host, device] = memoryPair('lonely');
    await device.open();
    new IdCardSimulator(device, { samHealthy: false });
    const clock = new ManualScheduler();
    const reader = new IdCardReader(host, { scheduler: clock });
    reader.start();
    await clock.advance(2000);
    expect(reader.status?.state).toBe('no-sam');
    await reader.stop();
  });

  it('also runs on the real scheduler under vitest fake timers', async () => {
    vi.useFakeTimers();
    const [host, device] = memoryPair('fake-timers');
    await device.open();
    new IdCardSimulator(device, { card: exampleCard() });
    const reader = new IdCardReader(host);
    const cards: string[] = [];
    reader.on('card', (c) => cards.push(c.name));
    reader.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(cards).toEqual(['张三']);
    const stopping = reader.stop();
    await vi.advanceTimersByTimeAsync(10);
    await stopping;
  });
});
