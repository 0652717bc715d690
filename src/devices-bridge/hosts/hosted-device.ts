import type { DeviceCommand, DeviceInput } from '../../realtime/protocol.ts';

/** A device's link state as its driver words it (`up`, `down`, `ok`…), for the health board. */
export type StatusSink = (s: { state: string; detail: string }) => void;

/** A key or a score from a device, with the time it was made there (the hub may hear of it later). */
export type InputSink = (input: DeviceInput, at: number) => void;

/**
 * One device kind's host: its driver over its transport, under the driver's own link supervision,
 * run the same in the hub's process and in an agent's. Only what connects it to the hub differs:
 * the hub calls `run` and hears `onInput` directly; an agent does both over its link.
 */
export interface HostedDevice {
  readonly id: string;
  start(): void;
  stop(): Promise<void>;
  /** Carries out one command; false when the device did not take it (no answer, not on the bus). */
  run(command: DeviceCommand): Promise<boolean>;
}
