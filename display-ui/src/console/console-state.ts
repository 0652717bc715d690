import { reactive } from 'vue';
import { call, HubError, tapKey } from '../../../src/api/browser-client.ts';
import type { HallView } from '../../../src/read-model/hall-view.ts';
import { connectHub, type HubClient } from '../../../src/realtime/client.ts';
import type { SideMessages } from '../../../src/realtime/protocol.ts';

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
}

export interface WindowPanel {
  id: number;
  status: 'closed' | 'open' | 'paused';
  staffId: string | null;
  role: 'A' | 'B' | null;
  pauseReason: string | null;
  current: ConsoleTicket | null;
}

export type Dialog = null | 'complete' | 'transfer' | 'pause';

const SESSION_KEY = 'hallq.console.session';

export const con = reactive({
  token: null as string | null,
  staff: null as { id: string; name: string; role: string; windows: { id: number; role: 'A' | 'B' }[] } | null,
  windowId: null as number | null,
  panel: null as WindowPanel | null,
  hall: null as HallView | null,
  reason: null as { rule: string; detail: { zh: string; en: string } } | null,
  rating: null as { level: number; label?: string } | null,
  message: null as { tone: 'ok' | 'error'; text: string } | null,
  hubDown: false,
  busy: false,
  dialog: null as Dialog,
});

let client: HubClient | null = null;

export function restore(): void {
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (!saved) return;
  const s = JSON.parse(saved) as { token: string; staff: typeof con.staff; windowId: number | null };
  con.token = s.token;
  con.staff = s.staff;
  con.windowId = s.windowId;
  connect();
  if (con.windowId !== null) void refresh();
}

function save(): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: con.token, staff: con.staff, windowId: con.windowId }));
}

export async function login(jobNo: string, password: string): Promise<void> {
  try {
    const r = await call<{ token: string; staff: NonNullable<typeof con.staff> }>('POST', '/auth/login', null, { jobNo, password });
    con.token = r.token;
    con.staff = r.staff;
    con.message = null;
    save();
    connect();
    if (r.staff.role === 'manager' || r.staff.role === 'admin') void loadFollowups();
  } catch (err) {
    fail(err);
  }
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
  if (token) await call('POST', '/auth/logout', token).catch(() => undefined);
  con.token = null;
  con.staff = null;
  con.windowId = null;
  con.panel = null;
  con.hall = null;
  sessionStorage.removeItem(SESSION_KEY);
}

function connect(): void {
  client?.close();
  client = connectHub({
    ...(con.token ? { token: con.token } : {}),
    onSnapshot: (s) => {
      con.hall = s.state;
      if (con.windowId !== null) void refresh();
    },
    onMessage: (type, message) => {
      if (type !== 'queue.counts' || !con.hall) return;
      for (const c of (message as SideMessages['queue.counts']).data.categories) {
        const v = con.hall.categories.find((x) => x.id === c.id);
        if (v) {
          v.waiting = c.waiting;
          v.estimatedWaitMin = c.estimatedWaitMin;
        }
      }
    },
    onEvent: (env) => {
      const d = env.data as { windowId?: number; fromWindowId?: number | null; toWindowId?: number | null };
      if (env.type === 'rating.recorded' && env.data.windowId === con.windowId) {
        con.rating = { level: env.data.level, label: env.data.label };
        return;
      }
      if (con.windowId !== null && [d.windowId, d.fromWindowId, d.toWindowId].includes(con.windowId)) void refresh();
    },
    onLink: (up) => {
      const back = up && con.hubDown;
      con.hubDown = !up;
      if (back) void refresh();
    },
  });
}

export async function refresh(): Promise<void> {
  if (con.windowId === null || !con.token) return;
  try {
    const r = await call<{ window: WindowPanel }>('GET', `/windows/${con.windowId}`, con.token);
    con.panel = r.window;
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
export const recall = () => act(`/windows/${con.windowId}/recall`);
export const noShow = () => act(`/windows/${con.windowId}/no-show`);
export const start = () => act(`/windows/${con.windowId}/start`);
export async function complete(caseNo: string, itemCode: string): Promise<void> {
  await act(`/windows/${con.windowId}/complete`, { ...(caseNo.trim() ? { caseNo: caseNo.trim() } : {}), ...(itemCode.trim() ? { itemCode: itemCode.trim() } : {}) });
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

/** Manager: replace the notices that scroll on the hall wall. */
export async function saveNotices(text: string): Promise<void> {
  try {
    const notices = text.split('\n').map((l) => l.trim()).filter(Boolean);
    await call('PUT', '/hall/notices', con.token, { notices }, { 'idempotency-key': tapKey() });
    con.message = { tone: 'ok', text: '已更新滚动公告 / Notices updated' };
  } catch (err) {
    fail(err);
  }
}

export interface FollowupView {
  id: string;
  windowId: number;
  staffId: string | null;
  level: number;
  deadline: string;
  overdue: boolean;
  status: 'open' | 'closed';
  steps: { step: string; note: string; at: number; by: string }[];
  rating: { number: string; caseNo: string | null; reasons: string[]; comment: string | null } | null;
}

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
