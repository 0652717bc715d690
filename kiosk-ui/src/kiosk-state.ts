import { reactive } from 'vue';
import { call, deviceTokenFromUrl, HubError, tapKey } from '../../src/api/browser-client.ts';
import type { PromptClipId } from '../../src/announcer/vocabulary.ts';
import type { CategoryView } from '../../src/read-model/hall-view.ts';
import { connectHub } from '../../src/realtime/client.ts';
import type { CardReadMessage, DeviceStatus, PrintJobMessage, RefusalMessage, SideMessages } from '../../src/realtime/protocol.ts';
import { quietDayLines, type QuietDayLine } from '../../src/read-model/quiet-days.ts';
import type { QuietTimes } from '../../src/reports/types.ts';
import { categoryOf, initialKiosk, opensAtText, quietHintDue, reduce, type Effect, type Eligibility, type IssuedTicket, type KioskAction, type Lang, type PrinterInfo } from './kiosk-reducer.ts';

/**
 * The thin reactive wrapper around the kiosk's pure reducer (`kiosk-reducer.ts`): it dispatches
 * what the hub and the resident do, and runs the effects the reducer asks for (HTTP calls, spoken
 * prompts). Everything a resident sees comes from the hub; nothing is decided here.
 */
export { IDLE_MS, needsConfirm, printerWarning, quietHintDue } from './kiosk-reducer.ts';

const TOKEN_KEY = 'hallq.kiosk.token';
const GUIDE_KEY = 'hallq.kiosk.guide';

export const kiosk = reactive({
  s: initialKiosk(Date.now(), { elder: new URLSearchParams(location.search).get('elder') === '1' }),
  priorityGroups: [] as { id: string; name: { zh: string; en: string } }[],
  prompts: {} as Partial<Record<PromptClipId, { text: string; url: string | null }>>,
  /** The published quiet times (错峰), fetched when a hint is first due and kept ten minutes. */
  quiet: null as QuietTimes | null,
});

let deviceToken: string | null = null;

export function dispatch(a: KioskAction): void {
  const r = reduce(kiosk.s, a);
  kiosk.s = r.state;
  for (const e of r.effects) run(e);
  if (quietHintDue(kiosk.s)) void loadQuiet();
}

let quietAt = 0;
/** The quiet times, fetched when a hint is due (the hub recomputes them at most every ten minutes). */
async function loadQuiet(): Promise<void> {
  if (kiosk.quiet && Date.now() - quietAt < 10 * 60_000) return;
  quietAt = Date.now();
  try {
    kiosk.quiet = await call<QuietTimes>('GET', '/public/quiet-times', null);
  } catch {
    quietAt = 0; // no hint this time; the next one tries again
  }
}

/** The days to suggest: from tomorrow (the number in hand is for today), at most three. */
export function quietSuggestions(): QuietDayLine[] {
  const q = kiosk.quiet;
  return q ? quietDayLines({ ...q, days: q.days.filter((d) => d.date !== q.today) }, 3, 2) : [];
}

const now = () => Date.now();

export function start(): void {
  deviceToken = deviceTokenFromUrl(TOKEN_KEY);
  const guide = sessionStorage.getItem(GUIDE_KEY);
  if (guide) dispatch({ type: 'guide', guide: JSON.parse(guide), at: now() });
  connectHub({
    ...(deviceToken ? { token: deviceToken } : {}),
    onSnapshot: (snapshot) => dispatch({ type: 'snapshot', snapshot }),
    onEvent: (envelope) => dispatch({ type: 'envelope', envelope }),
    onMessage: (type, message) => {
      if (type === 'queue.counts') dispatch({ type: 'counts', counts: message as SideMessages['queue.counts'] });
      else if (type === 'card.read') dispatch({ type: 'card.read', card: message as CardReadMessage, at: now() });
      else if (type === 'card.refused') dispatch({ type: 'card.refused', refusal: message as RefusalMessage, at: now() });
      else if (type === 'print.job') dispatch({ type: 'print.job', job: message as PrintJobMessage });
      else if (type === 'device.status') dispatch({ type: 'device.status', status: message as DeviceStatus });
    },
    // Opening and closing times follow the clock: a fresh snapshot comes with every reconnect.
    onLink: (up) => {
      dispatch({ type: 'link', up });
      if (up) void loadSettings();
    },
  });
  void call<{ groups: { id: string; name: { zh: string; en: string }; source: string }[] }>('GET', '/hall/priority-groups', null)
    .then((r) => (kiosk.priorityGroups = r.groups.filter((g) => g.source === 'guide')))
    .catch(() => {});
  setInterval(() => {
    dispatch({ type: 'tick', now: now() });
    refreshAtBoundaries();
  }, 1000);
}

