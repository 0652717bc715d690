import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../scheduler.ts';
import { memoryPair } from '../../transport.ts';
import { OnbonDecoder } from '../codec/onbon-decoder.ts';
import { OnbonBxSimulator } from '../simulator/onbon-bx-simulator.ts';
import { h, hex } from '../test-support/hex.ts';
import { track } from '../test-support/outcome.ts';
import { OnbonBxDriver, type OnbonBxDriverOptions } from './onbon-bx-driver.ts';

const AREAS: OnbonBxDriverOptions['areas'] = {
  0: { x: 0, y: 0, width: 64, height: 16 },
  1: { x: 0, y: 16, width: 192, height: 16, effect: 'scroll', color: 'green' },
};

function setup(opts: Partial<OnbonBxDriverOptions> = {}) {
  const scheduler = new ManualScheduler(5_000);
  const [host, dev] = memoryPair('onbon');
  void dev.open();
  const sim = new OnbonBxSimulator({ scheduler });
  sim.attach(dev);
  const driver = new OnbonBxDriver(host, { scheduler, areas: AREAS, ...opts });
  driver.start();
  const sent = (): string[] =>
    host.written.flatMap((w) => new OnbonDecoder().push(w)).flatMap((i) => (i.ok ? [i.frame.data.subarray(0, 2).toString('hex')] : ['bad']));
  return { scheduler, host, sim, driver, sent };
}

describe('OnbonBxDriver: controller replies', () => {
  function rig(sim: ConstructorParameters<typeof OnbonBxSimulator>[0]) {
    const scheduler = new ManualScheduler(5_000);
    const [host, dev] = memoryPair('onbon');
    void dev.open();
    const controller = new OnbonBxSimulator({ scheduler, ...sim });
    controller.attach(dev);
    const driver = new OnbonBxDriver(host, { scheduler, areas: AREAS, addresses: [] });
    driver.start();
    return { scheduler, dev, controller, driver };
  }

  it('the simulator answers in the 5-byte layout by default, and the driver takes it', async () => {
    const { scheduler, dev, controller, driver } = rig({});
    const p = track(driver.show(0, 'A012'));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    const [reply] = new OnbonDecoder().push(dev.written[0]!);
    expect(reply?.ok && reply.frame.data.toString('hex')).toBe('a000000000');
    expect(controller.textOf(0)).toBe('A012');
  });

  it('takes the 9-byte layout too, ACK and NACK alike', async () => {
    const { scheduler, dev, controller, driver } = rig({ replyLayout: '9-byte' });
    const ok = track(driver.show(0, 'A012'));
    await scheduler.advance(0);
    expect(ok).toEqual({ settled: true, error: null });
    const [reply] = new OnbonDecoder().push(dev.written[0]!);
    expect(reply?.ok && reply.frame.data.toString('hex')).toBe('00a000000000000000');
    for (let i = 0; i < 3; i++) controller.fault({ kind: 'bad-checksum', address: 1 });
    const refused = track(driver.show(1, 'A013'));
    await scheduler.advance(5_000);
    expect(refused.error?.code).toBe('HQ_ERR_LED_REJECTED');
    expect(refused.error?.message).toContain('NACK ERR_CHECKSUM');
  });

  it('takes replies whose source is 0x8000, and still ignores its own requests echoed back', async () => {
    const { scheduler, driver } = rig({ replySource: 0x8000, echo: true });
    const p = track(driver.show(0, 'A012'));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    expect(driver.statusOf(0).state).toBe('ok');
  });

  it('an echoed request from 0x8000 is not an answer: the command times out', async () => {
    const scheduler = new ManualScheduler(5_000);
    const [host, dev] = memoryPair('echo');
    await dev.open();
    dev.on('data', (bytes: Buffer) => void dev.write(bytes)); // a wire that only echoes
    const driver = new OnbonBxDriver(host, { scheduler, areas: AREAS, addresses: [], retries: 0 });
    driver.start();
    const p = track(driver.show(0, 'A012'));
    await scheduler.advance(2_000);
    expect(p.error?.code).toBe('HQ_ERR_LED_NO_REPLY');
    await driver.stop();
  });

  it('refuses an unknown reply layout, naming the option', () => {
    expect(() => new OnbonBxSimulator({ replyLayout: '7-byte' as never })).toThrow(`"replyLayout" must be '5-byte' or '9-byte', got "7-byte"`);
  });
});

