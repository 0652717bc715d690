import { SerialTransport } from '../../serial-transport.ts';
import type { LedSimulator } from './led-simulator.ts';

export interface SerialLedSimulator {
  transport: SerialTransport;
  close(): Promise<void>;
}

/**
 * Puts a simulator on a serial path, e.g. one end of a socat pty pair, so the hub (or a vendor
 * tool) on the other end sees real bars or a real controller. See README.md for the demo.
 */
export async function runLedSimulatorOnSerial<I>(path: string, simulator: LedSimulator<I>, baudRate = 9600): Promise<SerialLedSimulator> {
  const transport = new SerialTransport({ path, baudRate });
  await transport.open();
  const detach = simulator.attach(transport);
  return {
    transport,
    async close() {
      detach();
      await transport.close();
    },
  };
}
