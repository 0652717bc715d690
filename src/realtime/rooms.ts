import type { Principal } from '../auth/principals.ts';
import type { HallConfig } from '../config/schema.ts';

/** Rooms a principal may join; `hall` is open to everyone. */
export function allowedRooms(p: Principal | null, config: HallConfig): Set<string> {
  const rooms = new Set(['hall']);
  if (!p) return rooms;
  if (p.kind === 'device') {
    const d = p.device;
    if (d.kind === 'kiosk') rooms.add(`kiosk:${d.id}`);
    if (d.kind === 'screen') for (const w of config.windows) rooms.add(`window:${w.id}`);
    if ((d.kind === 'pad' || d.kind === 'integration') && d.windowId !== undefined) {
      rooms.add(`window:${d.windowId}`);
      if (d.kind === 'pad') rooms.add(`pad:${d.windowId}`);
    }
    if (d.kind === 'agent') {
      for (const w of config.windows) rooms.add(`window:${w.id}`);
      rooms.add(`agent:${d.id}`);
    }
    return rooms;
  }
  rooms.add(`clerk:${p.staff.id}`);
  // The guide desk hears of the devices it fixes (paper, cover, reader); the manager hears everything.
  if (p.staff.role === 'guide' || p.staff.role === 'manager' || p.staff.role === 'admin') rooms.add('guide');
  if (p.staff.role === 'manager' || p.staff.role === 'admin') {
    rooms.add('manager');
    for (const w of config.windows) rooms.add(`window:${w.id}`);
  } else {
    for (const w of p.windows) rooms.add(`window:${w.id}`);
  }
  return rooms;
}

/** Rooms a client joins when it names none. */
export function defaultRooms(p: Principal | null): string[] {
  if (!p) return ['hall'];
  if (p.kind === 'device') {
    const d = p.device;
    if (d.kind === 'kiosk') return ['hall', `kiosk:${d.id}`];
    if (d.kind === 'pad' && d.windowId !== undefined) return [`window:${d.windowId}`, `pad:${d.windowId}`];
    if (d.kind === 'agent') return ['hall', `agent:${d.id}`];
    return ['hall'];
  }
  if (p.staff.role === 'manager' || p.staff.role === 'admin') return ['hall', 'manager', `clerk:${p.staff.id}`];
  if (p.staff.role === 'guide') return ['hall', 'guide', `clerk:${p.staff.id}`];
  return ['hall', `clerk:${p.staff.id}`, ...p.windows.map((w) => `window:${w.id}`)];
}

/** Rooms any screen may join without being trusted: their clients get only public payloads. */
export function isPublicRoom(room: string): boolean {
  return room === 'hall' || room.startsWith('window:');
}
