import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../scheduler.ts';
import { memoryPair } from '../../transport.ts';
import { SimpleBarDecoder } from '../codec/simple-bar-decoder.ts';
import type { LedLinkStatus, LedStatus } from '../led-driver.ts';
import { SimpleBarSimulator, type SimpleBarSimulatorOptions } from '../simulator/simple-bar-simulator.ts';
import { h, hex } from '../test-support/hex.ts';
import { track } from '../test-support/outcome.ts';
import { callText, PAUSED_TEXT } from '../texts.ts';
import { SimpleBarDriver, type SimpleBarDriverOptions } from './simple-bar-driver.ts';

function setup(opts: SimpleBarDriverOptions = {}, simOpts: SimpleBarSimulatorOptions = {}) {
  const scheduler = new ManualScheduler(1_000);
  const [host, dev] = memoryPair('bus');
  void dev.open();
  const sim = new SimpleBarSimulator({ scheduler, addresses: [1, 2, 3, 18], ...simOpts });
  sim.attach(dev);
  const driver = new SimpleBarDriver(host, { scheduler, ...opts });
  const statuses: LedStatus[] = [];
  const links: LedLinkStatus[] = [];
  driver.on('status', (s) => statuses.push(s));
  driver.on('link', (l) => links.push(l));
  driver.start();
  /** Frames the host wrote, decoded, as `addr:cmd`. */
  const frames = (): string[] =>
    host.written.flatMap((w) => new SimpleBarDecoder().push(w)).flatMap((i) => (i.type === 'frame' ? [`${i.frame.address}:${i.frame.cmd}`] : []));
  return { scheduler, host, dev, sim, driver, statuses, links, frames };
}

