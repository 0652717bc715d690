import { reactive } from 'vue';
import type { CategoryView, HallView } from '../../src/read-model/hall-view.ts';
import { connectHub, type HubClient } from '../../src/realtime/client.ts';
import { call, deviceTokenFromUrl, HubError, tapKey, type HubErrorBody } from '../../src/api/browser-client.ts';

/**
 * The kiosk as a small state machine. Screens: home → (card prompt | appointment) → issuing →
 * ticket | refused, and back home after 30 s without a touch. Everything a resident sees comes
 * from the hub; nothing is decided here that the hub would decide differently.
 */
export type Screen = 'home' | 'card' | 'appointment' | 'issuing' | 'ticket' | 'refused' | 'guideLogin';

export interface CardInfo {
  cardToken: string;
  expiresAt: number;
  holder: { idMasked: string; nameMasked: string; birthYear: number };
}

export interface IssuedTicket {
  id: string;
  number: string;
  categoryId: string;
  ahead: number;
  estimatedWaitMin: number;
  priorityGroup: string | null;
  priorityBy: 'age' | 'guide' | null;
  issuedAt: number;
  print: PrintState;
}

export type PrintState = 'printing' | 'printed' | 'failed' | 'unavailable' | 'none';

export const IDLE_MS = 30_000;
const TOKEN_KEY = 'hallq.kiosk.token';
const GUIDE_KEY = 'hallq.kiosk.guide';

export const kiosk = reactive({
  screen: 'home' as Screen,
  hall: null as HallView | null,
  online: true,
  elder: false,
  card: null as CardInfo | null,
  pendingCategory: null as string | null,
  ticket: null as IssuedTicket | null,
  refusal: null as HubErrorBody | null,
  guide: null as { token: string; name: string } | null,
  priorityGroup: null as string | null,
  priorityGroups: [] as { id: string; name: { zh: string; en: string } }[],
  lastTouch: Date.now(),
  now: Date.now(),
});

let deviceToken: string | null = null;
let client: HubClient | null = null;

/** The kiosk's device token arrives once as `?token=` and is kept on the machine. */
export function start(): void {
  const params = new URLSearchParams(location.search);
  deviceToken = deviceTokenFromUrl(TOKEN_KEY);
  const guide = sessionStorage.getItem(GUIDE_KEY);
  if (guide) kiosk.guide = JSON.parse(guide);
  if (params.get('elder') === '1') kiosk.elder = true;
  client = connectHub({
    ...(deviceToken ? { token: deviceToken } : {}),
    onSnapshot: (s) => {
      kiosk.hall = s.state;
    },
    onEvent: (env) => onEvent(env.type, env.data),
    onMessage: (type, message) => onEvent(type, message),
    onLink: (up) => {
      // After an outage, fetch the hall again (the socket's replay carries events, not counts).
      if (up && !kiosk.online) void refreshHall();
      kiosk.online = up;
    },
  });
  void refreshHall();
  void call<{ groups: { id: string; name: { zh: string; en: string }; source: string }[] }>('GET', '/hall/priority-groups', null)
    .then((r) => (kiosk.priorityGroups = r.groups.filter((g) => g.source === 'guide')))
    .catch(() => {});
  setInterval(tick, 1000);
}

async function refreshHall(): Promise<void> {
  try {
    kiosk.hall = await call<HallView>('GET', '/hall', null);
  } catch {
    /* the socket snapshot or the next event brings it */
  }
}

function onEvent(type: string, data: any): void {
  if (type === 'queue.counts') data = data.data;
  if (type === 'card.read') {
    kiosk.card = data as CardInfo;
    touch();
    if (kiosk.screen === 'card' && kiosk.pendingCategory) void issue(kiosk.pendingCategory);
    else if (kiosk.screen === 'card') kiosk.screen = 'home';
    else if (kiosk.screen === 'appointment') void checkInByCard();
    return;
  }
  if (type === 'card.refused') {
    touch();
    kiosk.card = null;
    kiosk.pendingCategory = null;
    kiosk.refusal = data as HubErrorBody;
    kiosk.screen = 'refused';
    return;
  }
  if (type === 'print.job' && kiosk.ticket && data.ticketId === kiosk.ticket.id) {
    kiosk.ticket.print = data.state === 'printed' ? 'printed' : data.state === 'failed' ? 'failed' : 'printing';
    return;
  }
  if (type === 'queue.counts' && kiosk.hall) {
    for (const c of data.categories as { id: string; waiting: number; estimatedWaitMin: number }[]) {
      const view = kiosk.hall.categories.find((x) => x.id === c.id);
      if (view) {
        view.waiting = c.waiting;
        view.estimatedWaitMin = c.estimatedWaitMin;
      }
    }
    return;
  }
  if (type.startsWith('window.') || type === 'notice.updated') void refreshHall();
}

