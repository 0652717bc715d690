import { describe, expect, it } from 'vitest';
import { FakeHidBus, FakeHidDevice } from '../../devices/ratingpad/index.ts';
import { parseHallConfig } from '../../src/config/load-hall-config.ts';
import { api, eventsIn, openWindow, startHub, stateOf } from '../support/hub.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

describe('USB HID rating pads through the hub', () => {
  it('rates the pending service of its window with a key press, once, and reports the pad', async () => {
    const config = parseHallConfig({
      ...testConfig({ windows: 2 }),
      devices: {
        ...testConfig({ windows: 2 }).devices,
        ratingPads: [{ windowId: 2, kind: 'hid', uri: 'hid:/dev/hidraw-fake0', decoder: { kind: 'keyboard-wedge', preset: 'digits' } }],
      },
    });
    const pad = new FakeHidDevice({ decoder: { kind: 'keyboard-wedge', preset: 'digits' } });
    const bus = new FakeHidBus([pad]);
    const h = await startHub({ config, openHid: bus.openHid });
    try {
      await expect.poll(() => pad.isOpen).toBe(true);
      const clerk = await openWindow(h.url, 2);
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
      await api(h.url, 'POST', '/windows/2/call-next', { token: clerk });
      const done = await api(h.url, 'POST', '/windows/2/complete', { token: clerk, body: { caseNo: 'HID-1' } });
      pad.pressLevel(4);
      await expect.poll(async () => (await stateOf(h.hub)).ratings.get(done.body.serviceId)?.status).toBe('rated');
      expect((await stateOf(h.hub)).ratings.get(done.body.serviceId)).toMatchObject({ level: 4, channel: 'hid' });
      await h.hub.handler.read(() => undefined);
      expect(eventsIn(h.hub.db, `type = 'rating.recorded'`)[0]!.actor).toMatchObject({ kind: 'device', id: 'hid-pad-2' });
      // A second press (a bouncing key, an impatient resident) finds nothing pending: nothing changes.
      const seq = h.hub.handler.seq;
      pad.pressLevel(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(h.hub.handler.seq).toBe(seq);
    } finally {
      await h.dispose();
    }
  });
});
