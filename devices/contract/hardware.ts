import { describe } from 'vitest';
import type { DeviceKind } from '../device-uri.ts';

/**
 * The environment variable that names real hardware for a kind's contract suite, as
 * node-serialport's bindings tests take TEST_PORT. A bare path is taken as the kind's usual scheme
 * (`/dev/ttyUSB0` → `serial:/dev/ttyUSB0`; a printer's `/dev/usb/lp0` → `file:`; a pad's → `hid:`).
 */
export const HARDWARE_VARS: Readonly<Record<DeviceKind, { name: string; example: string }>> = {
  idcard: { name: 'HALLQ_TEST_IDCARD', example: '/dev/ttyUSB0' },
  printer: { name: 'HALLQ_TEST_PRINTER', example: 'tcp://192.168.1.50:9100' },
  ledBars: { name: 'HALLQ_TEST_LED_BAR', example: 'serial:/dev/ttyUSB3?baud=9600' },
  ledWall: { name: 'HALLQ_TEST_LED_WALL', example: 'tcp://192.168.1.60:5005' },
  caller: { name: 'HALLQ_TEST_CALLER', example: 'serial:/dev/ttyUSB2?baud=9600' },
  ratingPad: { name: 'HALLQ_TEST_HIDPAD', example: 'hid:1a2b:3c4d' },
  smsModem: { name: 'HALLQ_TEST_SMS_MODEM', example: '/dev/ttyUSB1' },
};

/** What one registration of a contract suite runs against. */
export interface ContractTarget {
  /** `sim`, or the hardware's uri. */
  uri: string;
  hardware: boolean;
  /** Real devices are slower than simulators: the time to allow for one exchange. */
  patienceMs: number;
}

/** The uri the variable names, a bare path given the kind's scheme; undefined when unset. */
export function hardwareUri(kind: DeviceKind, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[HARDWARE_VARS[kind].name]?.trim();
  if (!value) return undefined;
  if (!value.startsWith('/')) return value;
  if (kind === 'ratingPad') return `hid:${value}`;
  if (kind === 'printer' && value.startsWith('/dev/usb/')) return `file:${value}`;
  return `serial:${value}`;
}

/**
 * Registers a kind's contract suite twice: against the simulator (always), and against hardware
 * when HALLQ_TEST_<KIND> names it. Without the variable the hardware cases are still registered,
 * and reported as skipped under a title that names the variable to set.
 */
export function contractSuite(kind: DeviceKind, name: string, suite: (target: ContractTarget) => void): void {
  describe(`${name} contract, simulator`, () => suite({ uri: 'sim', hardware: false, patienceMs: 2_000 }));
  const uri = hardwareUri(kind);
  const { name: variable, example } = HARDWARE_VARS[kind];
  const title = uri ? `${name} contract, hardware at ${uri}` : `${name} contract, hardware (skipped: set ${variable}=${example} to run)`;
  describe.skipIf(uri === undefined)(title, () => suite({ uri: uri ?? 'unset', hardware: true, patienceMs: 10_000 }));
}

/** A case that needs a person at the device (placing a card, pressing a key): on hardware only when `variable` is 1. */
export function needsPerson(target: ContractTarget, variable: string): { skip: boolean; note: string } {
  const skip = target.hardware && process.env[variable] !== '1';
  return { skip, note: target.hardware ? ` (a person at the device; ${variable}=1)` : '' };
}

/** Polls `cond` on real time. */
export async function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
