import type { HubErrorBody } from '../../src/api/browser-client.ts';
import { refusalPrompt as refusalPromptOf, type PromptClipId } from '../../src/announcer/vocabulary.ts';
import type { CategoryView } from '../../src/read-model/hall-view.ts';
import { applyCounts, applyEnvelope, applySnapshot, emptyScreen, type HallScreenState } from '../../src/read-model/hall-view-state.ts';
import type { AnyEnvelope, CardReadMessage, DeviceStatus, PrintJobMessage, SideMessages, Snapshot } from '../../src/realtime/protocol.ts';

/**
 * The kiosk as a pure reducer: state + action → state and the effects to run (an HTTP call, a
 * spoken prompt). The hall part is the shared hall-view reducer of the wall and window screens
 * (`src/read-model/hall-view-state.ts`); nothing here refetches the hall per event. The thin Vue
 * wrapper (`kiosk-state.ts`) dispatches actions and runs the effects; tests drive this without a browser.
 *
 * Screens: home → (card | appointment) → choose (after a card read) → issuing → ticket | refused,
 * and back home after `IDLE_MS` without a touch, in Chinese and the normal mode, whatever the last
 * resident chose. A ticket that did not print stays until the resident confirms.
 */
export type Screen = 'home' | 'card' | 'choose' | 'appointment' | 'issuing' | 'ticket' | 'refused' | 'guideLogin';
export type Lang = 'zh' | 'en';
export type PrintState = 'printing' | 'printed' | 'failed' | 'unavailable' | 'none';

export type CardInfo = CardReadMessage;

/** A number as the kiosk shows it after issue (the reply to POST /tickets). */
export interface IssuedTicket {
  id: string;
  number: string;
  categoryId: string;
  ahead: number;
  estimatedWaitMin: number;
  priorityGroup: string | null;
  priorityBy: 'age' | 'guide' | null;
  issuedAt: number;
  businessDate: string;
  materials: string | null;
  windows: { id: number; name: string }[];
  openWindows: number;
  print: PrintState;
}

/** After a card read, per category: may this card take a number now, and if not, why. */
export type Eligibility =
  | { id: string; ok: true; ahead: number; estimatedWaitMin: number; openWindows: number }
  | { id: string; ok: false; code: string; zh: string; en: string; detail?: Record<string, unknown> };

export interface PrinterInfo {
  /** `ok`, `offline`, `paper-out`, `cover-open`, `error`, `failing`, `starting` (printer-host). */
  state: string;
  detail: string;
}

export interface KioskState {
  screen: Screen;
  hall: HallScreenState;
  online: boolean;
  lang: Lang;
  elder: boolean;
  /** What an idle return goes back to (a kiosk set up with `?elder=1` stays in elder mode). */
  defaultElder: boolean;
  card: CardInfo | null;
  eligibility: Eligibility[] | null;
  pendingCategory: string | null;
  ticket: IssuedTicket | null;
  refusal: HubErrorBody | null;
  /** The kiosk's own printer, before anyone takes a number; null when it has none. */
  printer: PrinterInfo | null;
  voice: boolean;
  /** Past this estimated wait (minutes) the kiosk suggests the quiet times (错峰); null: the hub did not say. */
  quietAboveMin: number | null;
  guide: { token: string; name: string } | null;
  priorityGroup: string | null;
  lastTouch: number;
  now: number;
}

export type KioskAction =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'envelope'; envelope: AnyEnvelope }
  | { type: 'counts'; counts: SideMessages['queue.counts'] }
  | { type: 'link'; up: boolean }
  | { type: 'settings'; voice: boolean; printer: PrinterInfo | null; quietAboveMin?: number | null }
  | { type: 'device.status'; status: DeviceStatus }
  | { type: 'card.read'; card: CardInfo; at: number }
  | { type: 'card.refused'; refusal: HubErrorBody; at: number }
  | { type: 'eligibility'; cardToken: string; categories: Eligibility[] }
  | { type: 'print.job'; job: PrintJobMessage }
  | { type: 'tick'; now: number }
  | { type: 'touch'; at: number }
  /** `reset`: a new resident comes next (idle, or the last one said done): Chinese, normal mode. */
  | { type: 'home'; at: number; reset: boolean }
  | { type: 'choose'; categoryId: string; at: number }
  | { type: 'cardFirst'; at: number }
  | { type: 'appointment'; at: number }
  | { type: 'checkIn'; code: string; at: number }
  | { type: 'guideLogin'; at: number }
  /** From a refusal, with the card still read: back to what it may take. */
  | { type: 'backToChoice'; at: number }
  | { type: 'guide'; guide: { token: string; name: string } | null; at: number }
  | { type: 'priorityGroup'; id: string | null; at: number }
  | { type: 'issued'; ticket: IssuedTicket; at: number }
  | { type: 'refused'; refusal: HubErrorBody; at: number }
  | { type: 'reprinting'; at: number }
  | { type: 'toggleLang'; at: number }
  | { type: 'toggleElder'; at: number };

