import { reactive } from 'vue';
import { call, HubError } from '../../../src/api/browser-client.ts';
import type { HubClient } from '../../../src/realtime/client.ts';
import type { AssessmentReport, FlowReport, IndicatorsReport, QuietTimes, StaffingReport } from '../../../src/reports/types.ts';
import { connectScreen } from '../screen-connection.ts';
import { endSession, isManagerRole, savedSession, saveSession, staffLogin, type StaffInfo } from '../staff-session.ts';
import { defaultMonth, monthSpan, type FollowupItem, type UpstreamHealth } from './dashboard-model.ts';
import { downloadFile } from './downloads.ts';
import { applyHealth, loadBoard, newBoard } from '../device-board.ts';
import type { DeviceHealth, SmsStatusMessage } from '../../../src/realtime/protocol.ts';

/**
 * The manager's dashboard (issue #10 §9): the sign-in, the live hall over socket.io (the manager's
 * audience, folded by the shared hall reducer), and the reports, each panel loaded on its own so
 * one slow or failed report leaves the others standing. The pure parts are in `dashboard-model.ts`.
 */

export interface Panel<T> {
  data: T | null;
  error: { zh: string; en: string } | null;
  loading: boolean;
}

const panel = <T>(): Panel<T> => ({ data: null, error: null, loading: false });

export interface FollowupPage {
  today: string;
  total: number;
  followups: FollowupItem[];
}

export const dash = reactive({
  token: null as string | null,
  staff: null as StaffInfo | null,
  /** A refusal or failure on the sign-in form. */
  message: null as { zh: string; en: string } | null,
  /** The live hall: the same reducer as the wall, fed the manager's form of each event. */
  live: null as ReturnType<typeof connectScreen>['screen'] | null,
  /** The hub's clock minus this PC's (from the last sync): "now" is the hall's. */
  skew: 0,
  month: '',
  today: emptyToday(),
  quiet: panel<QuietTimes>(),
  assessment: panel<AssessmentReport>(),
  indicators: panel<IndicatorsReport>(),
  followups: panel<FollowupPage>(),
  health: panel<{ upstream: UpstreamHealth | null; sms: SmsStatusMessage | null; now: number }>(),
  /** The device health board: loaded once, then kept by `device.health` messages. */
  devices: newBoard(),
  download: { busy: null as string | null, result: null as { tone: 'ok' | 'error'; zh: string; en: string } | null },
});

function emptyToday() {
  return { date: '', flow: panel<FlowReport>(), staffing: panel<StaffingReport>() };
}

let client: HubClient | null = null;
const timers: ReturnType<typeof setInterval>[] = [];

/** The hub's business date, once the live hall has arrived. */
export function hubToday(): string | null {
  return dash.live?.state.hall?.businessDate ?? null;
}

export function hubNow(): number {
  return (dash.live?.now ?? Date.now()) + dash.skew;
}

export function restore(): void {
  const s = savedSession();
  if (!s) return;
  if (!isManagerRole(s.staff.role)) {
    // A clerk signed in at the console in this tab: their session stays theirs.
    dash.message = { zh: `当前登录的是窗口工作人员 ${s.staff.name}（${s.staff.id}），请用大厅管理人员的工号登录`, en: 'A clerk is signed in in this tab; log in with a hall manager’s job number' };
    return;
  }
  dash.token = s.token;
  dash.staff = s.staff;
  start();
}

export async function login(jobNo: string, password: string): Promise<void> {
  dash.message = null;
  try {
    const r = await staffLogin(jobNo.trim(), password);
    if (!isManagerRole(r.staff.role)) {
      // Refused here, so the session the hub just made for them ends at once.
      await call('POST', '/auth/logout', r.token).catch(() => undefined);
      dash.message = { zh: '管理驾驶舱仅限大厅管理人员使用，窗口工作人员请使用窗口叫号页面', en: 'The dashboard is for hall managers only; clerks use the clerk console' };
      return;
    }
    dash.token = r.token;
    dash.staff = r.staff;
    saveSession({ token: r.token, staff: r.staff, windowId: null });
    start();
  } catch (err) {
    dash.message = err instanceof HubError ? { zh: err.body.zh, en: err.body.en } : { zh: '登录失败', en: 'Login failed' };
  }
}

export async function logout(message: { zh: string; en: string } | null = null): Promise<void> {
  const token = dash.token;
  stop();
  await endSession(token);
  Object.assign(dash, { token: null, staff: null, live: null, message, today: emptyToday(), quiet: panel(), assessment: panel(), indicators: panel(), followups: panel(), health: panel(), devices: newBoard() });
}

