import { afterEach, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { api, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { expectRefused, RecordingClient } from '../support/socket-client.ts';
import { KIOSK, padToken } from '../support/test-config.ts';
import { PUBLIC_MAX_REPLAY } from '../../src/realtime/protocol.ts';

/** Realtime contract (DESIGN §4): snapshot, replay on resume (also across a restart), masking per audience, rooms. */
describe('realtime (socket.io)', () => {
  const hubs: RunningHub[] = [];
  const clients: RecordingClient[] = [];

  async function hub(dir?: string): Promise<RunningHub> {
    const h = await startHub(dir ? { dir } : {});
    hubs.push(h);
    return h;
  }
  async function client(h: RunningHub, auth: Record<string, unknown> = {}): Promise<RecordingClient> {
    const c = await RecordingClient.connect(h.url, auth);
    clients.push(c);
    return c;
  }
  const issue = async (h: RunningHub, categoryId = 'ZX', extra: Record<string, unknown> = {}) => {
    const r = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId, ...extra } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.ticket as { id: string; number: string };
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    // Stop in reverse: a restarted hub shares its directory with the one before it.
    for (const h of hubs.splice(0).reverse()) await h.dispose();
  });

  it('sends a snapshot on connect and joins an anonymous client to the hall room', async () => {
    const h = await hub();
    await issue(h);
    const c = await client(h, {});
    const snap = await c.waitForEvent('snapshot');
    expect(snap.seq).toBe(h.hub.handler.seq);
    expect(snap.seq).toBe(1);
    expect(snap.hubId).toBe(h.hub.hubId);
    expect(snap.rooms).toEqual(['hall']);
    expect(snap.state.categories.map((x: { id: string }) => x.id)).toEqual(['ZX', 'SB', 'MZ']);
    expect(snap.state.categories.find((x: { id: string }) => x.id === 'ZX').waiting).toBe(1);
    expect(c.of('resumed')).toEqual([]);

    // Live events follow the snapshot, numbered after it.
    await issue(h, 'SB');
    const live = await c.waitForEvent('ticket.issued');
    expect(live.seq).toBe(2);
    expect(live.type).toBe('ticket.issued');
    expect(live.data.number).toBe('B001');
  });

  it('replays exactly the missed events, in order, after a resume', async () => {
    const h = await hub();
    const first = await client(h, {});
    await first.waitForEvent('snapshot');
    await issue(h);
    await first.waitForEvent('ticket.issued');
    const lastSeq = first.lastSeq();
    expect(lastSeq).toBe(1);
    first.close();

    // While the screen is away: two tickets, a sign-in, a call, a recall, a start, a completion
    // (which also asks the window's pad for a rating).
    await issue(h, 'ZX');
    await issue(h, 'SB');
    const clerk = await openWindow(h.url, 1);
    const call = await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    expect(call.status).toBe(200);
    const recall = await api(h.url, 'POST', '/windows/1/recall', { token: clerk });
    expect(recall.status).toBe(200);
    expect((await api(h.url, 'POST', '/windows/1/start', { token: clerk })).status).toBe(200);
    expect((await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: { caseNo: 'BJ-1' } })).status).toBe(200);
    const seqAfter = h.hub.handler.seq;
    expect(seqAfter).toBe(lastSeq + 8);

    const back = await client(h, { lastSeq, hubId: h.hub.hubId });
    const resumed = await back.waitForEvent('resumed');
    // The rating request is for the window's pad and the manager, not for a public screen.
    expect(resumed).toEqual({ hubId: h.hub.hubId, fromSeq: lastSeq, seq: seqAfter, replayed: 7, now: expect.any(Number) });
    // One batched message, not one emit per event.
    expect(back.of('replay')).toHaveLength(1);

    // A barrier: one more live event; everything before it in the stream has arrived.
    await issue(h, 'SB');
    await back.waitForEvent('ticket.issued', (e) => e.seq === seqAfter + 1);

    const beforeResumed = back.received.slice(0, back.received.findIndex((r) => r.event === 'resumed')).filter((r) => r.replayed);
    expect(beforeResumed.map((r) => r.event)).toEqual(['ticket.issued', 'ticket.issued', 'window.opened', 'ticket.called', 'ticket.called', 'ticket.started', 'ticket.completed']);
    const replayed = beforeResumed.map((r) => r.payload);
    expect(replayed.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    for (const [i, e] of replayed.entries()) {
      expect(e.type).toBe(beforeResumed[i]!.event);
      expect(typeof e.at).toBe('number');
      expect(e.data).toBeTypeOf('object');
    }
    expect(replayed[0].data.number).toBe('A002');
    expect(replayed[1].data.number).toBe('B001');
    expect(replayed[2].data.windowId).toBe(1);
    // The first ticket (A001, issued while the screen watched) is the one called: each call its own callId.
    const calls = replayed.filter((e) => e.type === 'ticket.called');
    expect(calls.map((e) => e.data.number)).toEqual(['A001', 'A001']);
    expect(calls.map((e) => e.data.recall)).toEqual([false, true]);
    expect(calls[0].data.callId).toBe(call.body.callId);
    expect(calls[1].data.callId).toBe(recall.body.callId);
    expect(new Set(calls.map((e) => e.data.callId)).size).toBe(2);

    // No snapshot, no envelope twice, and nothing the first client had already seen.
    expect(back.of('snapshot')).toEqual([]);
    const seqs = back.received.filter((r) => r.payload?.type !== undefined && r.event !== 'queue.counts').map((r) => r.payload.seq as number);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Math.min(...seqs)).toBe(lastSeq + 1);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('keeps its identity across a restart, so a screen resumes and gets what it missed', async () => {
    const h1 = await hub();
    const c1 = await client(h1, {});
    await c1.waitForEvent('snapshot');
    const t = await issue(h1, 'ZX');
    await c1.waitForEvent('ticket.issued', (e) => e.seq === 1);
    const lastSeq = c1.lastSeq();
    const hubId = h1.hub.hubId;
    c1.close();
    // Missed by the screen, just before the restart.
    await issue(h1, 'SB');
    const clerk = await openWindow(h1.url, 1);
    const call = await api(h1.url, 'POST', '/windows/1/call-next', { token: clerk });
    await h1.stop();

    const h2 = await hub(h1.dir);
    expect(h2.hub.hubId).toBe(hubId);
    const c2 = await client(h2, { lastSeq, hubId });
    const resumed = await c2.waitForEvent('resumed');
    expect(resumed).toMatchObject({ hubId, fromSeq: lastSeq, seq: lastSeq + 3, replayed: 3 });
    expect(c2.of('snapshot')).toEqual([]);
    const missedCall = c2.received.find((r) => r.replayed && r.event === 'ticket.called');
    expect(missedCall?.payload.data.callId).toBe(call.body.callId);
    // The announcement of that call can still be had, from the restarted hub.
    const a = await fetch(`${h2.url}/api/v1/announcements/calls/${call.body.callId}`);
    expect(a.status).toBe(200);
    expect(await a.json()).toMatchObject({ callId: call.body.callId, number: 'A001', windowId: 1 });
    expect((await api(h2.url, 'GET', `/tickets/${t.id}`)).body.ticket.number).toBe('A001');
  });

  it('gets a new identity only with a new log: another data dir means a snapshot', async () => {
    const h1 = await hub();
    await issue(h1, 'ZX');
    const other = await hub();
    expect(other.hub.hubId).not.toBe(h1.hub.hubId);
    const c = await client(other, { lastSeq: 0, hubId: h1.hub.hubId });
    expect((await c.waitForEvent('snapshot')).hubId).toBe(other.hub.hubId);
  });

  it('falls back to a snapshot when lastSeq is ahead of the hub or the hubId is unknown', async () => {
    const h = await hub();
    await issue(h);
    const ahead = await client(h, { lastSeq: 50, hubId: h.hub.hubId });
    expect((await ahead.waitForEvent('snapshot')).seq).toBe(1);
    const stranger = await client(h, { lastSeq: 0, hubId: 'not-this-hub' });
    expect((await stranger.waitForEvent('snapshot')).seq).toBe(1);
    await issue(h);
    await ahead.waitForEvent('ticket.issued');
    await stranger.waitForEvent('ticket.issued');
    expect(ahead.of('resumed')).toEqual([]);
    expect(stranger.of('resumed')).toEqual([]);
  });

  it('gives the hall the number, the category and the window only, and the manager everything', async () => {
    const h = await hub();
    const idNumber = withCheckDigit('33010219500101123');
    const hall = await client(h, {});
    const managerToken = await login(h.url, 'm1');
    const manager = await client(h, { token: managerToken });
    await hall.waitForEvent('snapshot');
    const mSnap = await manager.waitForEvent('snapshot');
    expect(mSnap.rooms).toEqual(expect.arrayContaining(['hall', 'manager']));

    const card = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '张三丰', idNumber } });
    expect(card.status).toBe(201);
    const t = await issue(h, 'ZX', { cardToken: card.body.card.cardToken, phone: '13812345678' });
    const pub = await hall.waitForEvent('ticket.issued', (e) => e.data.number === t.number);
    const full = await manager.waitForEvent('ticket.issued', (e) => e.data.ticketId === t.id);

    const pubJson = JSON.stringify(pub);
    // Not even the masked name, nor the priority group, nor the ticket id (the key to /t/<id>).
    for (const secret of ['hmac', 'idMasked', 'birthYear', 'phoneMasked', 'appointmentCode', 'holder', 'priorityGroup', t.id, idNumber, '张', '5678']) {
      expect(pubJson, `hall payload leaks ${secret}`).not.toContain(secret);
    }
    expect(Object.keys(pub.data).sort()).toEqual(['businessDate', 'categoryId', 'extended', 'issuedAt', 'number', 'prefix']);

    expect(full.data.holder.hmac).toMatch(/^[-\w]{22}$/);
    expect(full.data.holder.nameMasked).toBe('张*丰');
    expect(full.data.holder.birthYear).toBe(1950);
    expect(full.data.phoneMasked).toBeTypeOf('string');
    // Even the manager never sees the full number or the full name.
    expect(JSON.stringify(full)).not.toContain(idNumber);
    expect(JSON.stringify(full)).not.toContain('张三丰');

    // Barrier, then: each client got that ticket exactly once, in its own form.
    await issue(h, 'SB');
    await hall.waitForEvent('ticket.issued', (e) => e.data.number === 'B001');
    await manager.waitForEvent('ticket.issued', (e) => e.data.number === 'B001');
    expect(hall.of('ticket.issued').filter((e) => e.data.number === t.number)).toHaveLength(1);
    expect(manager.of('ticket.issued').filter((e) => e.data.ticketId === t.id)).toHaveLength(1);

    // The snapshot a wall gets is masked too.
    const late = await client(h, {});
    const snap = await late.waitForEvent('snapshot');
    const snapJson = JSON.stringify(snap);
    for (const secret of ['hmac', 'idMasked', 'birthYear', idNumber, '张三丰', t.id]) expect(snapJson).not.toContain(secret);
  });

  it('keeps ratings off public screens, and the rater off the rated clerk: level and reasons only', async () => {
    const h = await hub();
    const hall = await client(h, {});
    await hall.waitForEvent('snapshot');
    const card = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '李四', idNumber: withCheckDigit('44010619881212345') } });
    await issue(h, 'ZX', { cardToken: card.body.card.cardToken });
    const clerkToken = await openWindow(h.url, 1);
    const clerk = await client(h, { token: clerkToken });
    await clerk.waitForEvent('snapshot');
    const manager = await client(h, { token: await login(h.url, 'm1') });
    await manager.waitForEvent('snapshot');
    const pad = await client(h, { token: padToken(1) });
    await pad.waitForEvent('snapshot');
    await api(h.url, 'POST', '/windows/1/call-next', { token: clerkToken });
    const done = await api(h.url, 'POST', '/windows/1/complete', { token: clerkToken, body: { caseNo: 'BJ-9', itemCode: 'X1' } });
    await pad.waitForEvent('rating.requested');
    const rated = await api(h.url, 'POST', '/ratings', {
      token: padToken(1),
      body: { serviceId: done.body.serviceId, level: 1, reasons: ['服务态度'], comment: '太慢了' },
    });
    expect(rated.status).toBe(201);
    const full = await manager.waitForEvent('rating.recorded');
    const staff = await clerk.waitForEvent('rating.recorded');
    const padSeen = await pad.waitForEvent('rating.recorded');
    expect(full.data.holder.hmac).toMatch(/^[-\w]{22}$/);
    expect(full.data.comment).toBe('太慢了');
    expect(staff.data).toMatchObject({ level: 1, reasons: ['服务态度'] });
    expect(staff.data.holder).toBeUndefined();
    expect(staff.data.comment).toBeUndefined();
    expect(Object.keys(padSeen.data).sort()).toEqual(['label', 'level', 'ratedAt', 'ratingId', 'serviceId', 'windowId']);
    // Barrier: the hall saw the completion, and no rating or follow-up at all.
    await issue(h, 'SB');
    await hall.waitForEvent('ticket.issued', (e) => e.data.number === 'B001');
    const hallTypes = hall.received.map((r) => r.event);
    expect(hallTypes).toContain('ticket.completed');
    expect(hallTypes.filter((t) => t.startsWith('rating.') || t.startsWith('followup.'))).toEqual([]);
  });

  it('gives a public screen far behind a snapshot, not thousands of replayed events', async () => {
    const h = await hub();
    await issue(h, 'ZX');
    const clerk = await openWindow(h.url, 1);
    for (let i = 0; i < PUBLIC_MAX_REPLAY / 2 + 5; i++) {
      await api(h.url, 'POST', '/windows/1/pause', { token: clerk, body: { reason: '离开' } });
      await api(h.url, 'POST', '/windows/1/resume', { token: clerk });
    }
    const seq = h.hub.handler.seq;
    const anon = await client(h, { lastSeq: 1, hubId: h.hub.hubId });
    expect((await anon.waitForEvent('snapshot')).seq).toBe(seq);
    expect(anon.of('replay')).toEqual([]);
    // A manager may replay that much.
    const manager = await client(h, { token: await login(h.url, 'm1'), lastSeq: 1, hubId: h.hub.hubId });
    expect((await manager.waitForEvent('resumed')).replayed).toBe(seq - 1);
  });

  it('refuses the manager room without a token, with a clerk token, and a bad token', async () => {
    const h = await hub();
    const anon = await expectRefused(h.url, { rooms: ['manager'] });
    expect(anon.message).toContain('HQ_ERR_FORBIDDEN');
    expect(anon.data?.rooms).toEqual(['manager']);
    const clerk = await login(h.url, 'c1');
    const asClerk = await expectRefused(h.url, { token: clerk, rooms: ['hall', 'manager'] });
    expect(asClerk.message).toContain('HQ_ERR_FORBIDDEN');
    const bad = await expectRefused(h.url, { token: 'st_not-a-real-token' });
    expect(bad.message).toContain('HQ_ERR_AUTH_REQUIRED');
    const otherWindow = await expectRefused(h.url, { token: clerk, rooms: ['window:2'] });
    expect(otherWindow.message).toContain('HQ_ERR_FORBIDDEN');
  });

  it("puts a clerk in their window's rooms and keeps other windows out of a window-only client", async () => {
    const h = await hub();
    const c1 = await login(h.url, 'c1');
    const byDefault = await client(h, { token: c1 });
    const snap = await byDefault.waitForEvent('snapshot');
    expect(snap.rooms).toEqual(expect.arrayContaining(['hall', 'clerk:c1', 'window:1']));
    expect(snap.rooms).not.toContain('window:2');
    const only1 = await client(h, { token: c1, rooms: ['window:1'] });
    expect((await only1.waitForEvent('snapshot')).rooms).toEqual(['window:1']);

    await openWindow(h.url, 2);
    await issue(h, 'ZX');
    await api(h.url, 'POST', '/windows/1/open', { token: c1, body: { role: 'A' } });
    const opened = await byDefault.waitForEvent('window.opened', (e) => e.data.windowId === 1);
    expect(opened.data.staffId).toBe('c1');
    await only1.waitForEvent('window.opened', (e) => e.data.windowId === 1);

    const call = await api(h.url, 'POST', '/windows/1/call-next', { token: c1 });
    expect(call.status).toBe(200);
    const called = await only1.waitForEvent('ticket.called');
    expect(called.data.windowId).toBe(1);
    expect(called.data.callId).toBe(call.body.callId);
    await byDefault.waitForEvent('ticket.called', (e) => e.data.callId === call.body.callId);

    // The window-only client saw window 1's events and nothing of window 2 or the kiosk.
    const types = only1.of().filter((p) => p.type !== undefined);
    expect(types.map((e) => `${e.type}:${e.data.windowId}`)).toEqual(['window.opened:1', 'ticket.called:1']);
    expect(only1.of('queue.counts')).toEqual([]);
    // The default rooms include the hall: window 2's sign-in reached it there.
    expect(byDefault.of('window.opened').map((e) => e.data.windowId)).toEqual([2, 1]);
  });
});