function tick(): void {
  kiosk.now = Date.now();
  // Opening and closing of categories follow the clock: refresh once a minute.
  if (kiosk.now % 60_000 < 1000) void refreshHall();
  if (kiosk.screen !== 'home' && kiosk.screen !== 'issuing' && kiosk.now - kiosk.lastTouch > IDLE_MS) goHome();
  if (kiosk.card && kiosk.card.expiresAt < kiosk.now) kiosk.card = null;
}

export function touch(): void {
  kiosk.lastTouch = Date.now();
}

export function goHome(): void {
  kiosk.screen = 'home';
  kiosk.card = null;
  kiosk.pendingCategory = null;
  kiosk.ticket = null;
  kiosk.refusal = null;
  kiosk.priorityGroup = null;
  touch();
}

export function category(id: string): CategoryView | undefined {
  return kiosk.hall?.categories.find((c) => c.id === id);
}

/** A tap on a category: ask for the card where the category needs one, else issue at once. */
export function chooseCategory(id: string): void {
  touch();
  const c = category(id);
  if (!c || !c.open) return;
  if (c.requiresIdCard && !kiosk.card) {
    kiosk.pendingCategory = id;
    kiosk.screen = 'card';
    return;
  }
  void issue(id);
}

export function cardFirst(): void {
  touch();
  kiosk.pendingCategory = null;
  kiosk.screen = 'card';
}

async function issue(categoryId: string, extra: Record<string, unknown> = {}): Promise<void> {
  kiosk.screen = 'issuing';
  const token = kiosk.guide?.token ?? deviceToken;
  try {
    const r = await call<{ ticket: Omit<IssuedTicket, 'print' | 'priorityBy'> & { priorityBy?: 'age' | 'guide' | null }; print?: { state: PrintState } }>(
      'POST',
      '/tickets',
      token,
      {
        ...(categoryId ? { categoryId } : {}),
        ...(kiosk.card ? { cardToken: kiosk.card.cardToken } : {}),
        ...(kiosk.guide && kiosk.priorityGroup ? { priorityGroup: kiosk.priorityGroup } : {}),
        ...extra,
      },
      { 'idempotency-key': tapKey(), ...(kiosk.guide && deviceToken ? { 'x-hallq-kiosk': deviceToken } : {}) },
    );
    kiosk.ticket = { ...r.ticket, priorityBy: r.ticket.priorityBy ?? null, print: r.print?.state ?? 'none' };
    kiosk.screen = 'ticket';
  } catch (err) {
    kiosk.refusal = err instanceof HubError ? err.body : { code: 'HQ_ERR_INTERNAL', message: '', zh: '取号失败,请重试', en: 'Could not take a number; try again' };
    kiosk.screen = 'refused';
  }
  kiosk.card = null;
  kiosk.pendingCategory = null;
  touch();
}

export function openAppointment(): void {
  touch();
  kiosk.screen = 'appointment';
}

export function checkInByCode(code: string): Promise<void> {
  return issue('', { appointmentCode: code });
}

async function checkInByCard(): Promise<void> {
  await issue('', { appointmentByCard: true });
}

export async function guideLogin(jobNo: string, password: string): Promise<string | null> {
  try {
    const r = await call<{ token: string; staff: { name: string; role: string } }>('POST', '/auth/login', null, { jobNo, password });
    if (r.staff.role !== 'guide' && r.staff.role !== 'manager' && r.staff.role !== 'admin') return '仅导办台人员可用 / Guide desk staff only';
    kiosk.guide = { token: r.token, name: r.staff.name };
    sessionStorage.setItem(GUIDE_KEY, JSON.stringify(kiosk.guide));
    goHome();
    return null;
  } catch (err) {
    return err instanceof HubError ? err.body.message : '登录失败 / Login failed';
  }
}

/** Leaves guide mode and ends the guide's session on the hub: a kiosk is a public machine. */
export async function guideLogout(): Promise<void> {
  const token = kiosk.guide?.token;
  kiosk.guide = null;
  sessionStorage.removeItem(GUIDE_KEY);
  goHome();
  if (token) await call('POST', '/auth/logout', token).catch(() => undefined);
}

/** Guide desk: print the ticket on screen again (after a jam, or for a resident who lost it). */
export async function reprint(): Promise<void> {
  if (!kiosk.guide || !kiosk.ticket) return;
  touch();
  try {
    await call('POST', `/tickets/${kiosk.ticket.id}/print`, kiosk.guide.token);
    kiosk.ticket.print = 'printing';
  } catch {
    kiosk.ticket.print = 'failed';
  }
}

export function statusUrl(ticketId: string): string {
  return `${location.origin}/t/${ticketId}`;
}

/** Hall-local clock time for "opens at", in the hall's zone rather than the kiosk PC's. */
export function hallTime(ms: number, lang: string): string {
  const tz = kiosk.hall?.hall.timeZone ?? 'Asia/Shanghai';
  const sameDay = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  const today = sameDay.format(kiosk.now) === sameDay.format(ms);
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: tz,
    ...(today ? {} : { month: 'numeric', day: 'numeric', weekday: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}
