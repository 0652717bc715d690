import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventsIn, openWindow, startHub, type RunningHub, stateOf } from '../support/hub.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

describe('caller keypads through the hub', () => {
  let h: RunningHub;
  let clerk: string;
  beforeAll(async () => {
    h = await startHub({ config: testConfig({ windows: 3, simCaller: true }) });
    clerk = await openWindow(h.url, 1);
  });
  afterAll(async () => {
    await h.dispose();
  });
  const sim = () => h.hub.caller!.simulator!;
  const lastEvent = () => eventsIn(h.hub.db, 'seq = (SELECT MAX(seq) FROM events)')[0]!;
  const settle = async () => {
    await h.hub.caller!.bus.flushed();
    await h.hub.handler.read(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    await sim().flushed();
  };

  it('beeps "be ready" when the queue goes from empty to non-empty, and shows it on the LCD', async () => {
    const before = sim().beeps(1).length;
    await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    await settle();
    expect(sim().beeps(1).length).toBeGreaterThan(before);
    expect(sim().lcd(1)?.waiting).toBe('001');
  });

  it('calls the next number with the call key, exactly as the console button does', async () => {
    await sim().press(1, 'call');
    await settle();
    const e = lastEvent();
    expect(e.type).toBe('ticket.called');
    expect(e.actor).toEqual({ kind: 'device', id: 'caller-1', deviceKind: 'caller', windowId: 1 });
    const data = e.data as any;
    expect(data).toMatchObject({ windowId: 1, staffId: 'c1', recall: false, number: 'A001' });
    expect(data.reason.rule).toBe('arrival');
    expect(sim().lcd(1)).toMatchObject({ waiting: '000', current: '001' });
    // The same window through the API sees the same current ticket.
    const w = await api(h.url, 'GET', '/windows/1', { token: clerk });
    expect(w.body.window.current.number).toBe('A001');
  });

  it('recalls, starts and completes with the keypad; transfers to the window typed before 转移', async () => {
    await sim().press(1, 'recall');
    await settle();
    expect(lastEvent().data).toMatchObject({ recall: true, recalls: 1 });
    await sim().press(1, 'transfer', 2);
    await settle();
    expect(lastEvent().type).toBe('ticket.transferred');
    expect(lastEvent().data).toMatchObject({ fromWindowId: 1, toWindowId: 2, number: 'A001' });
  });

  it('answers a key it cannot act on with an urgent beep, and changes nothing', async () => {
    const seq = h.hub.handler.seq;
    const before = sim().beeps(3).length;
    await sim().press(3, 'call'); // window 3 is not signed in
    await settle();
    expect(h.hub.handler.seq).toBe(seq);
    expect(sim().beeps(3).length).toBeGreaterThan(before);
  });

  it('is pressable through the simulator endpoint', async () => {
    const r = await api(h.url, 'POST', '/sim/caller/press', { token: clerk, body: { address: 1, key: 'pause' } });
    expect(r.status).toBe(200);
    await settle();
    expect((await stateOf(h.hub)).windows.get(1)?.status).toBe('paused');
    // The same key again within a second is a keypad resending an unacknowledged frame: one press.
    await new Promise((r) => setTimeout(r, 1100));
    await api(h.url, 'POST', '/sim/caller/press', { token: clerk, body: { address: 1, key: 'pause' } });
    await settle();
    expect((await stateOf(h.hub)).windows.get(1)?.status).toBe('open');
  });
});

describe('RS-485 evaluators on the caller bus', () => {
  it('rate the pending service of their window, once', async () => {
    const h = await startHub({ config: testConfig({ windows: 2, simCaller: true }) });
    try {
      const clerk = await openWindow(h.url, 2);
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
      await api(h.url, 'POST', '/windows/2/call-next', { token: clerk });
      const done = await api(h.url, 'POST', '/windows/2/complete', { token: clerk, body: { caseNo: 'RS-1' } });
      const sim = h.hub.caller!.simulator!;
      await h.hub.caller!.bus.flushed();
      await new Promise((r) => setTimeout(r, 50));
      expect(sim.ratingRequests(2)).toBeGreaterThan(0); // the evaluator was asked
      await sim.rate(2, 4);
      await expect.poll(async () => (await stateOf(h.hub)).ratings.get(done.body.serviceId)?.status).toBe('rated');
      expect((await stateOf(h.hub)).ratings.get(done.body.serviceId)).toMatchObject({ level: 4, channel: 'rs485' });
      await h.hub.handler.read(() => undefined);
      const seq = h.hub.handler.seq;
      await new Promise((r) => setTimeout(r, 1100)); // past the resend window: a real second press
      await sim.rate(2, 1);
      await new Promise((r) => setTimeout(r, 100));
      const extra = h.hub.db.prepare('SELECT type, actor, data FROM events WHERE seq > ?').all(seq);
      expect(extra).toEqual([]); // nothing pending: refused, one rating per service
    } finally {
      await h.dispose();
    }
  });
});
