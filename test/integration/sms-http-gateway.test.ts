import { Value } from '@sinclair/typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmsError } from '../../devices/sms-modem/errors.ts';
import { SmsGatewayConfigSchema, type SmsGatewayConfig } from '../../src/sms/gateway-config.ts';
import { HttpSmsGateway } from '../../src/sms/http-gateway.ts';
import { MockSmsGateway } from '../mock-sms-gateway/mock-sms-gateway.ts';

// The gateway adapter against a real HTTP server: success, a refusal in the body, a stalled
// gateway, a 5xx, an HTML answer; JSON, form and GET shapes.

let mock: MockSmsGateway;
beforeEach(async () => {
  mock = await MockSmsGateway.start();
});
afterEach(async () => {
  await mock.stop();
});

function config(over: Record<string, unknown> = {}): SmsGatewayConfig {
  const raw = {
    url: `${mock.url}/api/send`,
    headers: { 'X-App-Key': 'hall-01' },
    body: { format: 'json', fields: { mobile: '{to}', content: '{sign}{text}', 'ext.channel': '01' } },
    sign: '【某某镇便民服务中心】',
    success: { path: 'code', equals: [0] },
    messageIdPath: 'data.msgId',
    errorMessagePath: 'msg',
    timeoutMs: 500,
    ...over,
  };
  const c = Value.Default(SmsGatewayConfigSchema, structuredClone(raw));
  expect([...Value.Errors(SmsGatewayConfigSchema, c)]).toEqual([]);
  return c as SmsGatewayConfig;
}

describe('HttpSmsGateway against a real HTTP server', () => {
  it('posts the JSON template filled in, and resolves with the gateway’s message id', async () => {
    const gw = new HttpSmsGateway(config());
    await expect(gw.send('+8613800138000', '请到3号窗口办理')).resolves.toEqual({ refs: ['M1'] });
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/send',
      contentType: 'application/json;charset=UTF-8',
      headers: { 'x-app-key': 'hall-01' },
      body: { mobile: '13800138000', content: '【某某镇便民服务中心】请到3号窗口办理', ext: { channel: '01' } },
    });
    expect(gw.state()).toEqual({ state: 'ok', lastError: null });
  });

  it('sends a form, or a GET query, when configured so', async () => {
    const form = new HttpSmsGateway(config({ body: { format: 'form', fields: { phone: '{to}', msg: '{text}' } }, numberFormat: 'international' }));
    await form.send('13800138000', '办结');
    expect(mock.requests[0]).toMatchObject({ contentType: 'application/x-www-form-urlencoded;charset=UTF-8', body: { phone: '+8613800138000', msg: '办结' } });
    const get = new HttpSmsGateway(config({ method: 'GET', body: { format: 'form', fields: { phone: '{to}', msg: '{text}' } } }));
    await get.send('13800138000', '办结');
    expect(mock.requests[1]).toMatchObject({ method: 'GET', query: { phone: '13800138000', msg: '办结' } });
  });

  it('rejects a refusal in the body with the gateway’s own message', async () => {
    mock.mode = 'refuse';
    const gw = new HttpSmsGateway(config());
    const err = await gw.send('13800138000', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmsError);
    expect(err).toMatchObject({ code: 'HQ_ERR_SMS_GATEWAY_REFUSED', retryable: false, message: expect.stringContaining('短信签名未报备'), messageZh: '短信网关拒绝发送：短信签名未报备' });
    // A refusal is about this message: the channel stays usable.
    expect(gw.state()).toMatchObject({ state: 'ok', lastError: expect.stringContaining('1003') });
  });

  it('times out a gateway that does not answer, and is degraded until a send succeeds', async () => {
    mock.mode = 'stall';
    const gw = new HttpSmsGateway(config({ timeoutMs: 200 }));
    await expect(gw.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_GATEWAY_TIMEOUT', retryable: true });
    expect(gw.state().state).toBe('degraded');
    mock.mode = 'ok';
    await gw.send('13800138000', 'x');
    expect(gw.state()).toEqual({ state: 'ok', lastError: null });
  });

  it('takes a 5xx as unavailable and an HTML answer as a bad reply', async () => {
    mock.mode = 'fail';
    const gw = new HttpSmsGateway(config());
    await expect(gw.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_GATEWAY_UNAVAILABLE', message: expect.stringContaining('HTTP 503') });
    mock.mode = 'garbled';
    await expect(gw.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_GATEWAY_BAD_REPLY' });
  });

  it('takes a refused connection as unavailable', async () => {
    const gw = new HttpSmsGateway(config());
    await mock.stop();
    await expect(gw.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_GATEWAY_UNAVAILABLE', message: expect.stringContaining('network') });
    mock = await MockSmsGateway.start();
  });

  it('refuses a bad number before any request, and everything after close()', async () => {
    const gw = new HttpSmsGateway(config());
    await expect(gw.send('138-0013', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_BAD_NUMBER' });
    await gw.close();
    await expect(gw.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_STOPPED' });
    expect(gw.state().state).toBe('down');
    expect(mock.requests).toEqual([]);
  });
});
