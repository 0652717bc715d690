import { reactive } from 'vue';
import { call, HubError } from '../../src/api/browser-client.ts';
import type { DeviceHealth, PrintAttentionMessage } from '../../src/realtime/protocol.ts';

/**
 * The device health board as a screen holds it (manager's dashboard, the console's manager and
 * guide-desk views): the list from `GET /devices`, then each `device.health` the hub sends.
 */
export interface DeviceBoard {
  devices: DeviceHealth[];
  /** Tickets an agent could not print, or is not sure it printed, for the guide desk to reprint. */
  reprints: PrintAttentionMessage[];
  error: { zh: string; en: string } | null;
}

export const newBoard = (): DeviceBoard => reactive({ devices: [], reprints: [], error: null });

/** A `print.attention`: added while it waits, gone once handled. */
export function applyAttention(board: DeviceBoard, m: PrintAttentionMessage): void {
  board.reprints = [...board.reprints.filter((r) => r.commandId !== m.commandId), ...(m.handled ? [] : [m])];
}

export async function reprint(board: DeviceBoard, token: string | null, ticketId: string): Promise<void> {
  try {
    await call('POST', `/tickets/${encodeURIComponent(ticketId)}/print`, token);
    board.reprints = board.reprints.filter((r) => r.ticketId !== ticketId);
  } catch (err) {
    board.error = err instanceof HubError ? { zh: err.body.zh, en: err.body.en } : { zh: '补打失败', en: 'Reprint failed' };
  }
}

/** The list with one entry replaced (or added), in a stable order: alarms, then down, degraded, ok. */
export function withEntry(list: readonly DeviceHealth[], entry: DeviceHealth): DeviceHealth[] {
  const next = list.filter((d) => d.id !== entry.id);
  next.push(entry);
  return sortBoard(next);
}

const RANK = { down: 0, degraded: 1, ok: 2 } as const;
export function sortBoard(list: DeviceHealth[]): DeviceHealth[] {
  return [...list].sort((a, b) => Number(!!b.alarm) - Number(!!a.alarm) || RANK[a.health] - RANK[b.health] || a.id.localeCompare(b.id));
}

/** What the guide desk is shown: its own fixes (paper, cover, reader), and any standing alarm. */
export function guideItems(list: readonly DeviceHealth[]): DeviceHealth[] {
  return list.filter((d) => d.guideAlert !== null || d.alarm !== null);
}

export const KIND = { printer: '号票打印机', idcard: '身份证读卡器', led: 'LED屏', caller: '呼叫器', pad: '评价器', sms: '短信猫' } as const;
export const HEALTH = { ok: { zh: '正常', en: 'OK' }, degraded: { zh: '异常', en: 'Degraded' }, down: { zh: '故障', en: 'Down' } } as const;

export function deviceName(d: DeviceHealth): string {
  return `${KIND[d.kind] ?? d.kind}${d.kioskId ? `（${d.kioskId}）` : ''}`;
}

export function paperText(d: DeviceHealth): string {
  if (!d.printer) return '';
  if (d.printer.coverOpen) return '机盖未合上';
  return d.printer.paper === 'out' ? '缺纸' : d.printer.paper === 'low' ? '纸将用完' : '纸量正常';
}

/** `HH:mm` on the hall's clock. */
export function timeOf(ms: number | null, timeZone: string): string {
  if (ms === null) return '—';
  return new Intl.DateTimeFormat('zh-CN', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

export async function loadBoard(board: DeviceBoard, token: string | null): Promise<void> {
  try {
    const [r, p] = await Promise.all([call<{ devices: DeviceHealth[] }>('GET', '/devices', token), call<{ tickets: PrintAttentionMessage[] }>('GET', '/devices/reprints', token)]);
    board.devices = sortBoard(r.devices);
    board.reprints = p.tickets;
    board.error = null;
  } catch (err) {
    board.error = err instanceof HubError ? { zh: err.body.zh, en: err.body.en } : { zh: '设备状态加载失败', en: 'Cannot load the devices' };
  }
}

export function applyHealth(board: DeviceBoard, entry: DeviceHealth): void {
  board.devices = withEntry(board.devices, entry);
}

export async function clearAlarm(board: DeviceBoard, token: string | null, id: string): Promise<void> {
  try {
    const r = await call<{ device: DeviceHealth }>('POST', `/devices/${encodeURIComponent(id)}/alarm/clear`, token);
    applyHealth(board, r.device);
  } catch (err) {
    board.error = err instanceof HubError ? { zh: err.body.zh, en: err.body.en } : { zh: '操作失败', en: 'Failed' };
  }
}
