import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../scheduler.ts';
import type { DecoderConfigInput } from '../codec/decoder-config.ts';
import { RatingPadConfigError, type RatingPadError } from '../errors.ts';
import { FakeHidBus, FakeHidDevice } from '../simulator/fake-hid-device.ts';
import type { HidTarget, OpenHid } from '../transport/hid-device.ts';
import { loadNodeHid, openHidDevice } from '../transport/node-hid.ts';
import { HidPadDriver, type HidIgnoredEvent, type HidPadDriverOptions, type HidPadState, type HidRatingEvent } from './hid-pad-driver.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** Records what a driver emits. */
class Seen {
  readonly ratings: HidRatingEvent[] = [];
  readonly ignored: HidIgnoredEvent[] = [];
  readonly states: HidPadState[] = [];
  readonly errors: RatingPadError[] = [];
  constructor(driver: HidPadDriver) {
    driver.on('rating', (r) => this.ratings.push(r));
    driver.on('ignored', (i) => this.ignored.push(i));
    driver.on('status', (s) => this.states.push(s.state));
    driver.on('error', (e) => this.errors.push(e));
  }
  get levels(): number[] {
    return this.ratings.map((r) => r.level);
  }
  get codes(): string[] {
    return this.errors.map((e) => e.code);
  }
}

function rig(opts: { decoder?: DecoderConfigInput; target?: (pad: FakeHidDevice) => HidTarget; driver?: Partial<HidPadDriverOptions>; plugged?: boolean } = {}) {
  const clock = new ManualScheduler(1_000_000);
  const pad = new FakeHidDevice(opts.decoder ? { decoder: opts.decoder } : {});
  if (opts.plugged === false) pad.unplug();
  const bus = new FakeHidBus([pad]);
  const driver = new HidPadDriver({
    target: opts.target ? opts.target(pad) : { path: pad.path },
    decoder: pad.decoder,
    windowId: 3,
    scheduler: clock,
    openHid: bus.openHid,
    ...opts.driver,
  });
  const seen = new Seen(driver);
  stops.push(() => driver.stop());
  return { clock, pad, bus, driver, seen };
}