function stop(): void {
  client?.close();
  client = null;
  for (const t of timers.splice(0)) clearInterval(t);
}

function start(): void {
  stop();
  let loadedFor: string | null = null;
  const { screen, client: c } = connectScreen({
    token: dash.token,
    onEvent: (type, data) => {
      if (type === 'device.health') applyHealth(dash.devices, data as DeviceHealth);
      // The SMS outbox changes between the minute's health loads: a dead modem shows at once.
      if (type === 'sms.status' && dash.health.data) dash.health.data.sms = data as SmsStatusMessage;
    },
    onSynced: ({ now }) => {
      dash.skew = now - Date.now();
      const today = hubToday();
      // First sync, or a new business day: everything that depends on "today".
      if (today && today !== loadedFor) {
        loadedFor = today;
        dash.month ||= defaultMonth(today);
        void loadAll();
      }
    },
  });
  dash.live = screen;
  client = c;
  timers.push(
    setInterval(() => void loadToday(), 2 * 60_000),
    setInterval(() => void Promise.all([loadFollowups(), loadHealth()]), 60_000),
    setInterval(() => void loadQuiet(), 10 * 60_000),
  );
}

export async function loadAll(): Promise<void> {
  await Promise.all([loadToday(), loadQuiet(), loadMonth(), loadFollowups(), loadHealth(), loadBoard(dash.devices, dash.token)]);
}

/** GET as the manager, into a panel; a 401 ends the session (expired, or ended elsewhere). */
async function into<T>(p: Panel<T>, path: string): Promise<void> {
  if (!dash.token) return;
  p.loading = true;
  try {
    p.data = await call<T>('GET', path, dash.token);
    p.error = null;
  } catch (err) {
    if (err instanceof HubError && err.status === 401) {
      await logout({ zh: '登录已过期，请重新登录', en: 'Your session has ended; log in again' });
      return;
    }
    p.error = err instanceof HubError ? { zh: err.body.zh, en: err.body.en } : { zh: '加载失败', en: 'Failed to load' };
  } finally {
    p.loading = false;
  }
}

export async function loadToday(): Promise<void> {
  const today = hubToday();
  if (!today) return;
  if (dash.today.date !== today) dash.today = { ...emptyToday(), date: today };
  await Promise.all([into(dash.today.flow, `/reports/flow?from=${today}&to=${today}&by=halfhour`), into(dash.today.staffing, `/reports/staffing?date=${today}`)]);
}

export const loadQuiet = () => into(dash.quiet, '/public/quiet-times');

export async function loadMonth(): Promise<void> {
  const today = hubToday();
  if (!today || !dash.month) return;
  const { from, to } = monthSpan(dash.month, today);
  await Promise.all([into(dash.assessment, `/reports/assessment?month=${dash.month}`), into(dash.indicators, `/reports/indicators?from=${from}&to=${to}`)]);
}

export async function chooseMonth(month: string): Promise<void> {
  dash.month = month;
  dash.download.result = null;
  await loadMonth();
}

/** The open follow-ups, overdue first: one page of up to 100 (the panel says how many in all). */
export const loadFollowups = () => into(dash.followups, '/followups?status=open&pageSize=100');

export const loadHealth = () => into(dash.health, '/health');

/** The month's workbook, or one of its tables as CSV. */
export async function download(kind: 'xlsx' | { csv: string }): Promise<void> {
  if (!dash.token || dash.download.busy) return;
  const path = kind === 'xlsx' ? `/reports/monthly.xlsx?month=${dash.month}` : `/reports/monthly.csv?month=${dash.month}&table=${kind.csv}`;
  const fallback = kind === 'xlsx' ? `hallq-${dash.month}.xlsx` : `hallq-${dash.month}-${kind.csv}.csv`;
  dash.download.busy = kind === 'xlsx' ? 'xlsx' : kind.csv;
  dash.download.result = null;
  try {
    const r = await downloadFile(path, dash.token, fallback);
    if (r.ok) dash.download.result = { tone: 'ok', zh: `已下载 ${r.name}（${Math.max(1, Math.round(r.bytes / 1024))} KB）`, en: `Downloaded ${r.name}` };
    else if (r.status === 401) await logout({ zh: '登录已过期，请重新登录', en: 'Your session has ended; log in again' });
    else dash.download.result = { tone: 'error', zh: r.zh, en: r.en };
  } finally {
    dash.download.busy = null;
  }
}
