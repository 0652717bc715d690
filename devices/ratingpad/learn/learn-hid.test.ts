import { describe, expect, it } from 'vitest';
import { main } from '../../cli.ts';
import { FakeHidBus, FakeHidDevice } from '../simulator/fake-hid-device.ts';
import { loadNodeHid, type NodeHidLoad } from '../transport/node-hid.ts';
import { learnHid, reportLine } from './learn-hid.ts';

/** Runs `learn hid` against a fake bus; `during` acts while it reads, then Ctrl-C. */
async function learn(argv: string[], bus: FakeHidBus | (() => Promise<NodeHidLoad>), during?: () => void | Promise<void>) {
  const out: string[] = [];
  const err: string[] = [];
  const ctrlC = new AbortController();
  let t = Date.UTC(2026, 10, 21, 9, 30, 0, 0);
  const load = typeof bus === 'function' ? bus : bus.load;
  const running = learnHid(argv, { out: (l) => out.push(l), err: (l) => err.push(l), signal: ctrlC.signal, load, now: () => (t += 250) });
  // Let it list, open and subscribe.
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
  await during?.();
  ctrlC.abort();
  const code = await running;
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('learn hid', () => {
  it('exits 2 with the bilingual reason when node-hid is unavailable', async () => {
    const missing = () => loadNodeHid({ importer: () => Promise.reject(Object.assign(new Error("Cannot find package 'node-hid'"), { code: 'ERR_MODULE_NOT_FOUND' })) });
    const r = await learn([], missing);
    expect(r.code).toBe(2);
    expect(r.err).toContain('未安装 node-hid');
    expect(r.err).toContain('npm install node-hid');
  });

  it('exits 2 when there are no HID devices, saying what to check', async () => {
    const r = await learn([], new FakeHidBus());
    expect(r.code).toBe(2);
    expect(r.err).toContain('未发现任何 HID 设备');
    expect(r.err).toContain('No HID devices found');
  });

  it('lists devices and how to pick one', async () => {
    const bus = new FakeHidBus([new FakeHidDevice({ info: { vendorId: 0x1a2b, productId: 0x3c4d, path: '/dev/hidraw3', manufacturer: 'ACME', product: '评价器', usagePage: 1, usage: 6 } })]);
    const r = await learn([], bus);
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 HID device(s)');
    expect(r.out).toContain(
      ['  #  vid:pid    path          if  usagePage:usage  manufacturer — product', '  0  1a2b:3c4d  /dev/hidraw3  0   0001:0006        ACME — 评价器'].join('\n'),
    );
    expect(r.out).toContain('npm run devices -- learn hid --path /dev/hidraw3');
    expect(r.out).toContain('npm run devices -- learn hid --vid 0x1a2b --pid 0x3c4d');
    expect(r.out).toContain('its address in config: uri: hid:1a2b:3c4d (or uri: hid:/dev/hidraw3)');
  });

  it('prints each raw report with a timestamp, what changed, a keyboard guess, and a summary of varying bytes', async () => {
    const pad = new FakeHidDevice({ info: { path: '/dev/hidraw3' } });
    const r = await learn(['--path', '/dev/hidraw3'], new FakeHidBus([pad]), () => {
      pad.pressLevel(1);
      pad.pressLevel(5);
    });
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d{3}/.test(l));
    expect(lines).toEqual([
      '09:30:00.500  +250ms  [8] 00 00 22 00 00 00 00 00  keyboard? Digit5 (0x22) = 1 非常不满意',
      '09:30:00.750  +500ms  [8] 00 00 00 00 00 00 00 00  changed: 2  keyboard? all keys up',
      '09:30:01.000  +750ms  [8] 00 00 1e 00 00 00 00 00  changed: 2  keyboard? Digit1 (0x1e) = 5 非常满意',
      '09:30:01.250  +1000ms  [8] 00 00 00 00 00 00 00 00  changed: 2  keyboard? all keys up',
    ]);
    expect(r.out).toContain('/dev/hidraw3: 4 report(s)');
    expect(r.out).toContain('  byte 2: 0x22 0x00 0x1e');
    expect(pad.isOpen).toBe(false);
  });

  it('states which key is which level before reading: best first by default, worst first with --order', async () => {
    const pad = new FakeHidDevice({ info: { path: '/dev/hidraw3' } });
    const best = await learn(['--path', '/dev/hidraw3'], new FakeHidBus([pad]));
    expect(best.out).toContain('levels (best-first): key 1 = 5 非常满意, key 2 = 4 满意, key 3 = 3 基本满意, key 4 = 2 不满意, key 5 = 1 非常不满意');
    expect(best.out).toContain('set order: worst-first');
    const worst = await learn(['--path', '/dev/hidraw3', '--order', 'worst-first'], new FakeHidBus([pad]), () => {
      pad.holdKeys(['F1']);
    });
    expect(worst.out).toContain('levels (worst-first): key 1 = 1 非常不满意');
    expect(worst.out).toContain('keyboard? F1 (0x3a) = 1 非常不满意');
    expect((await learn(['--order', 'upside-down'], new FakeHidBus([pad]))).err).toContain('--order: best-first 或 / or worst-first, not upside-down');
  });

  it('reads every interface that matches --vid/--pid, tagging lines with the path', async () => {
    const kbd = new FakeHidDevice({ info: { path: '/dev/hidraw3', interface: 0 } });
    const vendor = new FakeHidDevice({ info: { path: '/dev/hidraw4', interface: 1 }, decoder: { kind: 'custom-report', reportId: 2, byteIndex: 1, values: { 4: 3 } } });
    const r = await learn(['--vid', '0x1209', '--pid', '1'], new FakeHidBus([kbd, vendor]), () => {
      vendor.pressLevel(3);
      vendor.pressLevel(3);
    });
    expect(r.out).toContain('/dev/hidraw4  [8] 02 04 00 00 00 00 00 00');
    expect(r.out).toMatch(/\/dev\/hidraw4 {2}\[8\] 02 04 00 00 00 00 00 00 {2}same/);
    expect(r.out).toContain('/dev/hidraw3: 0 report(s)');
    expect(r.out).toContain('/dev/hidraw4: 2 report(s)');
  });

  it('exits 2 for a device not in the list or not openable, with the udev hint', async () => {
    const pad = new FakeHidDevice({ info: { path: '/dev/hidraw3' } });
    const bus = new FakeHidBus([pad]);
    expect((await learn(['--path', '/dev/hidraw9'], bus)).code).toBe(2);
    pad.refuseOpen('Permission denied');
    const r = await learn(['--path', '/dev/hidraw3'], bus);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot open /dev/hidraw3: Permission denied');
    expect(r.err).toContain('udev');
  });

  it('exits 1 when the pad is unplugged while reading', async () => {
    const pad = new FakeHidDevice({ info: { path: '/dev/hidraw3' } });
    const out: string[] = [];
    const err: string[] = [];
    const running = learnHid(['--path', '/dev/hidraw3'], { out: (l) => out.push(l), err: (l) => err.push(l), signal: new AbortController().signal, load: new FakeHidBus([pad]).load });
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    pad.unplug();
    expect(await running).toBe(1);
    expect(err.join('\n')).toContain('reading /dev/hidraw3 failed (unplugged?)');
  });

  it('refuses bad arguments with exit 1', async () => {
    for (const argv of [['--vid', '0x1a2b'], ['--vid', 'zz', '--pid', '1'], ['--path', 'x', '--vid', '1', '--pid', '2'], ['--bogus'], ['extra']]) {
      const r = await learn(argv, new FakeHidBus());
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err).toContain('usage');
    }
  });

  it('reportLine marks modifiers and non-keyboard reports', () => {
    expect(reportLine(0, 5, null, Buffer.from('0200200000000000', 'hex'), null)).toMatch(/keyboard\? modifiers 0x02 \+ Digit3 \(0x20\) = 3 基本满意$/);
    expect(reportLine(0, 5, null, Buffer.from('0000280000000000', 'hex'), null)).toMatch(/keyboard\? Enter \(0x28\)$/);
    expect(reportLine(0, 5, null, Buffer.from('020010', 'hex'), Buffer.from('020000', 'hex'))).toMatch(/\[3\] 02 00 10 {2}changed: 2$/);
  });
});

describe('devices cli', () => {
  it('dispatches learn hid, prints usage, and refuses unknown commands', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), signal: AbortSignal.abort(), load: new FakeHidBus().load };
    expect(await main(['learn', 'hid'], io)).toBe(2);
    expect(await main([], io)).toBe(0);
    expect(out.join('\n')).toContain('learn hid');
    expect(await main(['learn', 'usb'], io)).toBe(1);
    expect(err.join('\n')).toContain('unknown command: learn usb');
  });
});
