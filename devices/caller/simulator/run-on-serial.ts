import { SerialTransport } from '../../serial-transport.ts';
import { CallerKeypadSimulator, type CallerKeypadSimulatorOptions } from './caller-keypad-simulator.ts';

export interface SerialKeypads {
  simulator: CallerKeypadSimulator;
  transport: SerialTransport;
  close(): Promise<void>;
}

/**
 * Runs simulated keypads on a serial path, e.g. one end of a socat pty pair, so the hub on the
 * other end sees a real bus. 9600 baud by default (meaningless on a pty). See README.md.
 */
export async function runKeypadsOnSerial(path: string, opts: CallerKeypadSimulatorOptions & { baudRate?: number } = {}): Promise<SerialKeypads> {
  const { baudRate = 9600, ...simOpts } = opts;
  const transport = new SerialTransport({ path, baudRate });
  await transport.open();
  const simulator = new CallerKeypadSimulator(transport, simOpts);
  return {
    simulator,
    transport,
    async close() {
      simulator.detach();
      await transport.close();
    },
  };
}