export type Effect =
  | { kind: 'issue'; categoryId: string | null; cardToken: string | null; extra: Record<string, unknown> }
  | { kind: 'eligibility'; cardToken: string }
  | { kind: 'say'; prompt: PromptClipId };

export const IDLE_MS = 30_000;
/** A ticket that did not print stays this long unconfirmed before the kiosk gives up on its holder. */
export const UNPRINTED_HOLD_MS = 5 * 60_000;

export function initialKiosk(now: number, opts: { elder?: boolean } = {}): KioskState {
  return {
    screen: 'home',
    hall: emptyScreen(),
    online: true,
    lang: 'zh',
    elder: opts.elder ?? false,
    defaultElder: opts.elder ?? false,
    card: null,
    eligibility: null,
    pendingCategory: null,
    ticket: null,
    refusal: null,
    printer: null,
    voice: true,
    quietAboveMin: null,
    guide: null,
    priorityGroup: null,
    lastTouch: now,
    now,
  };
}

type Result = { state: KioskState; effects: Effect[] };
const only = (state: KioskState): Result => ({ state, effects: [] });

export function categoryOf(s: KioskState, id: string): CategoryView | undefined {
  return s.hall.hall?.categories.find((c) => c.id === id);
}

/** The ticket did not reach paper: the resident must note the number, and confirms they have. */
export function needsConfirm(s: KioskState): boolean {
  return s.screen === 'ticket' && !!s.ticket && (s.ticket.print === 'failed' || s.ticket.print === 'unavailable');
}

/**
 * Whether to suggest the quiet times (错峰办事, issue #10 §3): the number just taken will wait longer
 * than the hall's `quietHintAboveMin`, or the wait would run past closing. A number that waits for a
 * window to open says so itself, with no minutes to compare.
 */
export function quietHintDue(s: KioskState): 'long-wait' | 'come-another-day' | null {
  if (s.screen === 'refused' && s.refusal?.code === 'HQ_ERR_WAIT_PAST_CLOSING') return 'come-another-day';
  if (s.screen !== 'ticket' || !s.ticket || s.quietAboveMin === null) return null;
  return s.ticket.openWindows > 0 && s.ticket.estimatedWaitMin > s.quietAboveMin ? 'long-wait' : null;
}

/** Whether the home screen should warn before a number is taken, and what it says (see i18n `printer.*`). */
export function printerWarning(s: KioskState): 'offline' | 'paper-out' | 'cover-open' | 'error' | null {
  const st = s.printer?.state;
  if (!st || st === 'ok' || st === 'starting') return null;
  if (st === 'offline' || st === 'paper-out' || st === 'cover-open') return st;
  return 'error';
}

