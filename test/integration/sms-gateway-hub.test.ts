import { afterEach, describe, expect, it } from 'vitest';
import { api, eventsIn, startHub, type RunningHub } from '../support/hub.ts';
import { testConfig } from '../support/test-config.ts';
import { MockSmsGateway } from '../mock-sms-gateway/mock-sms-gateway.ts';
import { parseHallConfig } from '../../src/config/load-hall-config.ts';

const GATEWAY_TOKEN = 'test-sms-gateway-token-0001';

async function until<T>(cond: () => T | undefined | null | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("SMS through the operator's HTTP gateway (issue #15 §2)", () => {
  let h: RunningHub;
  let mock: MockSmsGateway;
  afterEach(async () => {
    await h?.dispose();
    await mock?.stop();
  });

  async function start() {
    mock = await MockSmsGateway.start();
    const base = testConfig({
      sms: {
        gateway: {
          url: `${mock.url}/api/send`,
          body: { format: 'json', fields: { mobile: '{to}', content: '{sign}{text}' } },
          sign: '【测试镇政务】',
          success: { path: 'code', equals: [0] },
          messageIdPath: 'data.msgId',
          errorMessagePath: 'msg',
          inbound: { from: 'mobile', text: 'content', id: 'msgId' },
          delivery: { messageId: 'msgId', to: 'mobile', status: 'stat', deliveredWhen: ['DELIVRD'] },
        },
      },
    });
    // The gateway's callbacks present a device token of their own.
    const config = parseHallConfig({ ...structuredClone(base), devices: { ...base.devices, tokens: [...base.devices.tokens, { id: 'sms-gw', kind: 'sms-gateway', token: GATEWAY_TOKEN }] } } as never);
    h = await startHub({ config });
  }

  it('a callback with a text takes a ticket once; the reply goes to the gateway with its signature; a delivery report marks it', async () => {
    await start();
    const text = { mobile: '13812345678', content: '取号 SB', msgId: 'up-1' };
    expect((await api(h.url, 'POST', '/sms/gateway/inbound', { body: text })).status).toBe(401);
    expect((await api(h.url, 'POST', '/sms/gateway/inbound', { token: GATEWAY_TOKEN, body: text })).status).toBe(200);
    expect((await api(h.url, 'POST', '/sms/gateway/inbound', { token: GATEWAY_TOKEN, body: text })).status).toBe(200); // called again: one ticket
    const sent = await until(() => mock.requests.find((r) => r.path === '/api/send'));
    expect(sent.body).toMatchObject({ mobile: '13812345678' });
    expect((sent.body as { content: string }).content).toMatch(/^【测试镇政务】您已取号B001/);
    expect(eventsIn(h.hub.db, "type = 'ticket.issued'")).toHaveLength(1);
    const bad = await api(h.url, 'POST', '/sms/gateway/inbound', { token: GATEWAY_TOKEN, body: { nothing: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('短信网关回调格式不符合配置');
    const msgId = (await until(() => h.hub.sms!.outbox.list({ state: 'sent', limit: 5 })[0])).id;
    expect(msgId).toBeGreaterThan(0);
    const row = h.hub.db.prepare('SELECT refs FROM sms_outbox WHERE id = ?').pluck().get(msgId) as string;
    const ref = (JSON.parse(row) as string[])[0]!;
    expect((await api(h.url, 'POST', '/sms/gateway/delivery', { token: GATEWAY_TOKEN, body: { msgId: ref, mobile: '13812345678', stat: 'DELIVRD' } })).status).toBe(200);
    expect(h.hub.sms!.outbox.list({ state: 'delivered', limit: 5 })).toHaveLength(1);
  });
});
