import { reactive } from 'vue';
import { call, HubError, tapKey } from '../../../src/api/browser-client.ts';
import type { QueuedForWindow } from '../../../src/domain/queries.ts';
import type { FollowupListItem } from '../../../src/domain/ratings.ts';
import type { RecordKind } from '../../../src/upstream/record.ts';
import type { HallView } from '../../../src/read-model/hall-view.ts';
import { applyCongestion } from '../../../src/read-model/hall-view-state.ts';
import { connectHub, type HubClient } from '../../../src/realtime/client.ts';
import { endSession, isManagerRole, savedSession, saveSession, staffLogin, type StaffInfo } from '../staff-session.ts';
import type { SideMessages } from '../../../src/realtime/protocol.ts';
import { applyAttention, applyHealth, loadBoard, newBoard } from '../device-board.ts';

/** The clerk console: sign in, then one window's current ticket and the actions on it. */
export interface ConsoleTicket {
  id: string;
  number: string;
  categoryId: string;
  status: string;
  serviceStatus: string;
  serviceId: string;
  recalls: number;
  priorityGroup: string | null;
  holderName: string | null;
  calledAt: number | null;
  lastCalledAt: number | null;
  startedAt: number | null;
  materials: string | null;
  /** 转号: where it came from and the other clerk's note. */
  transfer: { fromWindowId: number; fromWindowName: string | null; fromCategoryId: string; note: string | null; at: number } | null;
}

/** One waiting ticket of this window, in the order 叫号 takes them, with why: the hub's list, its reason worded. */
export type QueuedTicket = Omit<QueuedForWindow, 'reason'> & { reason: QueuedForWindow['reason'] & { detail: { zh: string; en: string } } };

export interface ClerkDay {
  served: number;
  meanHandlingMin: number | null;
  noShows: number;
  transferred: number;
  ratings: { rated: number; unrated: number; meanLevel: number | null; byLevel: Record<string, number> };
}

export interface WindowPanel {
  id: number;
  status: 'closed' | 'open' | 'paused';
  staffId: string | null;
  role: 'A' | 'B' | null;
  pauseReason: string | null;
  recallLimit: number;
  allowChosenCall: boolean;
  /** The hall requires the case number and item code on completion (好差评): the dialog asks for both. */
  requireCase: boolean;
  /** The hall's items (事项), offered in the completion dialog. */
  items: { code: string; name: string }[];
  /** The hub's clock when the panel was read (the service timer runs from it). */
  now: number;
  current: ConsoleTicket | null;
  queue: QueuedTicket[];
  day: ClerkDay | null;
}

export type Dialog = null | 'complete' | 'transfer' | 'pause' | 'no-show' | 'recall-over' | 'notices';


/** The device health board, for the manager's and the guide desk's views. */
export const board = newBoard();

export const con = reactive({
  token: null as string | null,
  staff: null as StaffInfo | null,
  windowId: null as number | null,
  panel: null as WindowPanel | null,
  hall: null as HallView | null,
  reason: null as { rule: string; detail: { zh: string; en: string } } | null,
  rating: null as { level: number; label?: string } | null,
  message: null as { tone: 'ok' | 'error'; text: string } | null,
  hubDown: false,
  busy: false,
  dialog: null as Dialog,
  /** The hub's clock minus this PC's, from the last panel read (the timer counts in hub time). */
  skew: 0,
  now: Date.now(),
});

setInterval(() => (con.now = Date.now()), 1000);

/** Seconds since the current ticket was called, or since its service started. */
export function serviceSeconds(t: ConsoleTicket | null): number | null {
  const from = t ? (t.serviceStatus === 'serving' ? t.startedAt : t.lastCalledAt) : null;
  return from === null ? null : Math.max(0, Math.floor((con.now + con.skew - from) / 1000));
}

/** Recalls left before the next recall becomes a no-show (过号). */
export function recallsLeft(): number {
  const cur = con.panel?.current;
  return cur ? Math.max(0, (con.panel?.recallLimit ?? 0) - cur.recalls) : 0;
}

let client: HubClient | null = null;

export function restore(): void {
  const s = savedSession();
  if (!s) return;
  con.token = s.token;
  con.staff = s.staff;
  con.windowId = s.windowId;
  connect();
  if (con.windowId !== null) void refresh();
}

