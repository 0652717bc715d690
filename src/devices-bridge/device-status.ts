/** Sends an unlogged message to one socket.io room (`kiosk:<id>`, `manager`). */
export type Emit = (room: string, type: string, data: unknown) => void;

/**
 * `device.status` (DESIGN §4): one device's health as the manager room and its kiosk see it.
 * `state` is the driver's own word (`ok`, `disconnected`, `no-sam`, `paper-out`, …).
 */
export interface DeviceStatus {
  device: string;
  kind: 'idcard' | 'printer' | 'led' | 'caller';
  kioskId: string;
  state: string;
  detail: string;
  at: number;
}
