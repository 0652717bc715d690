import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../scheduler.ts';
import { cmsErrorCode, SmsError } from '../errors.ts';
import { AtChannel, type Urc } from './at-channel.ts';

function channel() {
  const clock = new ManualScheduler();
  const written: string[] = [];
  const urcs: Urc[] = [];
  const at = new AtChannel({ write: async (b) => void written.push(b.toString('latin1')) }, clock, (u) => urcs.push(u));
  const hear = (text: string) => at.onData(Buffer.from(text, 'latin1'));
  return { clock, at, written, urcs, hear };
}

describe('AtChannel', () => {
  it('runs one command at a time and ignores the echo of each', async () => {
    const c = channel();
    const first = c.at.run({ line: 'AT+CSQ', timeoutMs: 1000 });
    const second = c.at.run({ line: 'AT', timeoutMs: 1000 });
    expect(c.written).toEqual(['AT+CSQ\r']);
    c.hear('AT+CSQ\r\r\n+CSQ: 21,99\r\n\r\nOK\r\n');
    await expect(first).resolves.toEqual(['+CSQ: 21,99']);
    expect(c.written).toEqual(['AT+CSQ\r', 'AT\r']);
    c.hear('\r\nOK\r\n');
    await expect(second).resolves.toEqual([]);
  });

  it('takes +CMTI and a two-line +CDS out of the middle of an answer', async () => {
    const c = channel();
    const read = c.at.run({ line: 'AT+CMGR=1', timeoutMs: 1000 });
    c.hear('\r\n+CMGR: 0,,20\r\n\r\n+CMTI: "SM",2\r\n\r\n+CDS: 25\r\n06000B91\r\n0791AABB\r\n\r\nOK\r\n');
    await expect(read).resolves.toEqual(['+CMGR: 0,,20', '0791AABB']);
    expect(c.urcs).toEqual([
      { kind: 'stored', memory: 'SM', index: 2 },
      { kind: 'report', tpduLength: 25, pdu: '06000B91' },
    ]);
  });

  it('writes the PDU with Ctrl-Z after the prompt, and leaves the prompt with ESC on a timeout', async () => {
    const c = channel();
    const sent = c.at.run({ line: 'AT+CMGS=5', pdu: '00AABB', timeoutMs: 1000 }).catch((e: unknown) => e);
    c.hear('\r\n> ');
    expect(c.written).toEqual(['AT+CMGS=5\r', '00AABB\x1a']);
    await c.clock.advance(1000);
    expect(await sent).toMatchObject({ code: 'HQ_ERR_SMS_NO_ANSWER' });
    expect(c.written.at(-1)).toBe('\x1b');
  });

  it('turns final error lines into SmsErrors: numeric, CME SIM numbers, and verbose', async () => {
    const c = channel();
    const errors: unknown[] = [];
    for (const line of ['ERROR', '+CMS ERROR: 38', '+CME ERROR: 10', '+CME ERROR: SIM PIN required', '+CMS ERROR: 500']) {
      const p = c.at.run({ line: 'AT', timeoutMs: 1000 }).catch((e: unknown) => e);
      c.hear(`\r\n${line}\r\n`);
      errors.push(await p);
    }
    expect(errors.every((e) => e instanceof SmsError)).toBe(true);
    expect(errors.map((e) => [(e as SmsError).code, (e as SmsError).cms])).toEqual([
      ['HQ_ERR_SMS_MODEM_ERROR', null],
      ['HQ_ERR_SMS_NETWORK', 38],
      ['HQ_ERR_SMS_NO_SIM', 10],
      ['HQ_ERR_SMS_SIM_PIN', null],
      ['HQ_ERR_SMS_MODEM_ERROR', 500],
    ]);
  });

  it('fails the command in flight and the queued ones together', async () => {
    const c = channel();
    const a = c.at.run({ line: 'AT', timeoutMs: 1000 }).catch((e: Error) => e.message);
    const b = c.at.run({ line: 'AT', timeoutMs: 1000 }).catch((e: Error) => e.message);
    c.at.failAll(new Error('gone'));
    expect(await Promise.all([a, b])).toEqual(['gone', 'gone']);
    // Nothing was started on the way.
    expect(c.written).toEqual(['AT\r']);
  });
});

describe('cmsErrorCode', () => {
  it('tells the number, the network, the operator, the SIM and the modem apart', () => {
    expect([1, 21, 38, 310, 311, 322, 330, 331, 302].map(cmsErrorCode)).toEqual([
      'HQ_ERR_SMS_BAD_NUMBER',
      'HQ_ERR_SMS_REFUSED',
      'HQ_ERR_SMS_NETWORK',
      'HQ_ERR_SMS_NO_SIM',
      'HQ_ERR_SMS_SIM_PIN',
      'HQ_ERR_SMS_SIM_FULL',
      'HQ_ERR_SMS_NO_SMSC',
      'HQ_ERR_SMS_NETWORK',
      'HQ_ERR_SMS_MODEM_ERROR',
    ]);
  });
});
