import { describe, expect, it } from 'vitest';
import { FakeHidBus, FakeHidDevice } from '../../devices/ratingpad/index.ts';
import { parseHallConfig } from '../../src/config/load-hall-config.ts';
import { AgentInputs, type InputPost } from '../../src/agent/agent-inputs.ts';
import { HidPadDevice } from '../../src/devices-bridge/hosts/hid-pad.ts';
import { api, eventsIn, login, openWindow, startHub, stateOf } from '../support/hub.ts';
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

  it('on a window PC’s agent: the hub leaves it alone, and the agent’s score rates once, at the time it was given', async () => {
    const entry = { windowId: 2, kind: 'hid', uri: 'hid:/dev/hidraw-fake0', decoder: { kind: 'keyboard-wedge', preset: 'digits' }, agent: true };
    const base = testConfig({ windows: 2 });
    const config = parseHallConfig({ ...base, devices: { ...base.devices, ratingPads: [entry] } });
    const pad = new FakeHidDevice({ decoder: { kind: 'keyboard-wedge', preset: 'digits' } });
    const bus = new FakeHidBus([pad]);
    const h = await startHub({ config, openHid: bus.openHid });
    let device: HidPadDevice | null = null;
    try {
      // Paired as an agent pairs (decision 67), with the pad's device id.
      const me = { agentId: 'ag-hidpadwindow2', secret: 's'.repeat(40), hostname: 'window-2' };
      const { code } = (await api(h.url, 'POST', '/agents/pair', { body: me })).body;
      const manager = await login(h.url, 'm1');
      expect((await api(h.url, 'POST', `/agents/${me.agentId}/approve`, { token: manager, body: { code, name: '二号窗口机', devices: ['hid-pad:2'] } })).status).toBe(200);
      const token = (await api(h.url, 'POST', '/agents/pair/collect', { body: { agentId: me.agentId, secret: me.secret } })).body.token as string;
      const self = (await api(h.url, 'GET', '/agents/self', { token })).body;
      expect(self.hidPads).toEqual([{ device: 'hid-pad:2', entry: expect.objectContaining({ windowId: 2, agent: true }) }]);
      await new Promise((r) => setTimeout(r, 200));
      expect(pad.isOpen).toBe(false);

      // The agent's side: the hub's own pad module, its scores sent as an agent sends them.
      const posts: InputPost[] = [];
      const inputs = new AgentInputs(
        async (post) => {
          posts.push(post);
          const r = await api(h.url, 'POST', '/agents/self/inputs', { token, body: post });
          if (r.status === 409) return 'stale';
          if (r.status !== 200) throw new Error(`hub answered ${r.status}`);
          return 'taken';
        },
        () => undefined,
      );
      device = new HidPadDevice(self.hidPads[0].device, self.hidPads[0].entry, (input, at) => void inputs.deliver('hid-pad:2', input, at), () => undefined, bus.openHid);
      device.start();
      await expect.poll(() => pad.isOpen).toBe(true);

      const clerk = await openWindow(h.url, 2);
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
      await api(h.url, 'POST', '/windows/2/call-next', { token: clerk });
      const done = await api(h.url, 'POST', '/windows/2/complete', { token: clerk, body: { caseNo: 'HID-2' } });
      const pressedAt = Date.now();
      pad.pressLevel(5);
      await expect.poll(async () => (await stateOf(h.hub)).ratings.get(done.body.serviceId)?.status).toBe('rated');
      const recorded = eventsIn(h.hub.db, `type = 'rating.recorded'`);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]!.actor).toMatchObject({ kind: 'device', id: 'hid-pad-2' });
      expect(recorded[0]!.data).toMatchObject({ level: 5, channel: 'hid' });
      expect(Math.abs((recorded[0]!.data as { ratedAt: number }).ratedAt - pressedAt)).toBeLessThan(1000);
      // The same score sent again (its answer lost) is a duplicate and changes nothing.
      const seq = h.hub.handler.seq;
      expect((await api(h.url, 'POST', '/agents/self/inputs', { token, body: posts[0] })).body).toEqual({ applied: false, duplicate: true });
      expect(h.hub.handler.seq).toBe(seq);
      // Not this agent's device.
      expect((await api(h.url, 'POST', '/agents/self/inputs', { token, body: { ...posts[0], device: 'hid-pad:1', inputId: 'other-00000001' } })).status).toBe(404);
      // The hub restarts (its answer to the score lost with it) and the agent sends it again: the
      // command kept the input's id, so it is a duplicate still, not a refusal and not a second rating.
      await h.stop();
      const again = await startHub({ config, openHid: bus.openHid, dir: h.dir });
      try {
        const before = again.hub.handler.seq;
        expect((await api(again.url, 'POST', '/agents/self/inputs', { token, body: { ...posts[0], ageMs: 3_000 } })).body).toEqual({ applied: false, duplicate: true });
        expect(again.hub.handler.seq).toBe(before);
        expect(eventsIn(again.hub.db, `type = 'rating.recorded'`)).toHaveLength(1);
      } finally {
        await again.stop();
      }
    } finally {
      await device?.stop();
      await h.dispose();
    }
  });
});