/** The kiosk's voice setting, its prompts and its printer, before anyone takes a number. */
async function loadSettings(): Promise<void> {
  try {
    const r = await call<{ voice: { enabled: boolean; prompts: typeof kiosk.prompts }; printer: PrinterInfo | null; quietHint?: { aboveMin: number } }>('GET', '/kiosk', deviceToken);
    kiosk.prompts = r.voice.prompts;
    dispatch({ type: 'settings', voice: r.voice.enabled, printer: r.printer, quietAboveMin: r.quietHint?.aboveMin ?? null });
  } catch {
    /* an unknown kiosk still takes numbers */
  }
}

/**
 * A category opens or closes by the clock, not by an event: when a tile's opening or closing time
 * has passed, fetch the hall once (not per event).
 */
let lastBoundaryFetch = 0;
function refreshAtBoundaries(): void {
  const hall = kiosk.s.hall.hall;
  if (!hall) return;
  const t = now();
  const passed = hall.categories.some((c) => (c.nextOpenAt !== null && c.nextOpenAt <= t) || (c.issuingUntil !== null && c.issuingUntil <= t));
  if (!passed || t - lastBoundaryFetch < 30_000) return;
  lastBoundaryFetch = t;
  void call<typeof hall & { seq: number }>('GET', '/hall', null)
    .then((h) => dispatch({ type: 'snapshot', snapshot: { seq: Math.max(h.seq, kiosk.s.hall.seq), hubId: '', rooms: [], state: h } }))
    .catch(() => {});
}

