import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeHidBus, FakeHidDevice } from '../simulator/fake-hid-device.ts';
import { describeTarget, matchDevices, type HidDeviceInfo } from './hid-device.ts';
import { listHidDevices, loadNodeHid, openHidDevice, type NodeHidLoad } from './node-hid.ts';

function nodeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

async function reasonOf(load: Promise<NodeHidLoad>): Promise<string> {
  const r = await load;
  return r.available ? 'available' : r.reason;
}

describe('loadNodeHid', () => {
  it('module missing → unavailable with an install hint in Chinese and English', async () => {
    const r = await loadNodeHid({ importer: () => Promise.reject(nodeError("Cannot find package 'node-hid' imported from /srv/x.ts", 'ERR_MODULE_NOT_FOUND')) });
    expect(r.available).toBe(false);
    if (r.available) return;
    expect(r.reason).toBe('module-missing');
    expect(r.error.code).toBe('HQ_ERR_RATINGPAD_UNAVAILABLE');
    expect(r.message).toBe(
      'USB HID 评价器不可用（node-hid 无法加载），其他功能照常运行：未安装 node-hid（可选依赖）。安装方法：npm install node-hid / ' +
        'USB HID rating pads are unavailable (node-hid cannot be loaded); the rest of the hub keeps running: node-hid (an optional dependency) is not installed. Install it with: npm install node-hid',
    );
  });

  it("a missing module inside node-hid (its own dependency) is a load failure, not 'not installed'", async () => {
    const err = nodeError("Cannot find module 'pkg-prebuilds/bindings'\nRequire stack:\n- /srv/node_modules/node-hid/nodehid.js", 'MODULE_NOT_FOUND');
    expect(await reasonOf(loadNodeHid({ importer: () => Promise.reject(err) }))).toBe('native-load-failed');
  });

  it('libusb missing (the binding loads on first use) → native-load-failed with the apt hint', async () => {
    const fake = {
      devicesAsync: async () => [],
      HIDAsync: { open: async () => ({}) },
      getHidapiVersion: () => {
        throw new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory');
      },
    };
    const r = await loadNodeHid({ importer: async () => ({ default: fake }) });
    expect(r.available).toBe(false);
    if (r.available) return;
    expect(r.reason).toBe('native-load-failed');
    expect(r.message).toContain('sudo apt-get install -y libusb-1.0-0');
    expect(r.message).toContain('libusb-1.0.so.0: cannot open shared object file');
    expect(r.error.messageZh).toContain('原生模块加载失败');
  });

  it('a module without the API → bad-module', async () => {
    expect(await reasonOf(loadNodeHid({ importer: async () => ({ default: {} }) }))).toBe('bad-module');
    expect(await reasonOf(loadNodeHid({ importer: async () => null }))).toBe('bad-module');
  });

  it('accepts the API on the namespace or on default (CommonJS interop)', async () => {
    const api = new FakeHidBus().hid;
    expect(await reasonOf(loadNodeHid({ importer: async () => api }))).toBe('available');
    expect(await reasonOf(loadNodeHid({ importer: async () => ({ default: api }) }))).toBe('available');
  });

  it('the real import never throws (node-hid is an optional dependency)', async () => {
    const r = await loadNodeHid();
    if (r.available) {
      expect(r.version).toMatch(/^\d+\.\d+/);
      expect(Array.isArray(await r.hid.devicesAsync())).toBe(true);
    } else expect(r.message).toMatch(/node-hid/);
  });
});

