import { afterEach, describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../scheduler.ts';
import { MemoryTransport, TransportError, memoryPair } from '../../transport.ts';
import { seededRandom } from '../../idcard/simulator/seeded-random.ts';
import { keyToIntent } from '../commands/key-intent.ts';
import { encodeFrame, frame } from '../codec/encode-frame.ts';
import { CallerKeypadSimulator, type CallerKeypadSimulatorOptions } from '../simulator/caller-keypad-simulator.ts';
import { BusEvents } from '../test-support/bus-events.ts';
import { h } from '../test-support/hex.ts';
import { CallerBus, type CallerBusOptions } from './caller-bus.ts';
import type { CallerBusError } from './errors.ts';
import { PullableEnd } from '../../test-support/pullable-end.ts';

/** An RS-485 adapter that hears its own transmitter: every write also comes back as data. */
class EchoingEnd extends MemoryTransport {
  override async write(bytes: Buffer): Promise<void> {
    await super.write(bytes);
    setImmediate(() => this.emit('data', Buffer.from(bytes)));
  }
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function rig(opts: { sim?: CallerKeypadSimulatorOptions; bus?: CallerBusOptions; host?: 'echoing' | 'pullable' } = {}) {
  const clock = new ManualScheduler(1_000_000);
  let host: MemoryTransport;
  let device: MemoryTransport;
  if (opts.host) {
    host = opts.host === 'echoing' ? new EchoingEnd('echoing:a') : new PullableEnd(clock);
    device = new MemoryTransport('caller:b');
    host.peer = device;
    device.peer = host;
  } else {
    [host, device] = memoryPair('caller');
  }
  await device.open();
  const sim = new CallerKeypadSimulator(device, { scheduler: clock, ...opts.sim });
  const bus = new CallerBus(host, { scheduler: clock, ...opts.bus });
  const events = new BusEvents(bus);
  bus.start();
  stops.push(async () => {
    await bus.stop();
    sim.detach();
  });
  await clock.until(() => bus.status?.state === 'up');
  /** Awaits a promise while virtual time runs. */
  async function settle<T>(p: Promise<T>, maxMs = 10_000): Promise<T> {
    let done = false;
    const r = p.finally(() => {
      done = true;
    });
    await clock.until(() => done, maxMs);
    return r;
  }
  return { clock, host, device, sim, bus, events, settle };
}

const hexOf = (b: Buffer): string => b.toString('hex');
const CALL_3 = hexOf(encodeFrame(frame(3, 0x01, [0x0c])));

describe('CallerBus: keys and ACKs', () => {
  it('a press gives one key event, and the host echoes the frame as its ACK', async () => {
    const { sim, events, host, bus, settle } = await rig();
    expect(await settle(sim.press(3, 'call'))).toBe(true);
    expect(events.presses).toEqual(['3:call']);
    expect(events.keys[0]).toMatchObject({ address: 3, key: 'call', digits: '', code: 0x0c, at: 1_000_000, frame: '68 03 03 68 03 01 0c 10 16' });
    expect(host.written.map(hexOf)).toEqual([CALL_3]);
    expect(sim.acks).toEqual({ heard: 1, dropped: 0 });
    expect(bus.lastSeen(3)).toBe(1_000_000);
    expect(events.errors).toEqual([]);
  });

  it('the first ACK is lost: the keypad resends, the host ACKs again, and there is still one key event', async () => {
    const { sim, events, host, bus, clock, settle } = await rig();
    sim.dropAcks(1);
    expect(await settle(sim.press(3, 'call'))).toBe(true);
    expect(sim.sent).toHaveLength(2);
    expect(sim.acks).toEqual({ heard: 1, dropped: 1 });
    expect(host.written.map(hexOf)).toEqual([CALL_3, CALL_3]);
    expect(bus.stats.resends).toBe(1);
    await clock.advance(5000);
    expect(events.presses).toEqual(['3:call']);
  });

  it('three lost ACKs in a row are still one press', async () => {
    const { sim, events, bus, settle } = await rig();
    sim.dropAcks(3, 3);
    expect(await settle(sim.press(3, 'recall'))).toBe(true);
    expect(sim.sent).toHaveLength(4);
    expect(bus.stats.resends).toBe(3);
    expect(events.presses).toEqual(['3:recall']);
  });

  it('the same key again after the resend window is a new press; inside it, it is taken as a resend (no sequence number on the wire)', async () => {
    const { sim, events, clock, settle } = await rig({ bus: { resendWindowMs: 1000 } });
    await settle(sim.press(3, 'call'));
    await clock.advance(1500);
    await settle(sim.press(3, 'call'));
    expect(events.presses).toEqual(['3:call', '3:call']);
    await clock.advance(200);
    expect(await settle(sim.press(3, 'call'))).toBe(true); // ACKed, but
    expect(events.presses).toHaveLength(2); // swallowed: README "Limits"
  });

  it('a frame with a bad checksum is reported and not ACKed; the resend gets through once', async () => {
    const { sim, events, host, settle } = await rig();
    sim.inject({ kind: 'bad-checksum' });
    expect(await settle(sim.press(3, 'call'))).toBe(true);
    expect(events.errorCodes).toEqual(['HQ_ERR_CALLER_BAD_FRAME']);
    expect((events.errors[0] as CallerBusError).messageZh).toBe('呼叫器总线数据校验错误');
    expect(host.written).toHaveLength(1);
    expect(events.presses).toEqual(['3:call']);
  });

  it('survives garbage, split frames, missing wake bytes and random chunking on every frame', async () => {
    const { sim, events, clock, settle } = await rig({
      sim: { chunking: { maxChunk: 3, random: seededRandom(7) }, garbage: { maxBytes: 6, random: seededRandom(8) } },
    });
    sim.inject({ kind: 'garbage', bytes: h('68 05 05 68 FF 68') });
    sim.inject({ kind: 'split', at: [1, 2, 5, 8] });
    sim.inject({ kind: 'no-wake' });
    const keys = ['call', 'recall', 'pause', 'confirm', 'evaluate', 'oneMeterLine'] as const;
    for (let i = 0; i < 24; i++) {
      await settle(sim.press(1 + (i % 4), keys[i % keys.length]!));
      await clock.advance(100);
    }
    expect(events.keys).toHaveLength(24);
    expect(events.keys.map((k) => `${k.address}:${k.key}`)).toEqual(Array.from({ length: 24 }, (_, i) => `${1 + (i % 4)}:${keys[i % keys.length]}`));
  });

  it('a throwing key listener is reported, and the bus keeps going', async () => {
    const { sim, bus, events, settle } = await rig();
    let calls = 0;
    bus.on('key', () => {
      calls += 1;
      if (calls === 1) throw new Error('hub bug');
    });
    await settle(sim.press(3, 'call'));
    await settle(sim.press(3, 'recall'));
    expect(calls).toBe(2);
    expect(events.errorCodes).toEqual(['HQ_ERR_CALLER_LISTENER_FAILED']);
  });
});

describe('CallerBus: digits, combos and the transfer target', () => {
  it('digits inside the key frame (inline) come with the key', async () => {
    const { sim, events, settle } = await rig();
    await settle(sim.press(3, 'transfer', 12));
    await settle(sim.press(3, 'confirm', '6'));
    expect(events.presses).toEqual(['3:transfer 12', '3:confirm 6 noShow']);
    expect(keyToIntent(events.keys[1]!)?.intent).toBe('noShow');
  });

  it('digits sent as their own frames build an entry that the next key takes', async () => {
    const { sim, events, settle } = await rig({ sim: { digitMode: 'separate' } });
    await settle(sim.press(3, 'transfer', '12'));
    expect(events.presses).toEqual(['3:digit 1', '3:digit 12', '3:transfer 12']);
    await settle(sim.press(3, 'call'));
    expect(events.presses.at(-1)).toBe('3:call');
  });

  it('取消 clears the entry; the entry times out; each keypad has its own', async () => {
    const { sim, events, clock, settle } = await rig({ sim: { digitMode: 'separate' }, bus: { digitEntryTimeoutMs: 10_000 } });
    await settle(sim.press(3, 'digit', 4));
    await settle(sim.press(3, 'cancel'));
    await settle(sim.press(3, 'transfer'));
    await settle(sim.press(3, 'digit', 6));
    await settle(sim.press(4, 'confirm'));
    await clock.advance(11_000);
    await settle(sim.press(3, 'confirm'));
    expect(events.presses).toEqual(['3:digit 4', '3:cancel', '3:transfer', '3:digit 6', '4:confirm', '3:confirm']);
  });

  it('keeps the last maxDigits digits', async () => {
    const { sim, events, settle } = await rig({ sim: { digitMode: 'separate' }, bus: { maxDigits: 3 } });
    await settle(sim.press(3, 'transfer', '12345'));
    expect(events.presses.at(-1)).toBe('3:transfer 345');
  });
});

describe('CallerBus: commands to keypads', () => {
  it('showLcd reaches the keypad: waiting count left, current number right', async () => {
    const { bus, sim, settle } = await rig();
    expect(await settle(bus.showLcd(3, { waiting: 7, current: 'A012' }))).toBe(true);
    expect(sim.lcd(3)).toEqual({ waiting: '007', current: '012' });
    expect(bus.lcdOf(3)).toEqual({ waiting: 7, current: 'A012' });
    expect(() => bus.showLcd(3, { waiting: -2 })).toThrow(TypeError);
  });

  it('a newer LCD for the same address replaces one still queued', async () => {
    const { bus, sim, host, settle } = await rig();
    const results = await settle(Promise.all([bus.showLcd(3, { waiting: 1 }), bus.showLcd(3, { waiting: 2 }), bus.showLcd(3, { waiting: 3 }), bus.showLcd(4, { waiting: 9 })]));
    expect(results).toEqual([true, false, true, true]);
    expect(host.written).toHaveLength(3);
    expect(sim.lcd(3)?.waiting).toBe('003');
    expect(sim.lcd(4)?.waiting).toBe('009');
  });

  it('beep patterns repeat the one beep frame', async () => {
    const { bus, sim, settle } = await rig();
    expect(await settle(bus.beep(3, 'ready'))).toBe(true);
    const ready = sim.beeps(3);
    expect(ready).toHaveLength(2);
    expect(ready[1]! - ready[0]!).toBe(300);
    await settle(bus.beep(3, 'once'));
    await settle(bus.beep(3, { count: 3, gapMs: 100 }));
    expect(sim.beeps(3)).toHaveLength(6);
    expect(() => bus.beep(3, 'siren')).toThrow(/unknown beep pattern "siren"; known: once, ready, urgent/);
  });

  it('beepOnQueueFilled beeps "be ready" when the waiting count goes from 0 to more', async () => {
    const { bus, sim, clock, settle } = await rig({ bus: { beepOnQueueFilled: 'ready' } });
    await settle(bus.showLcd(3, { waiting: 2 })); // first content: nothing to compare with
    await settle(bus.showLcd(3, { waiting: 0 }));
    await settle(bus.showLcd(3, { waiting: 1 }));
    await settle(bus.showLcd(3, { waiting: 2 }));
    await clock.advance(1000);
    expect(sim.beeps(3)).toHaveLength(2); // one 'ready' pattern
  });

  it('requestRating and showStars reach the evaluator', async () => {
    const { bus, sim, settle } = await rig();
    await settle(bus.requestRating(3));
    await settle(bus.showStars(3, 4));
    expect(sim.ratingRequests(3)).toBe(1);
    expect(sim.stars(3)).toBe(4);
  });

  it('several keypads on one bus: keys from each, LCD and beeps to each', async () => {
    const { bus, sim, events, settle } = await rig({ sim: { addresses: [1, 2, 3] } });
    await settle(Promise.all([sim.press(1, 'call'), sim.press(2, 'recall'), sim.press(3, 'transfer', 5), sim.press(1, 'pause')]));
    expect(events.presses.sort()).toEqual(['1:call', '1:pause', '2:recall', '3:transfer 5']);
    await settle(Promise.all([bus.showLcd(1, { waiting: 4, current: 'A001' }), bus.showLcd(2, { waiting: 0, current: 'B017' }), bus.beep(2, 'once'), bus.showLcd(9, { waiting: 1 })]));
    expect(sim.lcd(1)).toEqual({ waiting: '004', current: '001' });
    expect(sim.lcd(2)).toEqual({ waiting: '000', current: '017' });
    expect(sim.lcd(3)).toBeUndefined();
    expect(sim.lcd(9)).toBeUndefined(); // not a simulated address
    expect(sim.beeps(1)).toEqual([]);
    expect(sim.beeps(2)).toHaveLength(1);
  });
});

describe('CallerBus: evaluators and unknown frames', () => {
  it('an evaluator press is a rating, ACKed with FUNC 0x01 (hardware.md golden)', async () => {
    const { sim, events, host, settle } = await rig();
    expect(await settle(sim.rate(1, 5))).toBe(true);
    expect(events.ratings).toMatchObject([{ address: 1, level: 5, label: '非常满意', index: 0, frame: '68 03 03 68 01 11 00 12 16' }]);
    expect(host.written.map(hexOf)).toEqual([hexOf(h('FF 68 03 03 68 01 01 00 02 16'))]);
    sim.dropAcks(1);
    await settle(sim.rate(2, 1));
    expect(events.ratings.map((r) => r.level)).toEqual([5, 1]);
  });

  it('reads score indexes best first by default: index 0 … 4 = 5 非常满意 … 1 非常不满意', async () => {
    const { sim, events, settle } = await rig();
    for (const index of [0, 1, 2, 3, 4]) await settle(sim.rateIndex(4, index));
    expect(events.ratings.map((r) => `${r.index}:${r.level} ${r.label}`)).toEqual(['0:5 非常满意', '1:4 满意', '2:3 基本满意', '3:2 不满意', '4:1 非常不满意']);
  });

  it('an evaluator set worst-first has its indexes mirrored; the others keep the default', async () => {
    const { sim, events, settle } = await rig({ bus: { ratingOrders: { 4: 'worst-first' } } });
    await settle(sim.rateIndex(4, 0));
    await settle(sim.rateIndex(4, 3));
    await settle(sim.rateIndex(5, 0));
    expect(events.ratings.map((r) => `${r.address}/${r.index}:${r.level} ${r.label}`)).toEqual(['4/0:1 非常不满意', '4/3:4 满意', '5/0:5 非常满意']);
  });

  it('the simulator presses the mirrored key of a worst-first evaluator, so levels round-trip', async () => {
    const orders = { 2: 'worst-first' } as const;
    const { sim, events, settle } = await rig({ bus: { ratingOrders: orders }, sim: { ratingOrders: orders } });
    await settle(sim.rate(2, 5));
    await settle(sim.rate(2, 2));
    expect(events.ratings.map((r) => [r.index, r.level])).toEqual([
      [4, 5],
      [1, 2],
    ]);
  });

  it('refuses a bad ratingOrders entry, naming it', () => {
    const [host] = memoryPair();
    expect(() => new CallerBus(host, { ratingOrders: { 3: 'upside-down' as never } })).toThrow('"ratingOrders.3" must be best-first or worst-first, got "upside-down"');
    expect(() => new CallerBus(host, { ratingOrders: { ['x' as unknown as number]: 'worst-first' } })).toThrow('"ratingOrders" has key x, which is not a bus address');
  });

  it('frames the table does not know are reported for learn mode and still ACKed', async () => {
    const { sim, events, settle } = await rig();
    expect(await settle(sim.sendFrame(frame(6, 0x01, [0x40])))).toBe(true);
    expect(await settle(sim.rateIndex(6, 9))).toBe(true);
    expect(await settle(sim.sendFrame(frame(6, 0x2a, [1, 2])))).toBe(true);
    expect(events.unknown.map((u) => u.why)).toEqual([
      'key code 0x40 is not in keyCodes',
      'score index 9 is not in ratingLevels',
      'FUNC 0x2a is neither keyFunc nor ratingFunc',
    ]);
    expect(events.unknown[2]).toMatchObject({ address: 6, func: 0x2a, data: h('01 02'), frame: '68 04 04 68 06 2a 01 02 33 16' });
  });

  it('another master’s LCD command is reported but neither ACKed nor taken as a keypad', async () => {
    const { sim, bus, events, host, clock } = await rig();
    sim.sendRaw(encodeFrame(frame(6, 0x02, [0, 0, 1, 0, 0, 2])));
    await clock.advance(50);
    expect(events.unknown).toHaveLength(1);
    expect(host.written).toEqual([]);
    expect(bus.lastSeen(6)).toBeUndefined();
  });

  it('an installer’s table: keyFunc 0x10 and other codes, on both ends', async () => {
    const protocol = { keyFunc: 0x10, keyCodes: { 0x21: 'call', 0x22: 'transfer' } as const };
    const { sim, events, host, settle } = await rig({ bus: { protocol }, sim: { protocol } });
    await settle(sim.press(3, 'transfer', 8));
    expect(events.presses).toEqual(['3:transfer 8']);
    expect(host.written.map(hexOf)).toEqual([hexOf(encodeFrame(frame(3, 0x10, [8, 0x22])))]);
  });
});

describe('CallerBus: RS-485 adapters that hear their own transmitter', () => {
  it('its own ACK echo is not a second press, and is not ACKed again', async () => {
    const { sim, bus, events, host, clock, settle } = await rig({ host: 'echoing' });
    await settle(sim.press(3, 'call'));
    await settle(bus.showLcd(3, { waiting: 1 }));
    await clock.advance(2000);
    expect(events.presses).toEqual(['3:call']);
    expect(events.unknown).toEqual([]);
    expect(host.written).toHaveLength(2);
    expect(bus.stats.ownEchoes).toBe(2);
  });

  it('with ownEchoWindowMs 0 the echo is taken as a resend, at the cost of one extra ACK per echo', async () => {
    const { sim, bus, events, clock, settle } = await rig({ host: 'echoing', bus: { ownEchoWindowMs: 0, resendWindowMs: 1000 } });
    await settle(sim.press(3, 'call'));
    await clock.advance(20);
    expect(events.presses).toEqual(['3:call']);
    expect(bus.stats.resends).toBeGreaterThan(0);
    await bus.stop(); // otherwise the echo of each ACK is ACKed again, for ever
  });
});

describe('CallerBus: the link', () => {
  it('status goes down when the cable is pulled, the bus reopens with backoff and shows the LCDs again', async () => {
    const { bus, sim, host, events, clock, settle } = await rig({ host: 'pullable', bus: { backoff: { initialMs: 100, maxMs: 400 } } });
    const end = host as PullableEnd;
    await settle(bus.showLcd(3, { waiting: 5, current: 'A009' }));
    end.pull();
    expect(events.states).toEqual(['up', 'down']);
    expect(await bus.showLcd(3, { waiting: 6, current: 'A010' })).toBe(false);
    expect(await bus.beep(3, 'once')).toBe(false);
    await clock.advance(1000);
    expect(end.opens.map((t) => t - end.opens[0]!)).toEqual([0, 100, 300, 700]); // 100, 200, 400…
    end.plugged = true;
    await clock.until(() => bus.status?.state === 'up');
    expect(events.states).toEqual(['up', 'down', 'up']);
    await clock.advance(50);
    expect(sim.lcd(3)).toEqual({ waiting: '006', current: '010' }); // the latest content, restored
    expect(events.errorCodes.slice(0, 2)).toEqual(['TransportError:disconnected', 'HQ_ERR_CALLER_PORT_OPEN_FAILED']);
  });

  it('a port that cannot be opened at start is down, then up when it appears', async () => {
    const clock = new ManualScheduler();
    const host = new PullableEnd(clock);
    host.plugged = false;
    const bus = new CallerBus(host, { scheduler: clock });
    stops.push(() => bus.stop());
    const events = new BusEvents(bus);
    bus.start();
    await clock.advance(10);
    expect(bus.status).toMatchObject({ state: 'down' });
    host.plugged = true;
    await clock.until(() => bus.status?.state === 'up');
    expect(events.states).toEqual(['down', 'up']);
  });

  it('lcdRefreshMs sends every LCD again, so a keypad that rebooted shows it', async () => {
    const { bus, host, clock, settle } = await rig({ bus: { lcdRefreshMs: 30_000 } });
    await settle(bus.showLcd(3, { waiting: 2 }));
    await clock.advance(61_000);
    expect(host.written).toHaveLength(3);
  });

  it('stop() drops what is queued, cancels every timer, closes the transport; start() works again', async () => {
    const { bus, sim, host, clock, events, settle } = await rig();
    const beeping = bus.beep(3, 'urgent');
    await clock.advance(1);
    await bus.stop();
    expect(await beeping).toBe(false);
    expect(clock.pending).toEqual([]);
    expect(host.isOpen).toBe(false);
    expect(bus.status).toBeNull();
    bus.start();
    await clock.until(() => bus.status?.state === 'up');
    await settle(sim.press(3, 'call'));
    expect(events.presses).toEqual(['3:call']);
  });
});
