import { reactive } from 'vue';
import { call, deviceTokenFromUrl, HubError, tapKey } from '../../../src/api/browser-client.ts';
import type { HallView } from '../../../src/read-model/hall-view.ts';
import { connectHub } from '../../../src/realtime/client.ts';
import { levelForKeyboardEvent } from '../../../devices/ratingpad/codec/key-levels.ts';

/** The rating pad on a tablet at the counter: idle → request → (reasons) → thanks → idle. */
export interface RatingRequest {
  serviceId: string;
  number: string;
  windowId: number;
  staff: { name: string; jobNo: string; photo: string | null } | null;
  itemName: string | null;
  itemCode: string | null;
  expiresAt: number;
}

const TOKEN_KEY = 'hallq.pad.token';

export const pad = reactive({
  windowId: null as number | null,
  hall: null as HallView | null,
  request: null as RatingRequest | null,
  screen: 'idle' as 'idle' | 'rate' | 'reasons' | 'thanks' | 'error',
  level: null as number | null,
  reasons: [] as string[],
  comment: '',
  options: { levels: [] as { level: number; zh: string; en: string }[], badReasons: [] as string[], onlineUrl: null as string | null, provincePage: false },
  /** Where the province's own page takes the rating: that page for the open request (its URL names the case, never the applicant). */
  pageUrl: null as string | null,
  message: '',
  online: true,
  now: Date.now(),
  skew: 0,
  timeoutSec: 30,
});

let token: string | null = null;
/** Counts what the pad was told (a request, an end): a look-up answered before a newer push is stale. */
let told = 0;

/** A keyboard-wedge pad plugged into the tablet types keys: the same table the hub's HID decoder uses. */
function onKey(e: KeyboardEvent): void {
  if (e.repeat || pad.screen !== 'rate') return;
  // A key pad's own keys choose a level like a tap; a bad level then asks for a reason on screen.
  const level = levelForKeyboardEvent(e);
  if (level === null) return;
  e.preventDefault();
  choose(level);
}

export async function startPad(): Promise<void> {
  window.addEventListener('keydown', onKey);
  token = deviceTokenFromUrl(TOKEN_KEY);
  try {
    const me = await call<{ device?: { windowId: number | null } }>('GET', '/auth/me', token);
    pad.windowId = me.device?.windowId ?? null;
    const options = await call<{ levels: typeof pad.options.levels; badReasons: string[]; timeoutSec: number; onlineUrl?: string | null; provincePage?: boolean }>('GET', '/ratings/options', null);
    pad.options = { levels: options.levels, badReasons: options.badReasons, onlineUrl: options.onlineUrl ?? null, provincePage: options.provincePage === true };
    pad.timeoutSec = options.timeoutSec;
  } catch (err) {
    pad.screen = 'error';
    pad.message = err instanceof HubError ? `${err.body.zh} / ${err.body.en}` : String(err);
    return;
  }
  connectHub({
    ...(token ? { token } : {}),
    onSnapshot: (s) => {
      pad.hall = s.state;
      void loadPending();
    },
    onEvent: (env) => {
      const d = env.data as { windowId?: number | null; serviceId?: string };
      if (d.windowId !== pad.windowId) return;
      if (env.type === 'rating.requested') show(env.data as RatingRequest);
      else if ((env.type === 'rating.unrated' || env.type === 'rating.recorded') && pad.request?.serviceId === d.serviceId && pad.screen !== 'thanks') idle();
      else if (env.type.startsWith('window.')) void refreshHall();
    },
    // After a reconnect (a hub restart, a network blip) the open request, if any, comes from the hub.
    onSynced: ({ reconnect }) => {
      if (reconnect) void loadPending();
    },
    onLink: (up) => (pad.online = up),
  });
  setInterval(() => {
    pad.now = Date.now();
    if (pad.request && pad.now + pad.skew > pad.request.expiresAt && pad.screen !== 'thanks') idle();
  }, 500);
}

async function refreshHall(): Promise<void> {
  pad.hall = await call<HallView>('GET', '/hall', null).catch(() => pad.hall);
}

/** After a reload or a reconnect: the request still open for this window, if any. */
async function loadPending(): Promise<void> {
  if (pad.windowId === null) return;
  const asked = told;
  const r = await call<{ request: RatingRequest | null; now: number }>('GET', `/windows/${pad.windowId}/rating-request`, token).catch(() => null);
  if (!r) return;
  pad.skew = r.now - Date.now();
  // A service that ended while this was asked pushed its own request (or the end of one): the answer
  // names the resident before, and rating it would rate the wrong service.
  if (r.request && told === asked) show(r.request);
}

function show(r: RatingRequest): void {
  told += 1;
  pad.request = r;
  pad.level = null;
  pad.reasons = [];
  pad.comment = '';
  pad.message = '';
  pad.pageUrl = null;
  pad.screen = 'rate';
  if (pad.options.provincePage) void loadPage(r.serviceId);
}

/** The province's page for this service: the pad shows it, and its QR for rating on a phone. */
async function loadPage(serviceId: string): Promise<void> {
  try {
    const r = await call<{ url: string }>('GET', `/ratings/${encodeURIComponent(serviceId)}/province-page`, token);
    if (pad.request?.serviceId === serviceId) pad.pageUrl = r.url;
  } catch (err) {
    pad.message = err instanceof HubError ? `${err.body.zh} / ${err.body.en}` : String(err);
  }
}

function idle(): void {
  told += 1;
  pad.request = null;
  pad.pageUrl = null;
  pad.screen = 'idle';
}

/**
 * A tap on a level. The two lowest ask for a reason first and can be changed there (a mis-tap on
 * 非常不满意 must not stand); nothing is sent until a reason is given. If time runs out meanwhile,
 * the service is recorded as unrated by the hub, never as the low level.
 */
export function choose(level: number): void {
  pad.level = level;
  pad.message = '';
  if (level <= 2) pad.screen = 'reasons';
  else void submit();
}

/** Back from the reasons to the five levels, within the same countdown. */
export function changeLevel(): void {
  pad.level = null;
  pad.reasons = [];
  pad.message = '';
  pad.screen = 'rate';
}

export async function submit(): Promise<void> {
  if (!pad.request || pad.level === null) return;
  if (pad.level <= 2 && pad.reasons.length === 0) {
    pad.message = '请至少选择一项原因 / Choose at least one reason';
    return;
  }
  try {
    await call(
      'POST',
      '/ratings',
      token,
      { serviceId: pad.request.serviceId, level: pad.level, ...(pad.level <= 2 ? { reasons: pad.reasons, ...(pad.comment.trim() ? { comment: pad.comment.trim() } : {}) } : {}) },
      { 'idempotency-key': tapKey() },
    );
    pad.screen = 'thanks';
    setTimeout(() => pad.screen === 'thanks' && idle(), 4000);
  } catch (err) {
    pad.message = err instanceof HubError ? `${err.body.zh} / ${err.body.en}` : String(err);
    if (err instanceof HubError && (err.body.code === 'HQ_ERR_ALREADY_RATED' || err.body.code === 'HQ_ERR_RATING_EXPIRED')) setTimeout(idle, 3000);
  }
}
