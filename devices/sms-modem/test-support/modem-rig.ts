import { ManualScheduler } from '../../scheduler.ts';
import { PullableEnd } from '../../test-support/pullable-end.ts';
import { MemoryTransport } from '../../transport.ts';
import type { SmsDelivery, SmsInbound } from '../channel.ts';
import { SmsModem, type SmsModemOptions } from '../driver/sms-modem.ts';
import { SmsModemSimulator, type SmsModemSimulatorOptions } from '../simulator/sms-modem-simulator.ts';

/** 2026-12-07 09:00 in Beijing: the simulated network's clock starts here and follows the test's. */
export const EPOCH = Date.UTC(2026, 11, 7, 1, 0, 0);

/** A modem driver ↔ simulator pair over an in-memory cable that can be pulled, on virtual time. */
export function modemRig(opts: { modem?: SmsModemOptions; sim?: SmsModemSimulatorOptions; handler?: (m: SmsInbound) => Promise<void> } = {}) {
  const clock = new ManualScheduler();
  const hub = new PullableEnd(clock);
  const device = new MemoryTransport('modem:b');
  hub.peer = device;
  device.peer = hub;
  void device.open();
  const sim = new SmsModemSimulator(device, { clock: () => EPOCH + clock.now(), ...opts.sim });
  const modem = new SmsModem(hub, { scheduler: clock, firstConcatRef: 0x40, backoff: { initialMs: 100, maxMs: 1_000 }, ...opts.modem });
  const inbound: SmsInbound[] = [];
  const deliveries: SmsDelivery[] = [];
  const errors: string[] = [];
  const states: string[] = [];
  modem.onInbound(
    opts.handler ??
      (async (m) => {
        inbound.push(m);
      }),
  );
  modem.onDelivery((d) => deliveries.push(d));
  modem.on('error', (e) => errors.push('code' in e ? e.code : e.message));
  modem.on('status', (s) => states.push(s.state));
  /** Plugs the cable back in: the device end opens again for the link's next try. */
  const replug = () => {
    hub.plugged = true;
    void device.open();
  };
  return { clock, hub, device, sim, modem, inbound, deliveries, errors, states, replug };
}