describe('OnbonBxDriver ↔ OnbonBxSimulator over memoryPair', () => {
  it('sends the hardware.md text-area vector for red "A012" in area 0, and the wall shows it', async () => {
    const { scheduler, host, sim, driver } = setup({ addresses: [] });
    const p = track(driver.show(0, 'A012', { color: 'red' }));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    expect(hex(host.written[0]!)).toBe(
      hex(
        h(`A5 A5 A5 A5 A5 A5 A5 A5 01 00 00 80 00 00 00 00 00 00 FE 02 2B 00 A3 06 01 00 00 00 01 22 00 00 00 80 00 00 40 80 10 00 00 00 00 00 00 00 00 00 01 01 01
           00 00 00 07 00 00 00 5C 43 31 41 30 31 32 F5 96 5A`),
      ),
    );
    expect(sim.snapshot()).toEqual({ 0: { text: 'A012', effect: 'static', color: 'red', updatedAt: 5_000 } });
  });

  it('mirrors the latest calls on the wall line in Chinese, scrolling in the area’s colour', async () => {
    const { scheduler, sim, driver } = setup();
    void driver.show(1, 'A012 请到3号窗口  A011 请到5号窗口');
    await scheduler.advance(0);
    expect(sim.cellOf(1)).toMatchObject({ text: 'A012 请到3号窗口  A011 请到5号窗口', effect: 'scroll', color: 'green' });
    void driver.clear(1);
    await scheduler.advance(0);
    expect(sim.textOf(1)).toBe('');
  });

  it('shows a backslash as a full-width one rather than a colour escape', async () => {
    const { scheduler, sim, driver } = setup();
    void driver.show(0, 'a\\C2b');
    await scheduler.advance(0);
    expect(sim.cellOf(0)).toMatchObject({ text: 'a＼C2b' });
    expect(sim.cellOf(0)?.color).toBeUndefined();
  });

  it('retries at once after a NACK (ERR_CHECKSUM); after 1 s when the reply is garbled or missing', async () => {
    const { scheduler, sim, driver, sent } = setup({ addresses: [] });
    sim.fault({ kind: 'bad-checksum' });
    const p = track(driver.show(0, '暂停服务'));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    expect(sent()).toEqual(['a306', 'a306']);

    sim.fault({ kind: 'bad-reply' });
    const q = track(driver.show(0, 'A013'));
    await scheduler.advance(999);
    expect(q.settled).toBe(false);
    await scheduler.advance(1);
    expect(q).toEqual({ settled: true, error: null });

    await scheduler.advance(1_500); // the drain pause after an unanswered attempt
    sim.fault({ kind: 'no-reply' });
    const r = track(driver.show(0, 'A014'));
    await scheduler.advance(1_000);
    expect(r).toEqual({ settled: true, error: null });
    expect(sim.textOf(0)).toBe('A014');
  });

  it('skips noise (even a false frame start) before the reply without retrying', async () => {
    const { scheduler, sim, driver, sent } = setup({ addresses: [] });
    sim.fault({ kind: 'garbage', bytes: h('00 5A A5 A5 01 02') });
    const p = track(driver.show(0, 'A015'));
    await scheduler.advance(0);
    expect(p).toEqual({ settled: true, error: null });
    expect(sent()).toEqual(['a306']);
  });

  it('a late ACK to a timed-out attempt does not acknowledge the next command', async () => {
    const { scheduler, host, sim, driver } = setup({ addresses: [] });
    await scheduler.advance(0);
    // The controller is slow once: its answer to attempt 1 comes after the 1 s timeout.
    sim.detachAll();
    const dev = host.peer!;
    const slow = sim.attach({ ...dev, on: dev.on.bind(dev), off: dev.off.bind(dev), write: (b: Buffer) => new Promise<void>((res) => scheduler.schedule(1_100, () => void dev.write(b).then(res))) } as typeof dev);
    const p = track(driver.show(0, 'A016'));
    await scheduler.advance(1_050); // attempt 2 went out at 1000
    slow();
    sim.attach(dev);
    sim.unplug(1); // from now on nothing answers
    const q = track(driver.show(0, 'A017'));
    // The late ACK to attempt 1 (t=1100) settles A016; the one to attempt 2 (t=2100) falls into
    // the 1.5 s drain pause, so A017 (sent at 2600 to a controller that no longer answers) is not fooled.
    await scheduler.advance(1_500);
    expect(p).toEqual({ settled: true, error: null });
    expect(q.settled).toBe(false);
    await scheduler.advance(4_000);
    expect(q.error?.code).toBe('HQ_ERR_LED_NO_REPLY');
  });

  it('gives up after 1 + 2 attempts with HQ_ERR_LED_NO_REPLY when the controller is gone', async () => {
    const { scheduler, sim, driver } = setup({ addresses: [] });
    sim.unplug(1);
    const p = track(driver.show(0, 'A014'));
    await scheduler.advance(3_000);
    expect(p.error?.code).toBe('HQ_ERR_LED_NO_REPLY');
    expect(driver.statusOf(0).state).toBe('no-reply');
  });

  it('pings every configured area after connecting', async () => {
    const { scheduler, driver, sent } = setup();
    await scheduler.advance(0);
    expect(sent()).toEqual(['a200', 'a200']);
    expect([driver.statusOf(0).state, driver.statusOf(1).state]).toEqual(['ok', 'ok']);
  });

  it('rejects unknown areas and brightness before sending', async () => {
    const { driver } = setup();
    await expect(driver.show(2, 'x')).rejects.toMatchObject({ code: 'HQ_ERR_LED_BAD_ADDRESS' });
    await expect(driver.brightness(0, 5)).rejects.toMatchObject({ code: 'HQ_ERR_LED_UNSUPPORTED' });
    await expect(driver.show(0, 'x'.repeat(3000))).rejects.toMatchObject({ code: 'HQ_ERR_LED_TEXT_TOO_LONG' });
  });

  it('a controller with another screen number does not answer', async () => {
    const { scheduler, driver } = setup({ screen: 2, addresses: [] });
    const p = track(driver.ping(0));
    await scheduler.advance(3_000);
    expect(p.error?.code).toBe('HQ_ERR_LED_NO_REPLY');
  });
});
