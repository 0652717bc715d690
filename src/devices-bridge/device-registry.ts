import { businessDate } from '../domain/calendar.ts';
import type { HallConfig } from '../config/schema.ts';
import type { Clock } from '../clock.ts';
import type { DeviceHealth, DeviceStatus } from '../realtime/protocol.ts';

export type { DeviceHealth } from '../realtime/protocol.ts';

/** A device as the config names it, before it has said anything. */
export interface DeclaredDevice {
  id: string;
  kind: DeviceStatus['kind'];
  address: string;
  host: string;
  kioskId?: string;
}

/** The kiosk the ID reader serves: the one it names, else the first kiosk (the config check makes sure there is one). */
export function readerKioskOf(config: HallConfig): string | undefined {
  const d = config.devices;
  return d.idcard ? (d.idcard.kioskId ?? d.tokens.find((t) => t.kind === 'kiosk')?.id) : undefined;
}

/** Every device the hall config gives the hub to run, with the ids their hosts report under. */
export function declaredDevices(config: HallConfig): DeclaredDevice[] {
  const d = config.devices;
  const kioskOfReader = readerKioskOf(config);
  return [
    ...d.printers.map((p) => ({ id: `printer:${p.kioskId}`, kind: 'printer' as const, address: p.uri, host: p.agent ? 'agent' : 'hub', kioskId: p.kioskId })),
    ...(d.idcard && kioskOfReader ? [{ id: `idcard:${kioskOfReader}`, kind: 'idcard' as const, address: d.idcard.uri, host: d.idcard.agent ? 'agent' : 'hub', kioskId: kioskOfReader }] : []),
    ...(d.led?.bars ? [{ id: 'led-bars', kind: 'led' as const, address: d.led.bars.uri, host: 'hub' }] : []),
    ...(d.led?.wall ? [{ id: 'led-wall', kind: 'led' as const, address: d.led.wall.uri, host: 'hub' }] : []),
    ...(d.caller ? [{ id: 'caller-bus', kind: 'caller' as const, address: d.caller.uri, host: 'hub' }] : []),
    ...d.ratingPads.map((p) => ({ id: `hid-pad:${p.windowId}`, kind: 'pad' as const, address: p.uri, host: 'hub' })),
    ...(config.sms?.modem ? [{ id: 'sms-modem', kind: 'sms' as const, address: config.sms.modem.uri, host: 'hub' }] : []),
  ];
}

/**
 * How a driver's own word reads on the board. A printer out of paper or with its cover open prints
 * nothing, so it is down, with the cause beside it; paper near its end still prints (degraded).
 */
export function healthOf(kind: DeviceStatus['kind'], state: string, detail: string): Pick<DeviceHealth, 'health' | 'printer' | 'guideAlert'> {
  if (kind === 'printer') {
    const paperLow = /paper near end/.test(detail);
    const printer = { paper: state === 'paper-out' ? ('out' as const) : paperLow ? ('low' as const) : ('ok' as const), coverOpen: state === 'cover-open' };
    const guideAlert =
      state === 'paper-out'
        ? { zh: '号票打印机缺纸，请更换纸卷', en: 'The ticket printer is out of paper: load a new roll' }
        : state === 'cover-open'
          ? { zh: '号票打印机盖未合上，请合上机盖', en: 'The ticket printer cover is open: close it' }
          : paperLow
            ? { zh: '号票打印机纸将用完，请准备纸卷', en: 'The ticket printer paper is running low: have a roll ready' }
            : null;
    const health = state === 'ok' ? (paperLow ? 'degraded' : 'ok') : state === 'starting' ? 'degraded' : 'down';
    return { health, printer, guideAlert };
  }
  if (kind === 'idcard') {
    // A reader that answers but fails (a card stuck in the slot, a dirty antenna) is the guide's to look at.
    const guideAlert = state === 'error' ? { zh: '身份证读卡器故障（可能卡住），请检查读卡器', en: 'The ID card reader is failing (a card may be stuck): check it' } : null;
    return { health: state === 'ok' ? 'ok' : state === 'starting' || state === 'error' ? 'degraded' : 'down', printer: null, guideAlert };
  }
  // Link-supervised devices (LED, keypads, HID pads): up, or down, or on the way.
  return { health: state === 'up' || state === 'ok' ? 'ok' : state === 'down' || state === 'error' || state === 'disconnected' ? 'down' : 'degraded', printer: null, guideAlert: null };
}

/**
 * The device health board: one entry for every device the hub (or, later, an agent) runs, kept from
 * the `device.status` reports of the hosts and the traffic they carry. A device down for
 * `downAlarmMs` raises an alarm that stays, even after the device recovers, until someone clears it.
 */
