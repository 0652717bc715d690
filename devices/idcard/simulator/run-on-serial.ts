import type { SerialTransportOptions } from '../../serial-transport.ts';
import { simulatorOnSerial, type SimulatorOnSerial } from '../../simulator-on-serial.ts';
import { IdCardSimulator, type IdCardSimulatorOptions } from './id-card-simulator.ts';
import type { SimCard } from './sim-card.ts';

export type SerialSimulator = SimulatorOnSerial<IdCardSimulator>;

/**
 * Runs a simulated reader on a serial path, e.g. one end of a socat pty pair, so the hub (or any
 * vendor tool) on the other end sees a real reader. See README.md for the demo.
 */
export async function runSimulatorOnSerial(
  path: string,
  card: SimCard | null = null,
  opts: Omit<IdCardSimulatorOptions, 'card'> & Pick<SerialTransportOptions, 'baudRate'> = {},
): Promise<SerialSimulator> {
  const { baudRate, ...simOpts } = opts;
  return simulatorOnSerial(path, baudRate, (t) => new IdCardSimulator(t, { ...simOpts, card }));
}
