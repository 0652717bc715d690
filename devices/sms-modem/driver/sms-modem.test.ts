import { afterEach, describe, expect, it } from 'vitest';
import { SmsError } from '../errors.ts';
import type { SmsInbound } from '../channel.ts';
import { EPOCH, modemRig } from '../test-support/modem-rig.ts';

const rigs: ReturnType<typeof modemRig>[] = [];
function rig(...args: Parameters<typeof modemRig>) {
  const r = modemRig(...args);
  rigs.push(r);
  return r;
}
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.modem.close();
});

async function started(r: ReturnType<typeof modemRig>) {
  r.modem.start();
  await r.clock.until(() => r.modem.state().state !== 'down' || r.errors.length > 0);
  return r;
}

describe('SmsModem ↔ SmsModemSimulator (in memory, virtual time)', () => {
  it('initialises the modem in PDU mode with +CMTI and +CDS indications, and reports ok', async () => {
    const r = await started(rig());
    expect(r.modem.state()).toEqual({ state: 'ok', lastError: null });
    expect(r.sim.received.slice(0, 9)).toEqual(['AT', 'ATE0', 'AT+CMEE=1', 'AT+CPIN?', 'AT+CMGF=0', 'AT+CPMS="SM","SM","SM"', 'AT+CNMI=2,1,0,1,0', 'AT+CSQ', 'AT+CMGL=4']);
    expect(r.modem.signal).toBe(20);
  });

  it('sends a Chinese text in UCS-2 with a status report requested, and hands the delivery report over by reference', async () => {
    const r = await started(rig());
    const { refs } = await r.modem.send('+8613800138000', '请到3号窗口办理');
    expect(refs).toEqual(['1']);
    expect(r.sim.sent).toMatchObject([{ messageRef: 1, to: '+8613800138000', text: '请到3号窗口办理', statusReportRequested: true, concat: null }]);
    await r.clock.until(() => r.deliveries.length > 0);
    expect(r.deliveries).toEqual([{ messageRef: 1, to: '+8613800138000', delivered: true, status: 0, at: expect.any(Number) }]);
  });

  it('reads a delivery report a modem stored on the SIM (+CDSI), and deletes it', async () => {
    const r = await started(rig({ sim: { storeReports: true } }));
    await r.modem.send('13800138000', '办结通知');
    await r.clock.until(() => r.deliveries.length === 1);
    expect(r.deliveries[0]).toMatchObject({ messageRef: 1, to: '13800138000', delivered: true });
    await r.clock.until(() => r.sim.stored.size === 0);
  });

  it('splits a long text into concatenated parts with one reference, one message reference each', async () => {
    const r = await started(rig());
    const text = '您预约的业务已可办理，'.repeat(15);
    const { refs } = await r.modem.send('13800138000', text);
    expect(refs).toEqual(['1', '2', '3']);
    expect(r.sim.sent.map((s) => s.concat)).toEqual([1, 2, 3].map((seq) => ({ ref: 0x40, refBits: 8, total: 3, seq })));
    expect(r.sim.sent.map((s) => s.text).join('')).toBe(text);
    // The next long text gets the next reference.
    await r.modem.send('13800138000', text);
    expect(r.sim.sent[3]!.concat?.ref).toBe(0x41);
  });

  it('rejects with a clear error when the network is out of order (+CMS ERROR: 38), degraded until a send succeeds', async () => {
    const r = await started(rig());
    r.sim.failNextSend(38);
    const err = await r.modem.send('+8613800138000', 'hi').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmsError);
    expect(err).toMatchObject({ code: 'HQ_ERR_SMS_NETWORK', cms: 38, retryable: true, messageZh: expect.stringContaining('网络') });
    expect(r.modem.state().state).toBe('degraded');
    await r.modem.send('+8613800138000', 'hi again');
    expect(r.modem.state()).toEqual({ state: 'ok', lastError: null });
  });

  it('maps the network’s refusals to their own codes', async () => {
    const r = await started(rig());
    r.sim.failNextSend(1);
    await expect(r.modem.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_BAD_NUMBER', retryable: false });
    r.sim.failNextSend(21);
    await expect(r.modem.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_REFUSED' });
    await expect(r.modem.send('138-0013', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_BAD_NUMBER' });
  });

  it('is down without a SIM, says so, and comes up once a SIM is in', async () => {
    const r = await started(rig({ sim: { sim: 'absent' } }));
    expect(r.modem.state()).toMatchObject({ state: 'down', lastError: expect.stringContaining('+CME ERROR: 10') });
    expect(r.errors[0]).toBe('HQ_ERR_SMS_NO_SIM');
    await expect(r.modem.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_MODEM_DOWN' });
    r.sim.sim = 'ready';
    await r.clock.until(() => r.modem.state().state === 'ok');
    expect(r.states).toEqual(['down', 'ok']);
  });

  it('reads a SIM that asks for a PIN as a person’s job, not the network’s', async () => {
    const r = await started(rig({ sim: { sim: 'pin' } }));
    expect(r.errors[0]).toBe('HQ_ERR_SMS_SIM_PIN');
  });

  it('is degraded with no signal', async () => {
    const r = await started(rig({ sim: { signal: 99 } }));
    expect(r.modem.state()).toEqual({ state: 'degraded', lastError: 'no network signal (AT+CSQ 99)' });
  });

  it('hands a received text over, and deletes it from the SIM only after the handler resolved', async () => {
    let release!: () => void;
    const got: SmsInbound[] = [];
    const r = await started(
      rig({
        handler: (m) => {
          got.push(m);
          return new Promise<void>((resolve) => (release = resolve));
        },
      }),
    );
    const [index] = r.sim.inject('+8613900139000', '取消预约', { at: EPOCH + 5_000 });
    await r.clock.until(() => got.length === 1);
    expect(got[0]).toEqual({ from: '+8613900139000', text: '取消预约', receivedAt: EPOCH + 5_000, parts: 1, complete: true, ref: expect.stringMatching(/^[0-9a-f]{32}$/) });
    await r.clock.advance(1_000);
    expect(r.sim.stored.has(index!)).toBe(true);
    release();
    await r.clock.until(() => !r.sim.stored.has(index!));
    expect(r.sim.received).toContain(`AT+CMGD=${index}`);
  });

  it('keeps a message the handler failed on, and hands it over again later with the same ref', async () => {
    let calls = 0;
    const refs: string[] = [];
    const r = await started(
      rig({
        modem: { handlerRetryMs: 5_000 },
        handler: async (m) => {
          refs.push(m.ref);
          if (++calls === 1) throw new Error('database busy');
        },
      }),
    );
    const [index] = r.sim.inject('10086', '余额提醒');
    await r.clock.until(() => r.errors.includes('HQ_ERR_SMS_HANDLER_FAILED'));
    expect(r.sim.stored.has(index!)).toBe(true);
    await r.clock.until(() => calls === 2);
    await r.clock.until(() => !r.sim.stored.has(index!));
    expect(refs[0]).toBe(refs[1]);
  });

  it('delivers what was left on the SIM while the hub was down (AT+CMGL=4 at start)', async () => {
    const r = rig();
    r.sim.inject('+8613900139000', '第一条', { at: EPOCH - 60_000 });
    r.sim.inject('+8613900139001', '第二条', { at: EPOCH - 30_000 });
    await started(r);
    await r.clock.until(() => r.inbound.length === 2);
    expect(r.inbound.map((m) => m.text)).toEqual(['第一条', '第二条']);
    await r.clock.until(() => r.sim.stored.size === 0);
  });

  it('puts concatenated parts together whatever order they arrive in', async () => {
    const r = await started(rig());
    const text = '您好，您在便民服务中心预约的社保业务已办结，请携带身份证原件到2号窗口领取材料。'.repeat(4);
    r.sim.inject('+8613900139000', text, { parts: [2, 3, 1] });
    await r.clock.until(() => r.inbound.length === 1);
    expect(r.inbound[0]).toMatchObject({ text, parts: 3, complete: true });
    await r.clock.until(() => r.sim.stored.size === 0);
  });

  it('hands over a message with a part missing after the timeout, flagged incomplete', async () => {
    const r = await started(rig({ modem: { concatTimeoutMs: 60_000 } }));
    const text = '字'.repeat(150);
    r.sim.inject('+8613900139000', text, { parts: [1, 3] });
    await r.clock.advance(59_000);
    expect(r.inbound).toEqual([]);
    await r.clock.until(() => r.inbound.length === 1, 5_000);
    expect(r.inbound[0]).toMatchObject({ text: '字'.repeat(67 + 16), parts: 3, complete: false });
    await r.clock.until(() => r.sim.stored.size === 0);
  });

  it('notices a modem that stopped answering, and initialises it again when it answers', async () => {
    const r = await started(rig({ modem: { healthIntervalMs: 10_000, commandTimeoutMs: 1_000 } }));
    r.sim.answering = false;
    await r.clock.until(() => r.modem.state().state === 'down');
    expect(r.errors).toContain('HQ_ERR_SMS_NO_ANSWER');
    await expect(r.modem.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_MODEM_DOWN' });
    r.sim.answering = true;
    await r.clock.until(() => r.modem.state().state === 'ok');
  });

  it('fails the sends queued behind one the modem never answered at once, not one timeout each', async () => {
    const r = await started(rig({ modem: { sendTimeoutMs: 5_000 } }));
    r.sim.answering = false;
    const settled: string[] = [];
    const first = r.modem.send('13800138000', 'a').catch((e: SmsError) => settled.push(`a:${e.code}`));
    const second = r.modem.send('13800138000', 'b').catch((e: SmsError) => settled.push(`b:${e.code}`));
    await r.clock.advance(5_001);
    await Promise.all([first, second]);
    expect(settled).toEqual(['a:HQ_ERR_SMS_NO_ANSWER', 'b:HQ_ERR_SMS_MODEM_DOWN']);
    expect(r.modem.state().state).toBe('down');
  });

  it('goes down with a pulled cable, fails the send in flight, and comes back with backoff', async () => {
    const r = await started(rig());
    r.sim.answering = false;
    const sending = r.modem.send('13800138000', 'x').catch((e: unknown) => e);
    await r.clock.advance(100);
    r.hub.pull();
    expect(await sending).toMatchObject({ code: 'HQ_ERR_SMS_MODEM_DOWN' });
    expect(r.modem.state().state).toBe('down');
    r.sim.answering = true;
    r.replug();
    await r.clock.until(() => r.modem.state().state === 'ok');
    expect(r.hub.opens.length).toBeGreaterThan(1);
  });

  it('close() rejects later sends as stopped and closes the port', async () => {
    const r = await started(rig());
    await r.modem.close();
    await expect(r.modem.send('13800138000', 'x')).rejects.toMatchObject({ code: 'HQ_ERR_SMS_STOPPED' });
    expect(r.hub.isOpen).toBe(false);
  });
});