export function reduce(s: KioskState, a: KioskAction): Result {
  switch (a.type) {
    case 'snapshot':
      return only({ ...s, hall: applySnapshot(s.hall, a.snapshot) });
    case 'envelope':
      return only({ ...s, hall: applyEnvelope(s.hall, a.envelope) });
    case 'counts':
      return only({ ...s, hall: applyCounts(s.hall, a.counts) });
    case 'link':
      return only({ ...s, online: a.up });
    case 'settings':
      return only({ ...s, voice: a.voice, printer: a.printer, ...(a.quietAboveMin !== undefined ? { quietAboveMin: a.quietAboveMin } : {}) });
    case 'device.status':
      return a.status.kind === 'printer' ? only({ ...s, printer: { state: a.status.state, detail: a.status.detail } }) : only(s);
    case 'card.read': {
      const t = { ...s, card: a.card, eligibility: null, lastTouch: a.at };
      const ask: Effect = { kind: 'eligibility', cardToken: a.card.cardToken };
      if (s.screen === 'card' && s.pendingCategory) return issue(t, s.pendingCategory, {});
      if (s.screen === 'appointment') return issue(t, null, { appointmentByCard: true });
      if (s.screen === 'issuing' || s.screen === 'ticket' || s.screen === 'guideLogin') return { state: t, effects: [ask] };
      // From home, the card screen or a refusal: the next step, big, with what this card may take.
      return { state: { ...t, screen: 'choose', refusal: null }, effects: [ask, { kind: 'say', prompt: 'prompt_choose' }] };
    }
    case 'eligibility':
      return s.card?.cardToken === a.cardToken ? only({ ...s, eligibility: a.categories }) : only(s);
    case 'card.refused':
      return {
        state: { ...s, screen: 'refused', refusal: a.refusal, card: null, eligibility: null, pendingCategory: null, lastTouch: a.at },
        effects: [{ kind: 'say', prompt: refusalPromptOf(a.refusal.code) }],
      };
    case 'print.job': {
      if (!s.ticket || a.job.ticketId !== s.ticket.id) return only(s);
      const print: PrintState = a.job.state === 'printed' ? 'printed' : a.job.state === 'failed' || a.job.state === 'unavailable' ? 'failed' : 'printing';
      if (print === s.ticket.print) return only(s);
      const t = { ...s, ticket: { ...s.ticket, print } };
      return print === 'failed' && s.screen === 'ticket' ? { state: t, effects: [{ kind: 'say', prompt: 'prompt_no_paper' }] } : only(t);
    }
    case 'tick': {
      let t: KioskState = { ...s, now: a.now };
      if (t.card && t.card.expiresAt < a.now) {
        t = { ...t, card: null, eligibility: null };
        if (t.screen === 'choose') t = { ...t, screen: 'home' };
      }
      const idleFor = a.now - t.lastTouch;
      if (t.screen === 'issuing') return only(t);
      if (needsConfirm(t)) return idleFor > UNPRINTED_HOLD_MS ? only(home(t, a.now, true)) : only(t);
      const dirty = t.screen !== 'home' || t.lang !== 'zh' || t.elder !== t.defaultElder || t.card !== null || t.priorityGroup !== null;
      return idleFor > IDLE_MS && dirty ? only(home(t, a.now, true)) : only(t);
    }
    case 'touch':
      return only({ ...s, lastTouch: a.at });
    case 'home':
      return only(home(s, a.at, a.reset));
    case 'choose': {
      const c = categoryOf(s, a.categoryId);
      if (!c) return only(s);
      const t = { ...s, lastTouch: a.at };
      if (c.requiresIdCard && !s.card) return { state: { ...t, pendingCategory: c.id, screen: 'card' }, effects: [{ kind: 'say', prompt: 'prompt_card' }] };
      // Tiles are never dead: a closed or full one answers with the hub's reason, shown and spoken.
      return issue(t, c.id, {});
    }
    case 'cardFirst':
      return { state: { ...s, screen: 'card', pendingCategory: null, lastTouch: a.at }, effects: [{ kind: 'say', prompt: 'prompt_card' }] };
    case 'appointment':
      return only({ ...s, screen: 'appointment', lastTouch: a.at });
    case 'checkIn':
      return issue({ ...s, lastTouch: a.at }, null, { appointmentCode: a.code });
    case 'guideLogin':
      return only({ ...s, screen: 'guideLogin', lastTouch: a.at });
    case 'backToChoice':
      return s.card ? only({ ...s, screen: 'choose', refusal: null, lastTouch: a.at }) : only(home(s, a.at, false));
    case 'guide':
      return only(home({ ...s, guide: a.guide }, a.at, false));
    case 'priorityGroup':
      return only({ ...s, priorityGroup: a.id, lastTouch: a.at });
    case 'issued': {
      const t: KioskState = { ...s, screen: 'ticket', ticket: a.ticket, card: null, eligibility: null, pendingCategory: null, refusal: null, lastTouch: a.at };
      const printed = a.ticket.print === 'printing' || a.ticket.print === 'printed';
      return { state: t, effects: [{ kind: 'say', prompt: printed ? 'prompt_take' : a.ticket.print === 'none' ? 'prompt_take' : 'prompt_no_paper' }] };
    }
    case 'refused':
      // The card stays (the resident may choose another category), the pending choice goes.
      return {
        state: { ...s, screen: 'refused', refusal: a.refusal, pendingCategory: null, lastTouch: a.at },
        effects: [{ kind: 'say', prompt: refusalPromptOf(a.refusal.code) }],
      };
    case 'reprinting':
      return s.ticket ? only({ ...s, ticket: { ...s.ticket, print: 'printing' }, lastTouch: a.at }) : only(s);
    case 'toggleLang':
      return only({ ...s, lang: s.lang === 'zh' ? 'en' : 'zh', lastTouch: a.at });
    case 'toggleElder':
      return only({ ...s, elder: !s.elder, lastTouch: a.at });
    default: {
      const _exhaustive: never = a;
      return _exhaustive;
    }
  }
}

function issue(s: KioskState, categoryId: string | null, extra: Record<string, unknown>): Result {
  return {
    state: { ...s, screen: 'issuing', pendingCategory: null },
    effects: [{ kind: 'issue', categoryId, cardToken: s.card?.cardToken ?? null, extra: { ...extra, ...(s.guide && s.priorityGroup ? { priorityGroup: s.priorityGroup } : {}) } }],
  };
}

function home(s: KioskState, at: number, reset: boolean): KioskState {
  return {
    ...s,
    screen: 'home',
    card: null,
    eligibility: null,
    pendingCategory: null,
    ticket: null,
    refusal: null,
    priorityGroup: null,
    lastTouch: at,
    ...(reset ? { lang: 'zh' as const, elder: s.defaultElder } : {}),
  };
}

/**
 * "Opens at": the time alone today; on another day the weekday and the date, with the month
 * written out in English («Tue 12 Aug, 09:00», never the ambiguous «Tue 08/12»). Hall time zone.
 */
export function opensAtText(ms: number, now: number, timeZone: string, lang: Lang): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
  if (day.format(now) === day.format(ms)) return time;
  if (lang === 'en') {
    const d = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(ms);
    return `${d}, ${time}`;
  }
  const parts = Object.fromEntries(new Intl.DateTimeFormat('zh-CN', { timeZone, month: 'numeric', day: 'numeric', weekday: 'short' }).formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts.month}月${parts.day}日（${parts.weekday}）${time}`;
}
