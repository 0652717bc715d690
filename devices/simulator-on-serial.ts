import { SerialTransport } from './serial-transport.ts';

/** A simulator speaking on a serial path, and how to take it off. */
export interface SimulatorOnSerial<S> {
  simulator: S;
  transport: SerialTransport;
  close(): Promise<void>;
}

/**
 * Opens a serial path (e.g. one end of a socat pty pair) and puts a simulator on it, so the hub or a
 * vendor tool on the other end sees real hardware. One way for every device kind's `run…OnSerial`.
 */
export async function simulatorOnSerial<S extends { detach(): void }>(path: string, baudRate: number | undefined, make: (transport: SerialTransport) => S): Promise<SimulatorOnSerial<S>> {
  const transport = new SerialTransport({ path, ...(baudRate === undefined ? {} : { baudRate }) });
  await transport.open();
  const simulator = make(transport);
  return {
    simulator,
    transport,
    async close() {
      simulator.detach();
      await transport.close();
    },
  };
}