export class DeviceRegistry {
  readonly #entries = new Map<string, DeviceHealth>();

  constructor(
    declared: readonly DeclaredDevice[],
    private readonly clock: Clock,
    private readonly timeZone: string,
    private readonly downAlarmMs: number,
    private readonly publish: (entry: DeviceHealth) => void,
  ) {
    const now = clock.now();
    for (const d of declared) this.#entries.set(d.id, this.#fresh(d, now));
  }

  list(): DeviceHealth[] {
    return [...this.#entries.values()].map((e) => structuredClone(e));
  }

  get(id: string): DeviceHealth | null {
    const e = this.#entries.get(id);
    return e ? structuredClone(e) : null;
  }

  onStatus(s: DeviceStatus): void {
    const now = this.clock.now();
    const e = this.#entries.get(s.device) ?? this.#adopt(s, now);
    this.#rollDay(e, now);
    const next = healthOf(s.kind, s.state, s.detail);
    if (next.health === 'down' && e.health !== 'down') {
      e.downSince = now;
      e.today.faults++;
    }
    if (next.health !== 'down') {
      e.downSince = null;
      e.lastSeen = now;
      if (e.alarm) e.alarm.recovered = true;
    }
    if (next.health !== 'ok' && s.state !== 'starting') e.lastError = { message: s.detail ? `${s.state}: ${s.detail}` : s.state, at: now };
    Object.assign(e, next, { state: s.state, detail: s.detail, at: now });
    this.#checkAlarm(e, now);
    this.publish(structuredClone(e));
  }

  /** The agent that runs a device, by its name (set when it reports). */
  setHost(id: string, host: string): void {
    const e = this.#entries.get(id);
    if (e && e.host !== host) {
      e.host = host;
      this.publish(structuredClone(e));
    }
  }

  /** A print job's outcome counts for its kiosk's printer. */
  onPrint(kioskId: string, outcome: 'printed' | 'failed'): void {
    this.#count(`printer:${kioskId}`, outcome === 'printed' ? 'prints' : 'printFailures');
  }

  onCardRead(kioskId: string): void {
    this.#count(`idcard:${kioskId}`, 'cardReads');
  }

  /** Raises the alarms that are due (the hub calls this every few seconds). */
  tick(): void {
    const now = this.clock.now();
    for (const e of this.#entries.values()) if (this.#checkAlarm(e, now)) this.publish(structuredClone(e));
  }

  /** Someone has seen to it. A device still down keeps counting from now, and alarms again after the same time. */
  clearAlarm(id: string): DeviceHealth | null {
    const e = this.#entries.get(id);
    if (!e) return null;
    if (e.alarm) {
      e.alarm = null;
      if (e.downSince !== null) e.downSince = this.clock.now();
      e.at = this.clock.now();
      this.publish(structuredClone(e));
    }
    return structuredClone(e);
  }

  #checkAlarm(e: DeviceHealth, now: number): boolean {
    if (e.alarm || e.downSince === null || now - e.downSince < this.downAlarmMs) return false;
    e.alarm = { raisedAt: now, downSince: e.downSince, recovered: false };
    e.at = now;
    return true;
  }

  #count(id: string, field: 'prints' | 'printFailures' | 'cardReads'): void {
    const e = this.#entries.get(id);
    if (!e) return;
    const now = this.clock.now();
    this.#rollDay(e, now);
    e.today[field]++;
    if (field !== 'printFailures') e.lastSeen = now;
    e.at = now;
    this.publish(structuredClone(e));
  }

  /** A device the config does not name (reported all the same): on the board from its first word. */
  #adopt(s: DeviceStatus, now: number): DeviceHealth {
    const e = this.#fresh({ id: s.device, kind: s.kind, address: '', host: 'hub', ...(s.kioskId !== undefined ? { kioskId: s.kioskId } : {}) }, now);
    this.#entries.set(e.id, e);
    return e;
  }

  /** A device before it has said anything: starting, nothing counted. */
  #fresh(d: DeclaredDevice, now: number): DeviceHealth {
    return {
      ...d,
      health: 'degraded',
      state: 'starting',
      detail: '',
      printer: d.kind === 'printer' ? { paper: 'ok', coverOpen: false } : null,
      lastSeen: null,
      lastError: null,
      downSince: null,
      alarm: null,
      guideAlert: null,
      today: this.#emptyDay(now),
      at: now,
    };
  }

  #emptyDay(now: number): DeviceHealth['today'] {
    return { date: businessDate(now, this.timeZone), prints: 0, printFailures: 0, cardReads: 0, faults: 0 };
  }

  #rollDay(e: DeviceHealth, now: number): void {
    if (e.today.date !== businessDate(now, this.timeZone)) e.today = this.#emptyDay(now);
  }
}