describe('listHidDevices / openHidDevice', () => {
  it('lists what node-hid lists, or says why it cannot', async () => {
    const pad = new FakeHidDevice({ info: { product: 'Pad A' } });
    const bus = new FakeHidBus([pad]);
    expect(await listHidDevices(bus.load)).toMatchObject({ available: true, devices: [{ product: 'Pad A', path: '/dev/hidraw-fake0' }] });
    const broken = async (): Promise<NodeHidLoad> => ({ ...(await bus.load()), hid: { ...bus.hid, devicesAsync: () => Promise.reject(new Error('udev gone')) } }) as NodeHidLoad;
    expect(await listHidDevices(broken)).toMatchObject({ available: false, reason: 'native-load-failed' });
  });

  it('opens by path or by IDs; a missing pad is NOT_FOUND, a refused one OPEN_FAILED, node-hid missing UNAVAILABLE', async () => {
    const a = new FakeHidDevice({ info: { path: '/dev/hidraw1', interface: 0 } });
    const b = new FakeHidDevice({ info: { path: '/dev/hidraw2', interface: 1 } });
    const bus = new FakeHidBus([a, b]);
    expect(await openHidDevice({ path: '/dev/hidraw2' }, bus.load)).toBe(b);
    expect(await openHidDevice({ vendorId: 0x1209, productId: 0x0001 }, bus.load)).toBe(a);
    expect(await openHidDevice({ vendorId: 0x1209, productId: 0x0001, interface: 1 }, bus.load)).toBe(b);
    await expect(openHidDevice({ path: '/dev/hidraw7' }, bus.load)).rejects.toMatchObject({ code: 'HQ_ERR_RATINGPAD_NOT_FOUND', message: expect.stringContaining('hid:/dev/hidraw7') });
    await expect(openHidDevice({ vendorId: 1, productId: 2 }, bus.load)).rejects.toMatchObject({ code: 'HQ_ERR_RATINGPAD_NOT_FOUND', message: expect.stringContaining('hid:0001:0002') });
    a.refuseOpen('Permission denied');
    await expect(openHidDevice({ path: '/dev/hidraw1' }, bus.load)).rejects.toMatchObject({ code: 'HQ_ERR_RATINGPAD_OPEN_FAILED' });
    const missing = () => loadNodeHid({ importer: () => Promise.reject(nodeError("Cannot find package 'node-hid'", 'ERR_MODULE_NOT_FOUND')) });
    await expect(openHidDevice({ path: '/dev/hidraw1' }, missing)).rejects.toMatchObject({ code: 'HQ_ERR_RATINGPAD_UNAVAILABLE' });
  });

  it('follows a udev symlink to the hidraw node node-hid lists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-hid-'));
    try {
      const node = join(dir, 'hidraw5');
      writeFileSync(node, '');
      symlinkSync(node, join(dir, 'ratingpad-window3'));
      const pad = new FakeHidDevice({ info: { path: node } });
      const bus = new FakeHidBus([pad]);
      expect(await openHidDevice({ path: join(dir, 'ratingpad-window3') }, bus.load)).toBe(pad);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('matchDevices / describeTarget', () => {
  const list: HidDeviceInfo[] = [
    { vendorId: 0x1a2b, productId: 0x3c4d, path: '/dev/hidraw0', interface: 0, usagePage: 0x01, serialNumber: 'A1' },
    { vendorId: 0x1a2b, productId: 0x3c4d, path: '/dev/hidraw1', interface: 1, usagePage: 0x0c, serialNumber: 'A1' },
    { vendorId: 0x1a2b, productId: 0x3c4d, path: '/dev/hidraw2', interface: 0, usagePage: 0x01, serialNumber: 'B2' },
  ];
  const paths = (t: Parameters<typeof matchDevices>[1]): (string | undefined)[] => matchDevices(list, t).map((d) => d.path);

  it('narrows by serial number, interface and usage page', () => {
    expect(paths({ vendorId: 0x1a2b, productId: 0x3c4d })).toEqual(['/dev/hidraw0', '/dev/hidraw1', '/dev/hidraw2']);
    expect(paths({ vendorId: 0x1a2b, productId: 0x3c4d, serialNumber: 'B2' })).toEqual(['/dev/hidraw2']);
    expect(paths({ vendorId: 0x1a2b, productId: 0x3c4d, usagePage: 0x0c })).toEqual(['/dev/hidraw1']);
    expect(paths({ vendorId: 0x1a2b, productId: 0x3c4d, serialNumber: 'A1', interface: 0 })).toEqual(['/dev/hidraw0']);
    expect(paths({ path: '/dev/hidraw1' })).toEqual(['/dev/hidraw1']);
  });

  it('describes targets for logs and status', () => {
    expect(describeTarget({ path: '/dev/hidraw3' })).toBe('hid:/dev/hidraw3');
    expect(describeTarget({ vendorId: 0x1a2b, productId: 0x3c4d })).toBe('hid:1a2b:3c4d');
    expect(describeTarget({ vendorId: 1, productId: 2, serialNumber: 'X', interface: 1, usagePage: 0xff00 })).toBe('hid:0001:0002#X/if1/upff00');
  });
});
