import type { DeviceStatus, SideMessages, SideMessageType } from '../realtime/protocol.ts';

export type { DeviceStatus } from '../realtime/protocol.ts';

/** Sends an unlogged message to one socket.io room (`kiosk:<id>`, `manager`), typed by the wire contract. */
export type Emit = <K extends SideMessageType>(room: string, type: K, message: SideMessages[K]) => void;

/**
 * A device's health, the one way every host reports it: to the manager room, and to its kiosk's
 * room when it belongs to a kiosk (the kiosk says "printer out of paper" before a resident taps).
 */
export function reportStatus(emit: Emit, device: string, kind: DeviceStatus['kind'], s: { state: string; detail?: string | undefined }, kioskId?: string): DeviceStatus {
  const status: DeviceStatus = { device, kind, ...(kioskId !== undefined ? { kioskId } : {}), state: s.state, detail: s.detail ?? '', at: Date.now() };
  emit('manager', 'device.status', status);
  if (kioskId !== undefined) emit(`kiosk:${kioskId}`, 'device.status', status);
  return status;
}
