import type { SideMessages, SideMessageType } from '../realtime/protocol.ts';

export type { DeviceStatus } from '../realtime/protocol.ts';

/** Sends an unlogged message to one socket.io room (`kiosk:<id>`, `manager`), typed by the wire contract. */
export type Emit = <K extends SideMessageType>(room: string, type: K, message: SideMessages[K]) => void;
