import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startHub, type RunningHub } from '../support/hub.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

describe('kiosk ticket printing through the hub', () => {
  let h: RunningHub;
  beforeAll(async () => {
    h = await startHub({ config: testConfig({ simPrinter: true }) });
  });
  afterAll(async () => {
    await h.dispose();
  });
  const fake = () => h.hub.printers.get('kiosk-1')!.fake!;

  it('prints a committed kiosk ticket: number, category in Chinese, footer and a QR to its status page', async () => {
    const r = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
    expect(r.status).toBe(201);
    expect(r.body.print.state).toBe('printing');
    const [receipt] = await fake().waitForReceipts(1);
    const text = receipt!.lines.join('\n');
    expect(text).toContain(r.body.ticket.number);
    expect(text).toContain('社保');
    expect(text).toContain('请留意叫号，过号请重新取号');
    expect(text).toContain('测试镇便民服务中心');
    // Issue #13: which windows serve it, what to bring (一次性告知), valid today only.
    expect(text).toContain('办理窗口：1号 窗口1、2号 窗口2、3号 窗口3');
    expect(text).toContain('请携带：身份证、社保卡');
    expect(text).toMatch(/本号票仅限\d{4}-\d{2}-\d{2}当日有效/);
    // Nobody signed in for 社保 yet: the paper says so instead of a number of minutes.
    expect(text).toContain('暂无窗口受理，开放后按序叫号');
    expect(text).not.toContain('预计等候');
    expect(receipt!.qrCodes).toEqual([`${h.url.replace('127.0.0.1', 'localhost')}/t/${r.body.ticket.id}`]);
    const sim = await api(h.url, 'GET', '/sim/printer/receipts', { token: KIOSK });
    expect(sim.body.receipts).toHaveLength(1);
    const png = await fetch(`${h.url}/api/v1/sim/printer/latest.png`, { headers: { authorization: `Bearer ${KIOSK}` } });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
  });

  it('keeps the ticket valid with the printer down, says so at once, and alerts the manager room', async () => {
    const { io: connect } = await import('socket.io-client');
    const manager = await login(h.url, 'm1');
    const room = connect(h.url, { transports: ['websocket'], auth: { token: manager, rooms: ['manager'] } });
    const statuses: { state: string; kind: string }[] = [];
    room.on('device.status', (s) => statuses.push(s));
    await new Promise<void>((resolve) => room.once('snapshot', () => resolve()));
    try {
      const off = await api(h.url, 'POST', '/sim/printer/state', { token: KIOSK, body: { action: 'offline' } });
      expect(off.body.state).toBe('unavailable');
      const r = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      expect(r.status).toBe(201);
      expect(r.body.print.state).toBe('unavailable');
      expect((await api(h.url, 'GET', `/tickets/${r.body.ticket.id}`)).body.ticket.status).toBe('waiting');
      await new Promise((res) => setTimeout(res, 200));
      expect(statuses.some((s) => s.kind === 'printer' && s.state === 'offline')).toBe(true);
      // Back online, the guide desk reprints it.
      await api(h.url, 'POST', '/sim/printer/state', { token: KIOSK, body: { action: 'online' } });
      const guide = await login(h.url, 'g1');
      const before = fake().receipts.length;
      const again = await api(h.url, 'POST', `/tickets/${r.body.ticket.id}/print`, { token: guide });
      expect(again.status).toBe(200);
      const receipts = await fake().waitForReceipts(before + 1, 20_000);
      expect(receipts.at(-1)!.lines.join('\n')).toContain(r.body.ticket.number);
    } finally {
      room.close();
    }
  }, 40_000);
});
