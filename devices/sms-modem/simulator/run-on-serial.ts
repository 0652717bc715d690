import type { SerialTransportOptions } from '../../serial-transport.ts';
import { simulatorOnSerial, type SimulatorOnSerial } from '../../simulator-on-serial.ts';
import { SmsModemSimulator, type SmsModemSimulatorOptions } from './sms-modem-simulator.ts';

export type SerialSmsModem = SimulatorOnSerial<SmsModemSimulator>;

/** Runs a simulated GSM modem on a serial path, e.g. one end of a socat pty pair, so a terminal or the hub on the other end sees a modem. */
export async function runSmsModemOnSerial(path: string, opts: SmsModemSimulatorOptions & Pick<SerialTransportOptions, 'baudRate'> = {}): Promise<SerialSmsModem> {
  const { baudRate, ...simOpts } = opts;
  return simulatorOnSerial(path, baudRate, (t) => new SmsModemSimulator(t, simOpts));
}