function run(e: Effect): void {
  switch (e.kind) {
    case 'issue':
      void issue(e.categoryId, e.cardToken, e.extra);
      return;
    case 'eligibility':
      void call<{ categories: Eligibility[] }>('POST', '/tickets/eligibility', kiosk.s.guide?.token ?? deviceToken, { cardToken: e.cardToken }, kioskHeader())
        .then((r) => dispatch({ type: 'eligibility', cardToken: e.cardToken, categories: r.categories }))
        .catch(() => {});
      return;
    case 'say':
      say(e.prompt);
      return;
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
}

function kioskHeader(): Record<string, string> {
  return kiosk.s.guide && deviceToken ? { 'x-hallq-kiosk': deviceToken } : {};
}

async function issue(categoryId: string | null, cardToken: string | null, extra: Record<string, unknown>): Promise<void> {
  try {
    const r = await call<{ ticket: Omit<IssuedTicket, 'print'>; print?: { state: IssuedTicket['print'] } }>(
      'POST',
      '/tickets',
      kiosk.s.guide?.token ?? deviceToken,
      { ...(categoryId ? { categoryId } : {}), ...(cardToken ? { cardToken } : {}), ...extra },
      { 'idempotency-key': tapKey(), ...kioskHeader() },
    );
    dispatch({ type: 'issued', ticket: { ...r.ticket, priorityBy: r.ticket.priorityBy ?? null, print: r.print?.state ?? 'none' }, at: now() });
  } catch (err) {
    const refusal = err instanceof HubError ? err.body : { code: 'HQ_ERR_INTERNAL', message: '', zh: '取号失败，请重试', en: 'Could not take a number; try again' };
    dispatch({ type: 'refused', refusal, at: now() });
  }
}

// --- voice ----------------------------------------------------------------

let playing: HTMLAudioElement | null = null;

/** Plays a prompt (a recording or espeak-ng clip from the hub; Web Speech when there is none), unless this kiosk is silent. */
function say(prompt: PromptClipId): void {
  const g = globalThis as { __hallqKioskSaid?: string[] };
  (g.__hallqKioskSaid ??= []).push(prompt);
  if (!kiosk.s.voice) return;
  const p = kiosk.prompts[prompt];
  playing?.pause();
  playing = null;
  if (p?.url) {
    const audio = new Audio(p.url);
    playing = audio;
    audio.play().catch(() => speak(p.text));
  } else if (p) speak(p.text);
}

function speak(text: string): void {
  if (!('speechSynthesis' in window)) return;
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = 'zh-CN';
  speechSynthesis.speak(u);
}

// --- what the components call ------------------------------------------------

export const touch = () => dispatch({ type: 'touch', at: now() });
export const goHome = (reset = false) => dispatch({ type: 'home', at: now(), reset });
export const chooseCategory = (categoryId: string) => dispatch({ type: 'choose', categoryId, at: now() });
export const cardFirst = () => dispatch({ type: 'cardFirst', at: now() });
export const openAppointment = () => dispatch({ type: 'appointment', at: now() });
export const openGuideLogin = () => dispatch({ type: 'guideLogin', at: now() });
export const checkInByCode = (code: string) => dispatch({ type: 'checkIn', code, at: now() });
export const toggleLang = () => dispatch({ type: 'toggleLang', at: now() });
export const toggleElder = () => dispatch({ type: 'toggleElder', at: now() });
export const backToChoice = () => dispatch({ type: 'backToChoice', at: now() });
export const pickGroup = (id: string | null) => dispatch({ type: 'priorityGroup', id, at: now() });

export function category(id: string): CategoryView | undefined {
  return categoryOf(kiosk.s, id);
}

export async function guideLogin(jobNo: string, password: string, lang: Lang): Promise<string | null> {
  try {
    const r = await call<{ token: string; staff: { name: string; role: string } }>('POST', '/auth/login', null, { jobNo, password });
    if (r.staff.role !== 'guide' && r.staff.role !== 'manager' && r.staff.role !== 'admin') return lang === 'en' ? 'Guide desk staff only' : '仅导办台人员可用';
    const guide = { token: r.token, name: r.staff.name };
    sessionStorage.setItem(GUIDE_KEY, JSON.stringify(guide));
    dispatch({ type: 'guide', guide, at: now() });
    return null;
  } catch (err) {
    return err instanceof HubError ? (lang === 'en' ? err.body.en : err.body.zh) : lang === 'en' ? 'Login failed' : '登录失败';
  }
}

/** Leaves guide mode and ends the guide's session on the hub: a kiosk is a public machine. */
export async function guideLogout(): Promise<void> {
  const token = kiosk.s.guide?.token;
  sessionStorage.removeItem(GUIDE_KEY);
  dispatch({ type: 'guide', guide: null, at: now() });
  if (token) await call('POST', '/auth/logout', token).catch(() => undefined);
}

/** Guide desk: print the ticket on screen again (after a jam, or for a resident who lost it). */
export async function reprint(): Promise<void> {
  const t = kiosk.s.ticket;
  if (!kiosk.s.guide || !t) return;
  try {
    await call('POST', `/tickets/${t.id}/print`, kiosk.s.guide.token);
    dispatch({ type: 'reprinting', at: now() });
  } catch {
    /* the print.job that follows says how it went */
  }
}

export function statusUrl(ticketId: string): string {
  return `${location.origin}/t/${ticketId}`;
}

/** "Opens at" in the hall's zone, with the month in words in English. */
export function hallTime(ms: number, lang: string): string {
  return opensAtText(ms, kiosk.s.now, kiosk.s.hall.hall?.hall.timeZone ?? 'Asia/Shanghai', lang === 'en' ? 'en' : 'zh');
}