describe('SimpleBarDriver ↔ SimpleBarSimulator over memoryPair', () => {
  it('shows the call text on the window bar with the exact hardware.md bytes', async () => {
    const { scheduler, sim, driver, host, statuses } = setup();
    const p = track(driver.show(3, callText('A012', 3)));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    expect(hex(host.written[0]!)).toBe(hex(h('02 03 01 10 41 30 31 32 20 C7 EB B5 BD 33 BA C5 B4 B0 BF DA 49 03')));
    expect(sim.textOf(3)).toBe('A012 请到3号窗口');
    expect(sim.snapshot()).toEqual({ 3: { text: 'A012 请到3号窗口', effect: 'static', updatedAt: 1_000 } });
    expect(statuses.map((s) => `${s.address}:${s.state}`)).toEqual(['3:ok']);
    expect(driver.link.state).toBe('up');
  });

  it('round-trips Chinese text in GB18030, scrolling, on several bars', async () => {
    const { scheduler, sim, driver } = setup({ charset: 'gb18030' });
    const changed: string[] = [];
    sim.on('changed', (a, c) => changed.push(`${a}:${c.text}:${c.effect}`));
    const all = Promise.all([driver.show(1, PAUSED_TEXT), driver.show(2, 'A012 请到3号窗口', { effect: 'scroll' }), driver.show(18, '㛃𠀀 请到12号窗口')]);
    await scheduler.advance(0);
    await all;
    expect(changed).toEqual(['1:暂停服务:static', '2:A012 请到3号窗口:scroll', '18:㛃𠀀 请到12号窗口:static']);
  });

  it('sends characters a GB2312 bar cannot draw as ?', async () => {
    const { scheduler, sim, driver } = setup();
    void driver.show(1, '朱镕基');
    await scheduler.advance(0);
    expect(sim.textOf(1)).toBe('朱?基');
  });

  it('retries a frame that got no ACK, every 200 ms', async () => {
    const { scheduler, sim, driver, frames } = setup();
    sim.fault({ kind: 'no-reply', address: 3 });
    sim.fault({ kind: 'no-reply', address: 3 });
    const p = track(driver.show(3, PAUSED_TEXT));
    await scheduler.advance(399);
    expect(p.settled).toBe(false);
    expect(frames()).toEqual(['3:1', '3:1']);
    await scheduler.advance(1);
    expect(p).toEqual({ settled: true, error: null });
    expect(frames()).toEqual(['3:1', '3:1', '3:1']);
    expect(sim.textOf(3)).toBe('暂停服务');
  });

  it('retries at once after a NAK (the bar saw a bad checksum)', async () => {
    const { scheduler, sim, driver, frames } = setup();
    sim.fault({ kind: 'bad-checksum' });
    const p = track(driver.show(2, 'A013 请到2号窗口'));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    expect(frames()).toEqual(['2:1', '2:1']);
    expect(sim.received.map((r) => r.fault ?? 'ok')).toEqual(['bad-checksum', 'ok']);
  });

  it('a garbled ACK counts as none: retried after the timeout; garbage before an ACK is skipped', async () => {
    const { scheduler, sim, driver, frames } = setup();
    sim.fault({ kind: 'bad-reply' });
    sim.fault({ kind: 'garbage', bytes: h('FF 02 00 15 06') });
    const p = track(driver.show(1, 'A001'));
    await scheduler.advance(200);
    expect(p).toEqual({ settled: true, error: null });
    expect(frames()).toEqual(['1:1', '1:1']);
  });

  it('gives up after 1 + 3 attempts with HQ_ERR_LED_NO_REPLY, and puts the text back when the bar answers again', async () => {
    const { scheduler, sim, driver, frames, statuses } = setup({ refreshIntervalMs: 5_000 });
    sim.unplug(3);
    const p = track(driver.show(3, callText('A020', 3)));
    await scheduler.advance(800);
    expect(p.error?.code).toBe('HQ_ERR_LED_NO_REPLY');
    expect(p.error?.address).toBe(3);
    expect(frames()).toEqual(['3:1', '3:1', '3:1', '3:1']);
    expect(driver.statusOf(3).state).toBe('no-reply');
    sim.plug(3);
    await scheduler.advance(5_000);
    expect(sim.textOf(3)).toBe('A020 请到3号窗口');
    expect(statuses.map((s) => s.state)).toEqual(['no-reply', 'ok']);
  });

  it('NAKs on every attempt end in HQ_ERR_LED_REJECTED', async () => {
    const { scheduler, sim, driver } = setup();
    for (let i = 0; i < 4; i++) sim.fault({ kind: 'bad-checksum', address: 1 });
    const p = track(driver.show(1, 'x'));
    await scheduler.advance(0);
    expect(p.error?.code).toBe('HQ_ERR_LED_REJECTED');
    expect(driver.statusOf(1).state).toBe('rejected');
  });

  it('keeps only the newest queued content per address; every caller settles with it', async () => {
    const { scheduler, sim, driver, frames } = setup();
    await scheduler.advance(0); // link up: the first show goes straight onto the wire
    const shown: string[] = [];
    sim.on('changed', (_a, c) => shown.push(c.text));
    const ps = [driver.show(3, 'A001 请到3号窗口'), driver.show(3, 'A002 请到3号窗口'), driver.show(1, 'B001'), driver.clear(3), driver.show(3, 'A003 请到3号窗口')].map(track);
    expect(driver.queued).toBe(2);
    await scheduler.advance(0);
    expect(ps.every((p) => p.settled && !p.error)).toBe(true);
    expect(shown).toEqual(['A001 请到3号窗口', 'A003 请到3号窗口', 'B001']);
    expect(frames()).toEqual(['3:1', '3:1', '1:1']);
    expect(driver.desiredOf(3)).toEqual({ text: 'A003 请到3号窗口', opts: {} });
  });

  it('broadcasts to every bar without waiting for replies', async () => {
    const { scheduler, sim, driver, statuses } = setup();
    const p = track(driver.show(0, PAUSED_TEXT));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    expect(Object.values(sim.snapshot()).map((c) => c.text)).toEqual(['暂停服务', '暂停服务', '暂停服务', '暂停服务']);
    expect(statuses).toEqual([]);
  });

  it('ignores its own echo on a 2-wire adapter that hears itself', async () => {
    const { scheduler, sim, driver } = setup({}, { echo: true });
    const p = track(driver.show(3, 'A012 请到3号窗口'));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    expect(sim.textOf(3)).toBe('A012 请到3号窗口');
  });

  it('brightness and ping', async () => {
    const { scheduler, sim, driver, frames } = setup();
    const b = track(driver.brightness(2, 7));
    const q = track(driver.ping(18));
    const nobody = track(driver.ping(77));
    await scheduler.advance(800);
    expect([b.error, q.error]).toEqual([null, null]);
    expect(sim.brightnessOf(2)).toBe(7);
    expect(nobody.error?.code).toBe('HQ_ERR_LED_NO_REPLY');
    expect(frames().slice(0, 2)).toEqual(['2:4', '18:5']);
  });

  it('refuses a watched address outside 1–254 when built', () => {
    expect(() => new SimpleBarDriver(memoryPair()[0], { addresses: [1, 300] })).toThrow(/"addresses": .*300/);
  });

  it('rejects bad input before sending anything', async () => {
    const { driver, host } = setup();
    await expect(driver.show(255, 'x')).rejects.toMatchObject({ code: 'HQ_ERR_LED_BAD_ADDRESS' });
    await expect(driver.show(3, '请'.repeat(128))).rejects.toMatchObject({ code: 'HQ_ERR_LED_TEXT_TOO_LONG' });
    await expect(driver.brightness(3, 16)).rejects.toMatchObject({ code: 'HQ_ERR_LED_BAD_ARGUMENT' });
    expect(host.written).toEqual([]);
    expect(driver.desiredOf(3)).toBeNull();
  });

  it('re-sends static text on refresh (a bar that lost power comes back blank) but only pings scrolling text', async () => {
    const { scheduler, sim, driver, frames } = setup({ refreshIntervalMs: 30_000 });
    void driver.show(1, 'A012 请到1号窗口');
    void driver.show(2, '欢迎光临', { effect: 'scroll' });
    await scheduler.advance(0);
    sim.powerCycle(1);
    expect(sim.textOf(1)).toBe('');
    await scheduler.advance(30_000);
    expect(sim.textOf(1)).toBe('A012 请到1号窗口');
    expect(frames()).toEqual(['1:1', '2:2', '1:1', '2:5']);
  });

  it('a call does not wait behind a refresh of the whole bus', async () => {
    const { scheduler, sim, driver, frames } = setup({ refreshIntervalMs: 30_000 });
    for (const a of [1, 2, 3, 18]) void driver.show(a, `A00${a}`);
    await scheduler.advance(29_999);
    const before = frames().length;
    // The calls come while the refresh's first frame is on the wire, the other three still queued.
    const onReceived = (e: { address: number | null }): void => {
      if (e.address !== 1) return;
      sim.off('received', onReceived);
      void driver.show(18, 'A100');
      void driver.show(3, 'A101');
    };
    sim.on('received', onReceived);
    await scheduler.advance(1);
    // 18 took over its refresh slot and moved up; 3 went in front of the remaining refresh of 2.
    expect(frames().slice(before)).toEqual(['1:1', '18:1', '3:1', '2:1']);
    expect([sim.textOf(18), sim.textOf(3)]).toEqual(['A100', 'A101']);
  });

  it('pings watched addresses after connecting, so their status is known before the first call', async () => {
    const { scheduler, driver, statuses } = setup({ addresses: [1, 9] });
    await scheduler.advance(800);
    expect(statuses.map((s) => `${s.address}:${s.state}`)).toEqual(['1:ok', '9:no-reply']);
  });
});

