import { reactive } from 'vue';
import { isValidIdNumber } from '../../../devices/idcard/card/id-number.ts';
import type { QuietTimes } from '../../../src/reports/types.ts';

/**
 * The public booking page (/book): a resident's phone asks the hub's public booking API. The rules
 * are the hub's; this checks only what a typo would get wrong (the ID's check digit, the phone's
 * shape) before sending, and shows the hub's own bilingual refusals.
 */
export interface Category {
  id: string;
  name: { zh: string; en: string };
  materials: string | null;
}
export interface Slot {
  start: number;
  end: number;
  capacity: number;
  free: number;
}
export interface Booking {
  code: string;
  categoryId: string;
  category: { zh: string; en: string } | null;
  slotStart: number;
  slotEnd: number;
  status: string;
  nameMasked: string | null;
  idMasked: string | null;
  phoneMasked: string | null;
  materials: string | null;
  checkInFrom: number;
  graceUntil: number;
  ticketId?: string | null;
}
type Refusal = { zh: string; en: string };

export const page = reactive({
  tab: 'book' as 'book' | 'mine',
  hall: null as { zh: string; en: string } | null,
  timeZone: 'Asia/Shanghai',
  graceMin: 15,
  late: 'ticket' as 'ticket' | 'void',
  categories: [] as Category[],
  categoryId: null as string | null,
  days: [] as { date: string; slots: Slot[] }[],
  date: null as string | null,
  slot: null as Slot | null,
  quiet: null as QuietTimes | null,
  form: { name: '', idNumber: '', phone: '' },
  busy: false,
  error: null as Refusal | null,
  booked: null as Booking | null,
  mine: { code: '', last4: '' },
  found: null as Booking | null,
});

/** What is wrong with the form, by field (message keys), before anything is sent. */
export function formProblems(f: { name: string; idNumber: string; phone: string }): Partial<Record<'name' | 'idNumber' | 'phone', string>> {
  const out: Partial<Record<'name' | 'idNumber' | 'phone', string>> = {};
  if (!f.name.trim()) out.name = 'nameRequired';
  if (!isValidIdNumber(f.idNumber.trim().toUpperCase())) out.idNumber = 'idInvalid';
  if (!/^1[3-9][0-9]{9}$/.test(f.phone.trim())) out.phone = 'phoneInvalid';
  return out;
}

/** `09:30`, `12月8日 周二` in the hall's zone, whatever the phone's. */
export function clock(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}
/** The hall's local date of an instant, `YYYY-MM-DD`. */
export function dateOf(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}
export function dayLabel(date: string, locale: 'zh' | 'en'): string {
  const d = new Date(`${date}T12:00:00Z`);
  return new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', month: 'short', day: 'numeric', weekday: 'short' }).format(d);
}

/** The quiet stretches published for a date (/quiet), to show beside its slots. */
export function quietOn(q: QuietTimes | null, date: string | null): { start: string; end: string }[] {
  return q?.days.find((d) => d.date === date)?.quiet ?? [];
}

async function call(method: string, path: string, body?: unknown): Promise<{ ok: boolean; body: any }> {
  try {
    const res = await fetch(`/api/v1${path}`, { method, headers: body !== undefined ? { 'content-type': 'application/json' } : {}, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { ok: res.ok, body: await res.json() };
  } catch {
    return { ok: false, body: { error: { zh: '网络连接中断，请稍后重试', en: 'No connection; try again shortly' } } };
  }
}

const refusal = (b: any): Refusal => ({ zh: b?.error?.zh ?? '操作未成功', en: b?.error?.en ?? 'That did not work' });

export async function chooseCategory(id: string): Promise<void> {
  page.categoryId = id;
  page.slot = null;
  page.days = [];
  page.error = null;
  const r = await call('GET', `/public/booking/slots?categoryId=${encodeURIComponent(id)}`);
  if (!r.ok) {
    page.error = refusal(r.body);
    return;
  }
  page.days = r.body.days;
  page.date = page.days.find((d) => d.slots.some((s) => s.free > 0))?.date ?? page.days[0]?.date ?? null;
}

export async function submitBooking(): Promise<void> {
  if (!page.categoryId || !page.slot || page.busy) return;
  page.busy = true;
  page.error = null;
  const f = page.form;
  const r = await call('POST', '/public/bookings', { categoryId: page.categoryId, slotStart: page.slot.start, name: f.name.trim(), idNumber: f.idNumber.trim().toUpperCase(), phone: f.phone.trim() });
  page.busy = false;
  if (r.ok) {
    page.booked = r.body.booking;
    // Nothing typed stays on the page once it is sent.
    page.form = { name: '', idNumber: '', phone: '' };
    return;
  }
  page.error = refusal(r.body);
  // A slot taken meanwhile: the hub's answer names the free ones; show the fresh list.
  if (r.body?.error?.code === 'HQ_ERR_BOOKING_SLOT_FULL') {
    const id = page.categoryId;
    const err = page.error;
    await chooseCategory(id);
    page.error = err;
  }
}

export async function lookUp(): Promise<void> {
  page.error = null;
  page.found = null;
  const r = await call('POST', '/public/bookings/lookup', { code: page.mine.code.trim().toUpperCase(), last4: page.mine.last4.trim().toUpperCase() });
  if (r.ok) page.found = r.body.booking;
  else page.error = refusal(r.body);
}

export async function cancelFound(): Promise<void> {
  if (!page.found) return;
  page.error = null;
  const r = await call('POST', '/public/bookings/cancel', { code: page.found.code, last4: page.mine.last4.trim().toUpperCase() });
  if (r.ok) page.found = { ...page.found, ...r.body.booking };
  else page.error = refusal(r.body);
}

export function resetBooking(): void {
  page.booked = null;
  page.slot = null;
  page.categoryId = null;
  page.days = [];
  page.error = null;
}

export async function startBookPage(): Promise<void> {
  const [cats, quiet] = await Promise.all([call('GET', '/public/booking/categories'), call('GET', '/public/quiet-times')]);
  if (!cats.ok) {
    page.error = refusal(cats.body);
    return;
  }
  page.hall = cats.body.hall;
  page.timeZone = cats.body.timeZone;
  page.graceMin = cats.body.graceMin;
  page.late = cats.body.late;
  page.categories = cats.body.categories;
  if (quiet.ok) page.quiet = quiet.body as QuietTimes;
  // A link from a ticket or an SMS may name the tab: /book#mine.
  if (location.hash === '#mine') page.tab = 'mine';
}
