import { simulatorOnSerial, type SimulatorOnSerial } from '../../simulator-on-serial.ts';
import { CallerKeypadSimulator, type CallerKeypadSimulatorOptions } from './caller-keypad-simulator.ts';

export type SerialKeypads = SimulatorOnSerial<CallerKeypadSimulator>;

/**
 * Runs simulated keypads on a serial path, e.g. one end of a socat pty pair, so the hub on the
 * other end sees a real bus. 9600 baud by default (meaningless on a pty). See README.md.
 */
export async function runKeypadsOnSerial(path: string, opts: CallerKeypadSimulatorOptions & { baudRate?: number } = {}): Promise<SerialKeypads> {
  const { baudRate = 9600, ...simOpts } = opts;
  return simulatorOnSerial(path, baudRate, (t) => new CallerKeypadSimulator(t, simOpts));
}
