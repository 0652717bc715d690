import { SerialTransport, type SerialTransportOptions } from '../../serial-transport.ts';
import { IdCardSimulator, type IdCardSimulatorOptions } from './id-card-simulator.ts';
import type { SimCard } from './sim-card.ts';

export interface SerialSimulator {
  simulator: IdCardSimulator;
  transport: SerialTransport;
  close(): Promise<void>;
}

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
  const transport = new SerialTransport({ path, ...(baudRate === undefined ? {} : { baudRate }) });
  await transport.open();
  const simulator = new IdCardSimulator(transport, { ...simOpts, card });
  return {
    simulator,
    transport,
    async close() {
      simulator.detach();
      await transport.close();
    },
  };
}