describe('SimpleBarDriver: link and lifecycle', () => {
  it('rejects with HQ_ERR_LED_STOPPED before start() and after stop(), keeping the desired text', async () => {
    const scheduler = new ManualScheduler();
    const [host] = memoryPair();
    const driver = new SimpleBarDriver(host, { scheduler });
    await expect(driver.show(1, 'A001')).rejects.toMatchObject({ code: 'HQ_ERR_LED_STOPPED' });
    expect(driver.desiredOf(1)).toEqual({ text: 'A001', opts: {} });
    driver.start();
    await driver.stop();
    await expect(driver.clear(1)).rejects.toMatchObject({ code: 'HQ_ERR_LED_STOPPED' });
    expect(driver.link.state).toBe('stopped');
    expect(host.isOpen).toBe(false);
  });

  it('queues commands given while the first open is in progress', async () => {
    const { scheduler, sim, driver } = setup();
    expect(driver.link.state).toBe('connecting');
    const p = track(driver.show(1, 'A001'));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    expect(sim.textOf(1)).toBe('A001');
  });

  it('a pulled adapter: in-flight and queued commands fail, statuses go disconnected, reopen with backoff, desired text re-sent', async () => {
    const { scheduler, host, sim, driver, statuses, links } = setup({ backoff: { initialMs: 500, maxMs: 4_000 } });
    await Promise.all([driver.show(1, 'A001'), driver.show(3, 'A003')].map((p) => (scheduler.advance(0), p)));
    sim.unplug(1);
    const inFlight = track(driver.show(1, 'A004'));
    const queued = track(driver.show(3, 'A005'));
    await scheduler.advance(10);
    host.unplug();
    await scheduler.advance(0);
    expect(inFlight.error?.code).toBe('HQ_ERR_LED_DISCONNECTED');
    expect(queued.error?.code).toBe('HQ_ERR_LED_DISCONNECTED');
    expect(driver.link.state).toBe('down');
    expect(driver.statusOf(3).state).toBe('disconnected');
    // While down: rejected at once, but remembered.
    await expect(driver.show(3, 'A006')).rejects.toMatchObject({ code: 'HQ_ERR_LED_DISCONNECTED' });
    sim.plug(1);
    await scheduler.advance(500);
    expect(driver.link.state).toBe('up');
    expect(sim.textOf(1)).toBe('A004');
    expect(sim.textOf(3)).toBe('A006');
    expect(links.map((l) => l.state)).toEqual(['connecting', 'up', 'down', 'connecting', 'up']);
    expect(statuses.filter((s) => s.address === 3).map((s) => s.state)).toEqual(['ok', 'disconnected', 'ok']);
  });

  it('backs off 500 ms doubling while the port cannot be opened', async () => {
    const scheduler = new ManualScheduler();
    const [host] = memoryPair();
    let fails = 3;
    const opens: number[] = [];
    host.open = async function (this: typeof host) {
      opens.push(scheduler.now());
      if (fails-- > 0) throw new Error('ENOENT: /dev/ttyUSB1');
      return Object.getPrototypeOf(host).open.call(this);
    };
    const driver = new SimpleBarDriver(host, { scheduler });
    driver.start();
    await scheduler.advance(5_000);
    expect(opens).toEqual([0, 500, 1500, 3500]);
    expect(driver.link.state).toBe('up');
  });
});