function save(): void {
  if (con.token && con.staff) saveSession({ token: con.token, staff: con.staff, windowId: con.windowId });
}

export async function login(jobNo: string, password: string): Promise<void> {
  try {
    const r = await staffLogin(jobNo, password);
    con.token = r.token;
    con.staff = r.staff;
    con.message = null;
    save();
    connect();
    if (r.staff.role === 'manager' || r.staff.role === 'admin') {
      void loadFollowups();
      void loadUpstream();
    }
  } catch (err) {
    // A wrong password is said on the login form (the message shows there).
    fail(err);
  }
}

/** The manager and the guide desk see the devices; a clerk does not. */
export function seesDevices(): boolean {
  return isManagerRole(con.staff?.role) || con.staff?.role === 'guide';
}

export function isManager(): boolean {
  return isManagerRole(con.staff?.role);
}

export async function signIn(windowId: number, role: 'A' | 'B'): Promise<void> {
  con.busy = true;
  con.message = null;
  try {
    await call('POST', `/windows/${windowId}/open`, con.token, { role }, { 'idempotency-key': tapKey() });
  } catch (err) {
    // Already signed in there (another browser, a reload): carry on at the window.
    if (!(err instanceof HubError && err.body.code === 'HQ_ERR_WINDOW_ALREADY_OPEN')) {
      fail(err);
      con.busy = false;
      return;
    }
  }
  con.busy = false;
  con.windowId = windowId;
  save();
  await refresh();
}

/** 签退: sign out of the window, then end the session on the hub too (a console may be a shared PC). */
export async function signOut(): Promise<void> {
  if (con.windowId !== null) {
    await act(`/windows/${con.windowId}/close`);
    if (con.message?.tone === 'error') return;
  }
  await logout();
}

/** Ends the staff session on the hub and forgets it here. */
export async function logout(): Promise<void> {
  const token = con.token;
  client?.close();
  client = null;
  await endSession(token);
  con.token = null;
  con.staff = null;
  con.windowId = null;
  con.panel = null;
  con.hall = null;
}

function connect(): void {
  client?.close();
  client = connectHub({
    ...(con.token ? { token: con.token } : {}),
    onSnapshot: (s) => {
      con.hall = s.state;
      // After any (re)connect: the board as it is now, then its changes as they come.
      if (seesDevices()) void loadBoard(board, con.token);
      if (con.windowId !== null) void refresh();
    },
    onMessage: (type, message) => {
      if (type === 'device.health') applyHealth(board, message as SideMessages['device.health']);
      if (type === 'print.attention') applyAttention(board, message as SideMessages['print.attention']);
      if (type !== 'queue.counts' || !con.hall) return;
      for (const c of (message as SideMessages['queue.counts']).data.categories) {
        const v = con.hall.categories.find((x) => x.id === c.id);
        if (v) {
          v.waiting = c.waiting;
          v.estimatedWaitMin = c.estimatedWaitMin;
          if (c.openWindows !== undefined) v.openWindows = c.openWindows;
        }
      }
      // The counts follow every change of the queue: the window's list in call order may have moved.
      scheduleRefresh();
    },
    onEvent: (env) => {
      const d = env.data as { windowId?: number; fromWindowId?: number | null; toWindowId?: number | null };
      if (env.type === 'rating.recorded' && env.data.windowId === con.windowId) {
        con.rating = { level: env.data.level, label: env.data.label };
        scheduleRefresh();
        return;
      }
      if (env.type === 'notice.updated' && con.hall) con.hall.notices = [...env.data.notices];
      if ((env.type === 'hall.congested' || env.type === 'hall.cleared') && con.hall) con.hall = applyCongestion(con.hall, env);
      if (con.windowId !== null && [d.windowId, d.fromWindowId, d.toWindowId].includes(con.windowId)) void refresh();
    },
    onLink: (up) => {
      const back = up && con.hubDown;
      con.hubDown = !up;
      if (back) void refresh();
    },
  });
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleRefresh(): void {
  if (refreshTimer || con.windowId === null) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refresh();
  }, 200);
}

export async function refresh(): Promise<void> {
  if (con.windowId === null || !con.token) return;
  try {
    const r = await call<{ window: WindowPanel }>('GET', `/windows/${con.windowId}`, con.token);
    con.panel = r.window;
    con.skew = r.window.now - Date.now();
    con.hubDown = false;
  } catch (err) {
    fail(err);
  }
}

