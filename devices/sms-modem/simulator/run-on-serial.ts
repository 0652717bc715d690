import { SerialTransport, type SerialTransportOptions } from '../../serial-transport.ts';
import { SmsModemSimulator, type SmsModemSimulatorOptions } from './sms-modem-simulator.ts';

export interface SerialSmsModem {
  simulator: SmsModemSimulator;
  transport: SerialTransport;
  close(): Promise<void>;
}

/** Runs a simulated GSM modem on a serial path, e.g. one end of a socat pty pair, so a terminal or the hub on the other end sees a modem. */
export async function runSmsModemOnSerial(path: string, opts: SmsModemSimulatorOptions & Pick<SerialTransportOptions, 'baudRate'> = {}): Promise<SerialSmsModem> {
  const { baudRate, ...simOpts } = opts;
  const transport = new SerialTransport({ path, ...(baudRate === undefined ? {} : { baudRate }) });
  await transport.open();
  const simulator = new SmsModemSimulator(transport, simOpts);
  return {
    simulator,
    transport,
    async close() {
      simulator.detach();
      await transport.close();
    },
  };
}
