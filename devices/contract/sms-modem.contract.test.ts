import { afterEach, expect, it } from 'vitest';
import { endpointForUri } from '../endpoint.ts';
import type { SmsDelivery } from '../sms-modem/channel.ts';
import { SmsModem } from '../sms-modem/driver/sms-modem.ts';
import { contractSuite, waitFor } from './hardware.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** A real text costs money and reaches a person: on hardware only to the number this names. */
const SEND_TO = 'HALLQ_TEST_SMS_MODEM_TO';

contractSuite('smsModem', 'SMS modem', (target) => {
  function rig() {
    const ep = endpointForUri('smsModem', target.uri);
    const modem = new SmsModem(ep.transport, { commandTimeoutMs: target.hardware ? 5_000 : 1_000 });
    const deliveries: SmsDelivery[] = [];
    modem.onDelivery((d) => deliveries.push(d));
    // Messages waiting on a real SIM are left there: this suite is not their owner.
    modem.onInbound(() => Promise.reject(new Error('not in the contract suite')));
    stops.push(async () => {
      await modem.close();
      await ep.close();
    });
    return { ep, modem, deliveries };
  }

  it('opens the port, initialises the modem and reports it usable (needs a SIM on hardware)', async () => {
    const { modem } = rig();
    modem.start();
    await waitFor('ok or degraded', () => modem.state().state !== 'down', target.patienceMs);
    expect(modem.link.isUp).toBe(true);
    expect(modem.signal).not.toBeNull();
  });

  const to = target.hardware ? process.env[SEND_TO] : '+8613800138000';
  it.skipIf(!to)(`sends a text and gets one reference for it${target.hardware ? ` (to ${SEND_TO})` : ''}`, async () => {
    const { ep, modem, deliveries } = rig();
    modem.start();
    await waitFor('ok', () => modem.state().state === 'ok', target.patienceMs);
    const { refs } = await modem.send(to!, 'hallq 短信猫测试 / SMS modem test');
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatch(/^\d{1,3}$/);
    if (ep.simulator) {
      expect(ep.simulator.sent.at(-1)).toMatchObject({ to, text: 'hallq 短信猫测试 / SMS modem test' });
      await waitFor('a delivery report', () => deliveries.length > 0, target.patienceMs);
      expect(deliveries[0]!.messageRef).toBe(Number(refs[0]));
    }
  });

  it('close() closes the port', async () => {
    const { ep, modem } = rig();
    modem.start();
    await waitFor('ok or degraded', () => modem.state().state !== 'down', target.patienceMs);
    await modem.close();
    expect(ep.transport.isOpen).toBe(false);
    expect(modem.link.status.state).toBe('stopped');
  });
});