/** One button press: a POST with its own idempotency key, then the panel from the hub. */
async function act(path: string, body?: unknown, windowId = con.windowId): Promise<unknown> {
  if (con.busy || windowId === null) return null;
  con.busy = true;
  con.message = null;
  try {
    const r = await call<any>('POST', path, con.token, body, { 'idempotency-key': tapKey() });
    con.windowId = windowId;
    await refresh();
    return r ?? null;
  } catch (err) {
    fail(err);
    return null;
  } finally {
    con.busy = false;
  }
}

function fail(err: unknown): void {
  if (err instanceof HubError) {
    if (err.status === 0) con.hubDown = true;
    con.message = { tone: 'error', text: `${err.body.zh} / ${err.body.en}` };
  } else con.message = { tone: 'error', text: String(err) };
}

export async function callNext(): Promise<void> {
  const r = (await act(`/windows/${con.windowId}/call-next`)) as { ticket?: { number: string }; reason?: typeof con.reason } | null;
  con.rating = null;
  if (r?.reason) con.reason = r.reason;
  else if (r === null && !con.message) con.message = { tone: 'ok', text: '当前没有等候的群众 / Nobody is waiting' };
}

export async function recall(): Promise<void> {
  const r = (await act(`/windows/${con.windowId}/recall`)) as { noShow?: boolean; ticket?: { number: string } } | null;
  if (r?.noShow) con.message = { tone: 'ok', text: `${r.ticket?.number ?? ''} 已过号（重呼已达上限）/ No-show: recall limit reached` };
  con.dialog = null;
}
export async function noShow(): Promise<void> {
  await act(`/windows/${con.windowId}/no-show`);
  con.dialog = null;
}
/** 指定叫号: call this number from the list (where the hall allows it). */
export async function callChosen(serviceId: string): Promise<void> {
  const r = (await act(`/windows/${con.windowId}/call-chosen`, { serviceId })) as { reason?: typeof con.reason } | null;
  con.rating = null;
  if (r?.reason) con.reason = r.reason;
}
/** 办结并叫下一位: one key (with the case and item, where the hall requires them: the dialog asks first). */
export async function completeAndCall(caseNo = '', itemCode = ''): Promise<void> {
  const r = (await act(`/windows/${con.windowId}/complete-and-call`, caseFields(caseNo, itemCode))) as { called?: { reason?: typeof con.reason } | null } | null;
  con.rating = null;
  if (r?.called?.reason) con.reason = r.called.reason;
  else if (r && !r.called) {
    con.reason = null;
    con.message = { tone: 'ok', text: '已办结，当前没有等候的群众 / Done; nobody is waiting' };
  }
}
export const start = () => act(`/windows/${con.windowId}/start`);
function caseFields(caseNo: string, itemCode: string): { caseNo?: string; itemCode?: string } {
  return { ...(caseNo.trim() ? { caseNo: caseNo.trim() } : {}), ...(itemCode.trim() ? { itemCode: itemCode.trim() } : {}) };
}
export async function complete(caseNo: string, itemCode: string): Promise<void> {
  await act(`/windows/${con.windowId}/complete`, caseFields(caseNo, itemCode));
  con.dialog = null;
}
export async function transfer(target: { toCategoryId?: string; toWindowId?: number }, placement: 'front' | 'original' | 'back', note: string): Promise<void> {
  await act(`/windows/${con.windowId}/transfer`, { ...target, placement, ...(note.trim() ? { note: note.trim() } : {}) });
  con.dialog = null;
}
export async function pause(reason: string): Promise<void> {
  await act(`/windows/${con.windowId}/pause`, { reason });
  con.dialog = null;
}
export const resume = () => act(`/windows/${con.windowId}/resume`);

/** The notices the manager is about to save, against what is live: what goes, what comes. */
export function noticeChanges(text: string, live: readonly string[]): { next: string[]; removed: string[]; added: string[] } {
  const next = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return { next, removed: live.filter((n) => !next.includes(n)), added: next.filter((n) => !live.includes(n)) };
}

export const notices = reactive({ live: null as string[] | null, pending: null as { next: string[]; removed: string[]; added: string[] } | null });

/**
 * Manager: replace the notices that scroll on the hall wall. Nothing is sent when nothing changed
 * (an untouched box is never "delete all"); removals are confirmed first (`confirmed`); the reply
 * says what is live now.
 */
