import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { checkSmsGatewayConfig, SmsGatewayConfigSchema, type SmsGatewayConfig } from './gateway-config.ts';
import { buildGatewayRequest, HttpSmsGateway, parseDeliveryCallback, parseInboundCallback, readGatewayReply } from './http-gateway.ts';

function config(over: Record<string, unknown> = {}): SmsGatewayConfig {
  return Value.Default(
    SmsGatewayConfigSchema,
    structuredClone({
      url: 'https://sms.example.com/send',
      body: { fields: { mobile: '{to}', content: '{sign}{text}' } },
      success: { path: 'code', equals: ['0'] },
      messageIdPath: 'ids',
      inbound: { from: 'mobile', text: 'content', receivedAt: 'time', id: 'msgId' },
      delivery: { messageId: 'msgId', to: 'mobile', status: 'stat', deliveredWhen: ['DELIVRD'], at: 'time' },
      ...over,
    }),
  ) as SmsGatewayConfig;
}

describe('gateway config', () => {
  it('fills the defaults and passes the schema', () => {
    const c = config();
    expect([...Value.Errors(SmsGatewayConfigSchema, c)]).toEqual([]);
    expect(c).toMatchObject({ method: 'POST', body: { format: 'json' }, numberFormat: 'national', timeoutMs: 10_000, utcOffsetMinutes: 480 });
    expect(checkSmsGatewayConfig(c)).toEqual([]);
  });

  it('names unknown placeholders, dotted form fields and a template without {to} or {text}', () => {
    const c = config({ body: { format: 'form', fields: { 'a.b': '{phone}', c: 'x' } } });
    expect(checkSmsGatewayConfig(c).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'sms.gateway.body.fields.a.b: unknown placeholder {phone} (known: {to}, {text}, {sign})',
      'sms.gateway.body.fields.a.b: form and query fields are flat: no dots',
      'sms.gateway.body.fields: no field carries {to}',
      'sms.gateway.body.fields: no field carries {text}',
    ]);
  });
});

describe('request and reply', () => {
  it('fills {to} without +86 by default and leaves text with braces alone', () => {
    const r = buildGatewayRequest(config({ sign: '【中心】' }), '+8613800138000', '您的号是{A012}');
    expect(JSON.parse(r.body!)).toEqual({ mobile: '13800138000', content: '【中心】您的号是{A012}' });
  });

  it('reads per-part ids from an array, and refuses an answer without the success value', () => {
    expect(readGatewayReply(config(), 200, '{"code":0,"ids":[11,12]}')).toEqual({ refs: ['11', '12'] });
    expect(readGatewayReply(config(), 200, '{"code":"9"}')).toMatchObject({ code: 'HQ_ERR_SMS_GATEWAY_REFUSED', message: expect.stringContaining('code = "9"') });
    expect(readGatewayReply(config(), 200, '{"code":"0"}')).toMatchObject({ code: 'HQ_ERR_SMS_GATEWAY_BAD_REPLY' });
    expect(readGatewayReply(config(), 400, 'bad sign')).toMatchObject({ code: 'HQ_ERR_SMS_GATEWAY_REFUSED' });
    expect(readGatewayReply(config(), 302, '')).toMatchObject({ code: 'HQ_ERR_SMS_GATEWAY_BAD_REPLY' });
  });
});

describe('callbacks', () => {
  it('reads a received text from JSON or a form, its Beijing time, and the gateway id as ref', () => {
    const json = parseInboundCallback(config(), { mobile: '13900139000', content: '取消', time: '2026-12-07 09:30:00', msgId: 'R9' }, 0);
    expect(json).toEqual({ from: '13900139000', text: '取消', receivedAt: Date.UTC(2026, 11, 7, 1, 30, 0), parts: 1, complete: true, ref: 'gw:R9' });
    const form = parseInboundCallback(config({ inbound: { from: 'mobile', text: 'content' } }), 'mobile=13900139000&content=%E5%8F%96%E6%B6%88', 1234);
    expect(form).toMatchObject({ from: '13900139000', text: '取消', receivedAt: 1234, ref: expect.stringMatching(/^[0-9a-f]{32}$/) });
    // The same text at the same time from the same sender: the same ref.
    expect(parseInboundCallback(config({ inbound: { from: 'mobile', text: 'content' } }), { mobile: '13900139000', content: '取消' }, 1234).ref).toBe(form.ref);
    expect(() => parseInboundCallback(config(), { content: 'x' }, 0)).toThrow(expect.objectContaining({ code: 'HQ_ERR_SMS_BAD_PDU' }));
  });

  it('reads a delivery report, numeric ids as messageRef', () => {
    expect(parseDeliveryCallback(config(), { msgId: '42', mobile: '13800138000', stat: 'DELIVRD', time: 1_700_000_000 }, 0)).toEqual({
      messageRef: 42,
      ref: '42',
      to: '13800138000',
      delivered: true,
      status: 0,
      at: 1_700_000_000_000,
    });
    expect(parseDeliveryCallback(config(), { msgId: 'M-1', mobile: '13800138000', stat: 'UNDELIV', time: 1 }, 0)).toMatchObject({ messageRef: -1, ref: 'M-1', delivered: false, status: 0x40 });
  });

  it('hands a callback’s text to the handler and resolves only after it did', async () => {
    const gw = new HttpSmsGateway(config({ inbound: { from: 'mobile', text: 'content' } }));
    const seen: string[] = [];
    gw.onInbound(async (m) => {
      seen.push(m.text);
    });
    await gw.acceptInbound({ mobile: '13900139000', content: '好的' });
    expect(seen).toEqual(['好的']);
    gw.onInbound(() => Promise.reject(new Error('busy')));
    await expect(gw.acceptInbound({ mobile: '13900139000', content: '好的' })).rejects.toMatchObject({ code: 'HQ_ERR_SMS_HANDLER_FAILED' });
  });
});
