import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock.ts';
import { api, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { RecordingClient } from '../support/socket-client.ts';
import { KIOSK, MONITOR, testConfig } from '../support/test-config.ts';

/**
 * The device health board and /metrics (issue #14 §2), against a real hub with its simulated kiosk
 * printer and ID reader: what the board says, who hears of it, the alarm that stays, the counts, and
 * the Prometheus text a monitoring system scrapes.
 */
let running: RunningHub | null = null;
const clients: RecordingClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running?.dispose();
  running = null;
});

/** One sample's value from the exposition text, by its name and labels in order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (.+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(/,(?=[a-z_]+=")/) : [];
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return null;
}

describe('the device health board', () => {
  it('lists every device, tells the guide desk and the manager of paper and cover at once, counts today, and keeps a down alarm until it is cleared', { timeout: 60_000 }, async () => {
    const clock = new FakeClock(Date.parse('2026-12-07T02:00:00Z'));
    running = await startHub({ config: testConfig({ simPrinter: true, simReader: true }), clock });
    const { url, hub } = running;
    const guide = await login(url, 'g1');
    const manager = await login(url, 'm1');

    const board = await api(url, 'GET', '/devices', { token: guide });
    expect(board.status).toBe(200);
    expect(board.body.devices.map((d: any) => d.id).sort()).toEqual(['idcard:kiosk-1', 'printer:kiosk-1']);
    const printer0 = board.body.devices.find((d: any) => d.id === 'printer:kiosk-1');
    expect(printer0).toMatchObject({ kind: 'printer', address: 'sim', host: 'hub', kioskId: 'kiosk-1', alarm: null });
    expect((await api(url, 'GET', '/devices', { token: KIOSK })).status).toBe(403);
    expect((await api(url, 'GET', '/devices')).status).toBe(401);

    // The guide desk and the manager are told; a clerk is not.
    const guideSocket = await RecordingClient.connect(url, { token: guide });
    const managerSocket = await RecordingClient.connect(url, { token: manager });
    const clerkSocket = await RecordingClient.connect(url, { token: await openWindow(url, 1) });
    clients.push(guideSocket, managerSocket, clerkSocket);
    expect((await api(url, 'POST', '/sim/printer/state', { token: guide, body: { action: 'paper-out' } })).status).toBe(200);
    const outToGuide = await guideSocket.waitForEvent('device.health', (d) => d.id === 'printer:kiosk-1' && d.printer.paper === 'out');
    expect(outToGuide).toMatchObject({ health: 'down', state: 'paper-out', guideAlert: { zh: '号票打印机缺纸，请更换纸卷' } });
    expect(outToGuide.downSince).toBe(clock.now());
    await managerSocket.waitForEvent('device.health', (d) => d.id === 'printer:kiosk-1' && d.printer.paper === 'out');
    expect(clerkSocket.of('device.health')).toEqual([]);

    // Down for the alarm time (5 minutes by default): the alarm is raised and stays after the paper is back.
    clock.advance(4 * 60_000);
    hub.devices.tick();
    expect(hub.devices.get('printer:kiosk-1')!.alarm).toBeNull();
    clock.advance(60_000);
    hub.devices.tick();
    const alarmed = await managerSocket.waitForEvent('device.health', (d) => d.id === 'printer:kiosk-1' && d.alarm !== null);
    expect(alarmed.alarm).toEqual({ raisedAt: clock.now(), downSince: clock.now() - 5 * 60_000, recovered: false });
    await api(url, 'POST', '/sim/printer/state', { token: guide, body: { action: 'paper-in' } });
    await guideSocket.waitForEvent('device.health', (d) => d.id === 'printer:kiosk-1' && d.health === 'ok');
    expect(hub.devices.get('printer:kiosk-1')!.alarm).toMatchObject({ recovered: true });
    expect(hub.devices.get('printer:kiosk-1')!.lastError).toMatchObject({ message: expect.stringMatching(/^paper-out/) });
    expect((await api(url, 'POST', '/devices/printer:kiosk-1/alarm/clear', { token: KIOSK })).status).toBe(403);
    expect((await api(url, 'POST', '/devices/printer:nowhere/alarm/clear', { token: guide })).status).toBe(404);
    const cleared = await api(url, 'POST', '/devices/printer:kiosk-1/alarm/clear', { token: guide });
    expect(cleared.status).toBe(200);
    expect(cleared.body.device.alarm).toBeNull();

    // The cover, then a ticket printed and a card read: counted for today.
    await api(url, 'POST', '/sim/printer/state', { token: guide, body: { action: 'cover-open' } });
    expect((await guideSocket.waitForEvent('device.health', (d) => d.printer?.coverOpen === true)).guideAlert.en).toContain('cover is open');
    await api(url, 'POST', '/sim/printer/state', { token: guide, body: { action: 'cover-close' } });
    expect((await api(url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).status).toBe(201);
    await guideSocket.waitForEvent('device.health', (d) => d.id === 'printer:kiosk-1' && d.today.prints === 1);
    expect((await api(url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '张三丰', idNumber: '11010519491231002X' } })).status).toBeLessThan(300);
    await guideSocket.waitForEvent('device.health', (d) => d.id === 'idcard:kiosk-1' && d.today.cardReads === 1);
    expect(hub.devices.get('printer:kiosk-1')!.today).toMatchObject({ date: '2026-12-07', prints: 1, faults: 2 });
  });
});

describe('/metrics', () => {
  it('gives the queue, windows, calls, outbox, devices, commit latency and socket clients in Prometheus text, to the monitoring token only', { timeout: 60_000 }, async () => {
    running = await startHub({ config: testConfig({ simPrinter: true }) });
    const { url } = running;
    const bare = await fetch(`${url}/metrics`);
    expect(bare.status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${KIOSK}` } })).status).toBe(403);

    const clerk = await openWindow(url, 1);
    for (const categoryId of ['ZX', 'ZX', 'SB']) expect((await api(url, 'POST', '/tickets', { token: KIOSK, body: { categoryId } })).status).toBe(201);
    expect((await api(url, 'POST', '/windows/1/call-next', { token: clerk })).status).toBe(200);
    expect((await api(url, 'POST', '/windows/1/recall', { token: clerk })).status).toBe(200);
    const screen = await RecordingClient.connect(url, {});
    clients.push(screen);

    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${MONITOR}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('# TYPE hallq_commit_duration_seconds histogram');
    const waiting = (sample(text, 'hallq_queue_waiting', { category: 'ZX' }) ?? 0) + (sample(text, 'hallq_queue_waiting', { category: 'SB' }) ?? 0);
    expect(waiting).toBe(2);
    expect(sample(text, 'hallq_queue_waiting', { category: 'MZ' })).toBe(0);
    expect(sample(text, 'hallq_queue_longest_wait_seconds', { category: 'MZ' })).toBe(0);
    expect(sample(text, 'hallq_windows', { state: 'open' })).toBe(1);
    expect(sample(text, 'hallq_windows', { state: 'closed' })).toBe(2);
    expect(sample(text, 'hallq_calls_total', { kind: 'call' })).toBe(1);
    expect(sample(text, 'hallq_calls_total', { kind: 'recall' })).toBe(1);
    expect(sample(text, 'hallq_tickets_issued_total')).toBe(3);
    expect(sample(text, 'hallq_upstream_backlog')).toBe(0);
    expect(sample(text, 'hallq_device_health', { device: 'printer:kiosk-1', health: 'ok' })).toBe(1);
    expect(sample(text, 'hallq_device_health', { device: 'printer:kiosk-1', health: 'down' })).toBe(0);
    const commits = sample(text, 'hallq_commit_duration_seconds_count')!;
    expect(commits).toBeGreaterThanOrEqual(6);
    expect(sample(text, 'hallq_commit_duration_seconds_bucket', { le: '+Inf' })).toBe(commits);
    expect(sample(text, 'hallq_commit_duration_seconds_sum')).toBeGreaterThan(0);
    expect(sample(text, 'hallq_socket_clients')).toBeGreaterThanOrEqual(1);
    // Every sample line is well formed.
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [-+0-9.eInfNa]+)$/);
  });
});