describe('HidPadDriver', () => {
  it('turns a keyboard-wedge press into one rating event, and the release into an ignored one', async () => {
    const { clock, pad, driver, seen } = rig();
    driver.start();
    await clock.until(() => driver.status?.state === 'ok');
    expect(driver.status?.detail).toBe('评价器已连接 hid:/dev/hidraw-fake0 / rating pad connected: hid:/dev/hidraw-fake0');
    await clock.advance(500);
    pad.pressLevel(5);
    expect(seen.ratings).toEqual([
      { level: 5, label: '非常满意', source: 'hid', raw: '00 00 1e 00 00 00 00 00', code: 0x1e, detail: 'Digit1 (0x1e) → 5', at: 1_000_500, device: 'hid:/dev/hidraw-fake0', windowId: 3 },
    ]);
    expect(seen.ignored).toEqual([{ reason: 'release', detail: 'all keys up', raw: '00 00 00 00 00 00 00 00', at: 1_000_500, device: 'hid:/dev/hidraw-fake0', windowId: 3 }]);
    pad.pressLevel(1);
    pad.holdKeys(['Digit3']);
    pad.holdKeys(['Digit3']);
    pad.holdKeys([]);
    expect(seen.levels).toEqual([5, 1, 3]);
    expect(driver.stats).toEqual({ reports: 7, ratings: 3, ignored: 4, reconnects: 0 });
    expect(seen.errors).toEqual([]);
  });

  it('a pad configured worst-first: key 1 is 1 非常不满意', async () => {
    const { clock, pad, driver, seen } = rig({ decoder: { kind: 'keyboard-wedge', preset: 'digits', order: 'worst-first' } });
    driver.start();
    await clock.until(() => driver.status?.state === 'ok');
    pad.holdKeys(['Digit1']);
    pad.holdKeys([]);
    pad.holdKeys(['Digit5']);
    pad.pressLevel(4); // the simulator presses the key the config gives level 4: Digit4
    expect(seen.ratings.map((r) => `${r.detail} ${r.label}`)).toEqual(['Digit1 (0x1e) → 1 非常不满意', 'Digit5 (0x22) → 5 非常满意', 'Digit4 (0x21) → 4 满意']);
  });

  it('reads a custom-report pad found by vendor and product ID', async () => {
    const { clock, pad, driver, seen } = rig({
      decoder: { kind: 'custom-report', reportId: 2, byteIndex: 3, values: { '0x01': 5, '0x02': 4, '0x04': 3, '0x08': 2, '0x10': 1 } },
      target: (p) => ({ vendorId: p.info.vendorId, productId: p.info.productId }),
    });
    driver.start();
    await clock.until(() => driver.status?.state === 'ok');
    for (const level of [4, 2, 3] as const) pad.pressLevel(level);
    pad.emitReport('01 00 00 01 00 00 00 00');
    expect(seen.levels).toEqual([4, 2, 3]);
    expect(seen.ratings[0]?.raw).toBe('02 00 00 02 00 00 00 00');
    expect(seen.ignored.map((i) => i.reason)).toEqual(['wrong-report-id']);
    expect(driver.description).toBe('hid:1209:0001');
  });

  it('waits for a pad that is not plugged in, retrying with backoff, with one status for the whole outage', async () => {
    const { clock, pad, driver, seen } = rig({ plugged: false });
    driver.start();
    await clock.until(() => driver.status !== null);
    expect(driver.status?.state).toBe('disconnected');
    expect(driver.status?.error?.code).toBe('HQ_ERR_RATINGPAD_NOT_FOUND');
    expect(driver.status?.detail).toContain('未找到该 USB 评价器');
    expect(driver.status?.detail).toContain('The USB rating pad was not found');
    expect(clock.pending).toEqual([1000]);
    await clock.advance(1000);
    expect(clock.pending).toEqual([2000]);
    await clock.advance(2000);
    expect(clock.pending).toEqual([4000]);
    pad.replug();
    await clock.advance(4000);
    expect(driver.status?.state).toBe('ok');
    expect(seen.states).toEqual(['disconnected', 'ok']);
    expect(seen.codes).toEqual(['HQ_ERR_RATINGPAD_NOT_FOUND', 'HQ_ERR_RATINGPAD_NOT_FOUND', 'HQ_ERR_RATINGPAD_NOT_FOUND']);
    expect(clock.pending).toEqual([]);
    pad.pressLevel(4);
    expect(seen.levels).toEqual([4]);
  });

  it('survives an unplug: disconnected, device closed, reopened after the backoff, first press after counts', async () => {
    const { clock, pad, driver, seen } = rig();
    driver.start();
    await clock.until(() => driver.status?.state === 'ok');
    pad.holdKeys(['Digit2']); // held when the cable goes
    pad.unplug();
    expect(driver.status?.state).toBe('disconnected');
    expect(driver.status?.error?.code).toBe('HQ_ERR_RATINGPAD_READ_FAILED');
    expect(driver.status?.detail).toMatch(/可能已拔出.* \/ Reading the USB rating pad failed \(unplugged\?\): hid:\/dev\/hidraw-fake0: could not read data from device/);
    expect(pad.isOpen).toBe(false);
    await clock.advance(1000); // not back yet: the reason changes (READ_FAILED → NOT_FOUND), so a new status
    expect(seen.states).toEqual(['ok', 'disconnected', 'disconnected']);
    expect(driver.status?.error?.code).toBe('HQ_ERR_RATINGPAD_NOT_FOUND');
    await clock.advance(2000); // same reason again: no new status
    expect(seen.states).toEqual(['ok', 'disconnected', 'disconnected']);
    pad.replug();
    await clock.until(() => driver.status?.state === 'ok', 10_000);
    expect(seen.states).toEqual(['ok', 'disconnected', 'disconnected', 'ok']);
    expect(pad.opens).toBe(2);
    pad.holdKeys(['Digit2']); // the same key as before the unplug is a new press
    expect(seen.levels).toEqual([4, 4]);
    expect(driver.stats.reconnects).toBe(1);
  });

  it('reports a pad it may not open (permissions) and opens it once allowed', async () => {
    const { clock, pad, driver, seen } = rig();
    pad.refuseOpen('Permission denied');
    driver.start();
    await clock.until(() => driver.status !== null);
    expect(driver.status?.error?.code).toBe('HQ_ERR_RATINGPAD_OPEN_FAILED');
    expect(driver.status?.error?.message).toContain('/dev/hidraw-fake0: Permission denied');
    pad.refuseOpen(null);
    await clock.until(() => driver.status?.state === 'ok', 10_000);
    expect(seen.states).toEqual(['disconnected', 'ok']);
  });

  it('goes unavailable, without retrying, when node-hid cannot be loaded; the message is bilingual', async () => {
    const missing = Object.assign(new Error("Cannot find package 'node-hid' imported from /srv/hallq/devices/ratingpad/transport/node-hid.ts"), { code: 'ERR_MODULE_NOT_FOUND' });
    const openHid: OpenHid = (target) =>
      openHidDevice(target, () =>
        loadNodeHid({
          importer: () => Promise.reject(missing),
        }),
      );
    const { clock, driver, seen } = rig({ driver: { openHid } });
    driver.start();
    await clock.until(() => driver.status !== null);
    expect(driver.status?.state).toBe('unavailable');
    expect(driver.status?.detail).toContain('未安装 node-hid');
    expect(driver.status?.detail).toContain('node-hid (an optional dependency) is not installed');
    expect(driver.status?.detail).toContain('npm install node-hid');
    expect(seen.codes).toEqual(['HQ_ERR_RATINGPAD_UNAVAILABLE']);
    expect(clock.pending).toEqual([]);
    await clock.advance(60_000);
    expect(seen.states).toEqual(['unavailable']);
  });

  it('wraps any other open failure, and keeps retrying', async () => {
    let calls = 0;
    const { clock, driver, seen } = rig({
      driver: {
        openHid: async () => {
          calls += 1;
          throw new Error('boom');
        },
        backoff: { initialMs: 100, maxMs: 400 },
      },
    });
    driver.start();
    await clock.advance(2000);
    expect(seen.codes[0]).toBe('HQ_ERR_RATINGPAD_OPEN_FAILED');
    expect(seen.errors[0]?.message).toBe('Could not open the USB rating pad (busy, or no permission on /dev/hidraw*): hid:/dev/hidraw-fake0: boom');
    // 0, 100, 300, 700, 1100, 1500, 1900 ms: capped at 400.
    expect(calls).toBe(7);
    expect(seen.states).toEqual(['disconnected']);
  });

  it('keeps reading when a listener throws, and reports it', async () => {
    const { clock, pad, driver, seen } = rig();
    driver.on('rating', () => {
      throw new Error('hub bug');
    });
    driver.start();
    await clock.until(() => driver.status?.state === 'ok');
    pad.pressLevel(3);
    pad.pressLevel(4);
    expect(seen.levels).toEqual([3, 4]);
    expect(seen.codes).toEqual(['HQ_ERR_RATINGPAD_LISTENER_FAILED', 'HQ_ERR_RATINGPAD_LISTENER_FAILED']);
  });

  it('does not crash when nobody listens for errors', async () => {
    const clock = new ManualScheduler();
    const pad = new FakeHidDevice();
    const driver = new HidPadDriver({ target: { path: pad.path }, decoder: pad.decoder, scheduler: clock, openHid: new FakeHidBus([pad]).openHid });
    stops.push(() => driver.stop());
    driver.start();
    await clock.until(() => driver.status?.state === 'ok');
    pad.unplug();
    await clock.advance(5000);
    expect(driver.status?.state).toBe('disconnected');
  });

  it('stop() closes the pad and cancels the retry; start() again opens it afresh', async () => {
    const { clock, pad, driver, seen } = rig();
    driver.start();
    await clock.until(() => driver.status?.state === 'ok');
    await driver.stop();
    expect(pad.isOpen).toBe(false);
    expect(driver.status).toBeNull();
    expect(pad.emitReport('00 00 22 00 00 00 00 00')).toBe(false);

    pad.unplug();
    driver.start();
    await clock.until(() => driver.status?.state === 'disconnected');
    expect(clock.pending).toEqual([1000]);
    await driver.stop();
    expect(clock.pending).toEqual([]);
    pad.replug();
    driver.start();
    await clock.until(() => driver.status?.state === 'ok');
    pad.pressLevel(5);
    expect(seen.levels).toEqual([5]);
  });

  it('closes a device that finishes opening after stop()', async () => {
    const clock = new ManualScheduler();
    const pad = new FakeHidDevice();
    const bus = new FakeHidBus([pad]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const driver = new HidPadDriver({ target: { path: pad.path }, decoder: pad.decoder, scheduler: clock, openHid: (t) => gate.then(() => bus.openHid(t)) });
    driver.start();
    await driver.stop();
    release();
    await clock.advance(10);
    expect(pad.opens).toBe(1);
    expect(pad.isOpen).toBe(false);
    expect(driver.status).toBeNull();
  });

  it('ignores reports and errors from a device it has let go (a close() that keeps its listeners, as node-hid HID does)', async () => {
    const clock = new ManualScheduler();
    const handles: EventEmitter[] = [];
    const openHid: OpenHid = async () => {
      const handle = Object.assign(new EventEmitter(), { close: () => {} });
      handles.push(handle);
      return handle;
    };
    const driver = new HidPadDriver({ target: { path: '/dev/hidraw9' }, decoder: { kind: 'keyboard-wedge' }, scheduler: clock, openHid });
    const seen = new Seen(driver);
    stops.push(() => driver.stop());
    driver.start();
    await clock.until(() => driver.status?.state === 'ok');
    const first = handles[0]!;
    first.emit('error', new Error('could not read data from device'));
    first.emit('error', new Error('again'));
    first.emit('data', Buffer.from('0000220000000000', 'hex'));
    await clock.until(() => handles.length === 2 && driver.status?.state === 'ok', 5000);
    first.emit('data', Buffer.from('0000220000000000', 'hex'));
    handles[1]!.emit('data', Buffer.from('0000210000000000', 'hex'));
    expect(seen.levels).toEqual([2]); // Digit4, best first
    expect(seen.codes).toEqual(['HQ_ERR_RATINGPAD_READ_FAILED']);
  });

  it('refuses a bad decoder config at construction, naming the field', () => {
    expect(() => new HidPadDriver({ target: { path: '/dev/hidraw0' }, decoder: { kind: 'custom-report', byteIndex: 1, values: { '0x01': 9 } } })).toThrow(RatingPadConfigError);
    expect(() => new HidPadDriver({ target: { path: '/dev/hidraw0' }, decoder: { kind: 'custom-report', byteIndex: 1, values: { '0x01': 9 } } })).toThrow(/decoder\.values\.0x01: must be a level 1\.\.5/);
  });
});

describe('HidPadDriver with the real node-hid loader', () => {
  it('never crashes: a pad that is not here is disconnected (node-hid loaded) or unavailable (not loadable)', async () => {
    const driver = new HidPadDriver({ target: { vendorId: 0xdead, productId: 0xbeef }, decoder: { kind: 'keyboard-wedge' } });
    stops.push(() => driver.stop());
    const status = new Promise<HidPadState>((resolve) => driver.once('status', (s) => resolve(s.state)));
    driver.start();
    const state = await status;
    expect(['disconnected', 'unavailable']).toContain(state);
    if (state === 'disconnected') expect(driver.status?.error?.code).toBe('HQ_ERR_RATINGPAD_NOT_FOUND');
    else expect(driver.status?.detail).toMatch(/node-hid/);
  });
});