export async function saveNotices(text: string, confirmed = false): Promise<void> {
  const live = con.hall?.notices ?? [];
  const change = noticeChanges(text, live);
  if (change.removed.length === 0 && change.added.length === 0 && change.next.length === live.length) {
    con.message = { tone: 'ok', text: '公告没有改动，未保存 / No change; nothing saved' };
    return;
  }
  if (change.removed.length > 0 && !confirmed) {
    notices.pending = change;
    con.dialog = 'notices';
    return;
  }
  try {
    const r = await call<{ notices: string[] }>('PUT', '/hall/notices', con.token, { notices: change.next }, { 'idempotency-key': tapKey() });
    notices.live = r.notices;
    notices.pending = null;
    if (con.hall) con.hall.notices = [...r.notices];
    con.dialog = null;
    con.message = { tone: 'ok', text: `已更新滚动公告，现在生效 ${r.notices.length} 条 / Notices updated: ${r.notices.length} live` };
  } catch (err) {
    fail(err);
  }
}

export type FollowupView = FollowupListItem;

export const followups = reactive({ list: [] as FollowupView[], today: '' });

/** Manager: the bad-rating follow-ups still open, the overdue ones first. */
export async function loadFollowups(): Promise<void> {
  try {
    const r = await call<{ today: string; followups: FollowupView[] }>('GET', '/followups?status=open', con.token);
    followups.today = r.today;
    followups.list = r.followups.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.deadline.localeCompare(b.deadline));
  } catch (err) {
    fail(err);
  }
}

export async function recordStep(id: string, step: 'callback' | 'verification' | 'rectification', note: string): Promise<void> {
  try {
    await call('POST', `/followups/${id}`, con.token, { step, note }, { 'idempotency-key': tapKey() });
    await loadFollowups();
  } catch (err) {
    fail(err);
  }
}

export const PAUSE_REASONS = ['临时离岗', '午间休息', '业务咨询', '系统故障', '外出送件', '会议'];

/** What a 好差评 record is, in the manager's words; every kind the outbox holds (an Anhui case push is one too). */
export const RECORD_KIND_LABELS: Record<RecordKind, string> = {
  rating: '评价',
  unrated: '未评价（平台默认）',
  followup: '回访整改结果',
  case: '办件推送（省评价页）',
};

/** A record the 好差评 platform refused, as the manager's view shows it (never the applicant). */
export interface DeadLetterView {
  seq: number;
  key: string;
  kind: RecordKind;
  createdAt: number;
  attempts: number;
  error: string | null;
  number: string | null;
  caseNo: string | null;
  itemCode: string | null;
  level: number | null;
  step: string | null;
  applicantHeld: boolean;
}

export const upload = reactive({
  /** False where the hall uploads nothing (the section is hidden). */
  on: false,
  status: null as SideMessages['upstream.status'] | null,
  deadLetters: [] as DeadLetterView[],
  reconcile: false,
  reconciliations: [] as SideMessages['upstream.reconciled'][],
});

/** Manager: the upload's state, the refused records and the latest reconciliations. */
export async function loadUpstream(): Promise<void> {
  try {
    const r = await call<{ status: SideMessages['upstream.status']; deadLetters: DeadLetterView[]; reconcile: boolean; reconciliations: SideMessages['upstream.reconciled'][] }>('GET', '/upstream', con.token);
    Object.assign(upload, { on: true, ...r });
  } catch (err) {
    // A hall without an upload: nothing to show, and nothing wrong.
    if (err instanceof HubError && err.body.code === 'HQ_ERR_UPSTREAM_OFF') upload.on = false;
    else fail(err);
  }
}

/** Sends a refused record again, once its cause is fixed (the config, then a restart). */
export async function resendDeadLetter(seq: number): Promise<void> {
  try {
    await call('POST', `/upstream/dead-letters/${seq}/resend`, con.token, undefined, { 'idempotency-key': tapKey() });
    con.message = { tone: 'ok', text: '已重新上报 / Sent again' };
    await loadUpstream();
  } catch (err) {
    fail(err);
  }
}

/** Compares yesterday now, instead of waiting for the night's run. */
export async function reconcileNow(): Promise<void> {
  try {
    await call('POST', '/upstream/reconciliations', con.token, {});
    await loadUpstream();
  } catch (err) {
    fail(err);
  }
}
