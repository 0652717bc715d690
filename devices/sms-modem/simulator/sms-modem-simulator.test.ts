import { describe, expect, it } from 'vitest';
import { SIM_LOG_LIMIT } from '../../simulator-wire.ts';
import { memoryPair } from '../../transport.ts';
import { decodePdu } from '../codec/decode-pdu.ts';
import { encodeSubmit } from '../codec/encode-submit.ts';
import { SmsModemSimulator } from './sms-modem-simulator.ts';

/** A terminal on the host end: type lines, read what the modem said. */
async function terminal(opts: ConstructorParameters<typeof SmsModemSimulator>[1] = {}) {
  const [host, device] = memoryPair('sms-sim');
  await host.open();
  await device.open();
  const sim = new SmsModemSimulator(device, { clock: () => Date.UTC(2026, 11, 7, 1, 0, 0), ...opts });
  let heard = '';
  host.on('data', (c: Buffer) => (heard += c.toString('latin1')));
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 5));
    await sim.flushed();
    await new Promise((r) => setTimeout(r, 5));
  };
  return {
    sim,
    /** Everything heard since the terminal opened. */
    get heard() {
      return heard;
    },
    settle,
    async type(text: string) {
      const from = heard.length;
      await host.write(Buffer.from(text, 'latin1'));
      await settle();
      return heard.slice(from);
    },
  };
}

describe('SmsModemSimulator, byte by byte', () => {
  it('echoes until ATE0, prompts for the PDU, and answers +CMGS with a message reference', async () => {
    const t = await terminal();
    expect(await t.type('AT\r')).toBe('AT\r\r\nOK\r\n');
    expect(await t.type('ATE0\r')).toBe('ATE0\r\r\nOK\r\n');
    const [pdu] = encodeSubmit('+8613800138000', '你好');
    expect(await t.type(`AT+CMGS=${pdu!.tpduLength}\r`)).toBe('\r\n> ');
    expect(await t.type(`${pdu!.hex}\x1a`)).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n');
    expect(t.sim.sent).toMatchObject([{ messageRef: 1, to: '+8613800138000', text: '你好' }]);
  });

  it('refuses a PDU whose length does not match AT+CMGS, and drops one cancelled with ESC', async () => {
    const t = await terminal();
    await t.type('ATE0\r');
    const [pdu] = encodeSubmit('10086', 'x');
    await t.type(`AT+CMGS=${pdu!.tpduLength + 1}\r`);
    expect(await t.type(`${pdu!.hex}\x1a`)).toBe('\r\n+CMS ERROR: 304\r\n');
    await t.type(`AT+CMGS=${pdu!.tpduLength}\r`);
    expect(await t.type(`${pdu!.hex}\x1b`)).toBe('');
    expect(t.sim.sent).toEqual([]);
  });

  it('fails sends with +CMS ERROR: 38 while the network is out of order, and answers nothing when told not to', async () => {
    const t = await terminal({ network: 'out-of-order' });
    await t.type('ATE0\r');
    const [pdu] = encodeSubmit('10086', 'x');
    await t.type(`AT+CMGS=${pdu!.tpduLength}\r`);
    expect(await t.type(`${pdu!.hex}\x1a`)).toBe('\r\n+CMS ERROR: 38\r\n');
    t.sim.answering = false;
    expect(await t.type('AT\r')).toBe('');
  });

  it('announces injected messages after AT+CNMI, and serves them by AT+CMGR, AT+CMGL and AT+CMGD', async () => {
    const t = await terminal();
    await t.type('ATE0\r');
    await t.type('AT+CNMI=2,1,0,1,0\r');
    const from = t.heard.length;
    t.sim.inject('+8613900139000', '字'.repeat(100));
    await t.settle();
    expect(t.heard.slice(from)).toBe('\r\n+CMTI: "SM",1\r\n\r\n+CMTI: "SM",2\r\n');
    expect([...t.sim.stored.keys()]).toEqual([1, 2]);
    const read = await t.type('AT+CMGR=2\r');
    const m = /\+CMGR: 0,,(\d+)\r\n([0-9A-F]+)\r\n\r\nOK/.exec(read);
    expect(decodePdu(m![2]!, Number(m![1]))).toMatchObject({ type: 'deliver', from: '+8613900139000', concat: { total: 2, seq: 2 } });
    expect(await t.type('AT+CMGL=0\r')).toMatch(/^\r\n\+CMGL: 1,0,,\d+\r\n[0-9A-F]+\r\n\r\nOK\r\n$/);
    expect(await t.type('AT+CMGD=1\r')).toBe('\r\nOK\r\n');
    expect(await t.type('AT+CMGR=1\r')).toBe('\r\n+CMS ERROR: 321\r\n');
  });

  it('answers AT+CPIN? by the SIM it has', async () => {
    const t = await terminal({ sim: 'absent' });
    await t.type('ATE0\r');
    expect(await t.type('AT+CPIN?\r')).toBe('\r\n+CME ERROR: 10\r\n');
    t.sim.sim = 'pin';
    expect(await t.type('AT+CPIN?\r')).toBe('\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n');
    expect(await t.type('AT+FOO\r')).toBe('\r\nERROR\r\n');
  });

  it('keeps a bounded log of what it heard', async () => {
    const t = await terminal();
    await t.type('ATE0\r');
    await t.type('AT\r'.repeat(SIM_LOG_LIMIT + 5));
    expect(t.sim.received).toHaveLength(SIM_LOG_LIMIT);
  });
});
