import { describe, expect, it } from 'vitest';
import { IDLE_MS, initialKiosk, needsConfirm, opensAtText, printerWarning, quietHintDue, reduce, UNPRINTED_HOLD_MS, type IssuedTicket, type KioskAction, type KioskState } from '../../kiosk-ui/src/kiosk-reducer.ts';
import { emptyState } from '../../src/domain/state.ts';
import { hallView } from '../../src/read-model/hall-view.ts';
import type { AnyEnvelope } from '../../src/realtime/protocol.ts';
import { testConfig } from '../support/test-config.ts';

const NOW = Date.parse('2026-11-23T02:00:00Z'); // Mon 10:00 in Shanghai
const card = (token = 'tok', expiresAt = NOW + 300_000) => ({ cardToken: token, expiresAt, holder: { idMasked: '**************1234', nameMasked: '张*丰', birthYear: 1950 } });
const ticket = (print: IssuedTicket['print']): IssuedTicket => ({
  id: 't1',
  number: 'A001',
  categoryId: 'ZX',
  ahead: 0,
  estimatedWaitMin: 0,
  priorityGroup: null,
  priorityBy: null,
  issuedAt: NOW,
  businessDate: '2026-11-23',
  materials: null,
  windows: [{ id: 1, name: '窗口1' }],
  openWindows: 1,
  print,
});

/** A kiosk with the hall's snapshot, then the actions in turn; returns the last state and every effect. */
function run(actions: KioskAction[], start: KioskState = initialKiosk(NOW)) {
  let s = reduce(start, { type: 'snapshot', snapshot: { seq: 1, hubId: 'h', rooms: ['hall'], state: hallView(emptyState(), testConfig(), NOW) } }).state;
  const effects = [];
  for (const a of actions) {
    const r = reduce(s, a);
    s = r.state;
    effects.push(...r.effects);
  }
  return { s, effects };
}

describe('the kiosk reducer', () => {
  it('returns home after 30 s idle in Chinese and the normal mode, even from the home screen', () => {
    const { s } = run([{ type: 'toggleLang', at: NOW }, { type: 'toggleElder', at: NOW }, { type: 'cardFirst', at: NOW }]);
    expect(s).toMatchObject({ lang: 'en', elder: true, screen: 'card' });
    const back = reduce(s, { type: 'tick', now: NOW + IDLE_MS + 1 }).state;
    expect(back).toMatchObject({ screen: 'home', lang: 'zh', elder: false });
    const onHome = run([{ type: 'toggleLang', at: NOW }, { type: 'tick', now: NOW + IDLE_MS + 1 }]).s;
    expect(onHome.lang).toBe('zh');
    // The resident's own "back" keeps their language; a kiosk set up in elder mode goes back to it.
    expect(run([{ type: 'toggleLang', at: NOW }, { type: 'cardFirst', at: NOW }, { type: 'home', at: NOW, reset: false }]).s.lang).toBe('en');
    const elderKiosk = run([{ type: 'toggleElder', at: NOW }, { type: 'tick', now: NOW + IDLE_MS + 1 }], initialKiosk(NOW, { elder: true })).s;
    expect(elderKiosk.elder).toBe(true);
  });

  it('after 刷身份证取号 goes to a choice of what the card may take, asks the hub, and says 请选择业务', () => {
    const { s, effects } = run([{ type: 'cardFirst', at: NOW }, { type: 'card.read', card: card(), at: NOW }]);
    expect(s.screen).toBe('choose');
    expect(effects).toEqual([{ kind: 'say', prompt: 'prompt_card' }, { kind: 'eligibility', cardToken: 'tok' }, { kind: 'say', prompt: 'prompt_choose' }]);
    const withList = reduce(s, { type: 'eligibility', cardToken: 'tok', categories: [{ id: 'ZX', ok: true, ahead: 0, estimatedWaitMin: 0, openWindows: 1 }] }).state;
    expect(withList.eligibility).toHaveLength(1);
    // An answer for another card is ignored; an expired card goes, and with it the choice.
    expect(reduce(s, { type: 'eligibility', cardToken: 'old', categories: [] }).state.eligibility).toBeNull();
    expect(reduce(s, { type: 'tick', now: NOW + 301_000 }).state).toMatchObject({ screen: 'home', card: null });
  });

  it('asks for the card where a category needs it, then issues with it', () => {
    const { s, effects } = run([{ type: 'choose', categoryId: 'MZ', at: NOW }, { type: 'card.read', card: card('c2'), at: NOW }]);
    expect(s.screen).toBe('issuing');
    expect(effects).toEqual([{ kind: 'say', prompt: 'prompt_card' }, { kind: 'issue', categoryId: 'MZ', cardToken: 'c2', extra: {} }]);
    // A tap on an open category without a card rule issues at once.
    expect(run([{ type: 'choose', categoryId: 'ZX', at: NOW }]).effects).toEqual([{ kind: 'issue', categoryId: 'ZX', cardToken: null, extra: {} }]);
  });

  it('keeps a number that did not print on screen until the resident confirms', () => {
    const { s, effects } = run([{ type: 'choose', categoryId: 'ZX', at: NOW }, { type: 'issued', ticket: ticket('unavailable'), at: NOW }]);
    expect(effects.at(-1)).toEqual({ kind: 'say', prompt: 'prompt_no_paper' });
    expect(needsConfirm(s)).toBe(true);
    expect(reduce(s, { type: 'tick', now: NOW + IDLE_MS + 1 }).state.screen).toBe('ticket');
    expect(reduce(s, { type: 'home', at: NOW + 60_000, reset: true }).state.screen).toBe('home');
    expect(reduce(s, { type: 'tick', now: NOW + UNPRINTED_HOLD_MS + 1 }).state.screen).toBe('home');
    // A printed one goes home after the usual idle time, and a jam after issue holds it too.
    const printed = run([{ type: 'issued', ticket: ticket('printing'), at: NOW }]);
    expect(printed.effects.at(-1)).toEqual({ kind: 'say', prompt: 'prompt_take' });
    const jammed = reduce(printed.s, { type: 'print.job', job: { jobId: 'j', ticketId: 't1', number: 'A001', state: 'failed', event: 'failed', attempt: 3, error: 'offline' } });
    expect(needsConfirm(jammed.state)).toBe(true);
    expect(reduce(jammed.state, { type: 'tick', now: NOW + IDLE_MS + 1 }).state.screen).toBe('ticket');
  });

  it('speaks a refusal as it shows it, and keeps the card for another choice', () => {
    const { s, effects } = run([
      { type: 'card.read', card: card(), at: NOW },
      { type: 'choose', categoryId: 'SB', at: NOW },
      { type: 'refused', refusal: { code: 'HQ_ERR_ONE_PER_ID', message: '', zh: '您今天已取过该业务的号', en: 'You already have a ticket', detail: { number: 'B001', ahead: 2 } }, at: NOW },
    ]);
    expect(s.screen).toBe('refused');
    expect(s.card?.cardToken).toBe('tok');
    expect(effects.at(-1)).toEqual({ kind: 'say', prompt: 'refuse_have' });
  });

  it('follows the printer before anyone takes a number', () => {
    let { s } = run([{ type: 'settings', voice: false, printer: { state: 'ok', detail: '' } }]);
    expect(printerWarning(s)).toBeNull();
    s = reduce(s, { type: 'device.status', status: { device: 'printer:kiosk-1', kind: 'printer', state: 'paper-out', detail: '', at: NOW } }).state;
    expect(printerWarning(s)).toBe('paper-out');
    expect(s.voice).toBe(false);
  });

  it('moves tiles with the shared hall reducer: window events, no refetch', () => {
    const env = (seq: number, type: string, data: Record<string, unknown>) => ({ seq, at: NOW, type, data }) as unknown as AnyEnvelope;
    const { s } = run([{ type: 'envelope', envelope: env(2, 'window.opened', { windowId: 1, at: NOW }) }]);
    expect(s.hall.hall!.categories.find((c) => c.id === 'ZX')!.openWindows).toBe(1);
    expect(s.hall.seq).toBe(2);
  });

  it('writes the month in English on another day, and the time alone today', () => {
    const tue = Date.parse('2026-11-24T01:00:00Z'); // Tue 09:00
    expect(opensAtText(tue, NOW, 'Asia/Shanghai', 'en')).toBe('Tue 24 Nov, 09:00');
    expect(opensAtText(tue, NOW, 'Asia/Shanghai', 'zh')).toBe('11月24日（周二）09:00');
    expect(opensAtText(NOW + 3_600_000, NOW, 'Asia/Shanghai', 'en')).toBe('11:00');
  });

  it('suggests the quiet times past the hall’s threshold, and when the wait would run past closing; not before the hub says the threshold', () => {
    const long = { ...ticket('printed'), estimatedWaitMin: 45 };
    // No threshold from the hub yet (an older hub): no hint.
    expect(quietHintDue(run([{ type: 'issued', ticket: long, at: NOW }]).s)).toBeNull();
    const settings: KioskAction = { type: 'settings', voice: true, printer: null, quietAboveMin: 30 };
    expect(quietHintDue(run([settings, { type: 'issued', ticket: long, at: NOW }]).s)).toBe('long-wait');
    expect(quietHintDue(run([settings, { type: 'issued', ticket: { ...long, estimatedWaitMin: 30 }, at: NOW }]).s)).toBeNull();
    // Nobody serves it yet: the ticket says so, with no minutes to compare.
    expect(quietHintDue(run([settings, { type: 'issued', ticket: { ...long, openWindows: 0 }, at: NOW }]).s)).toBeNull();
    const refusal = (code: string) => ({ type: 'refused', refusal: { code, message: '', zh: '', en: '' }, at: NOW }) as KioskAction;
    expect(quietHintDue(run([settings, refusal('HQ_ERR_WAIT_PAST_CLOSING')]).s)).toBe('come-another-day');
    expect(quietHintDue(run([settings, refusal('HQ_ERR_QUOTA_REACHED')]).s)).toBeNull();
    // Home again: gone; a settings message without the field keeps the threshold.
    const { s } = run([settings, { type: 'issued', ticket: long, at: NOW }, { type: 'settings', voice: true, printer: null }, { type: 'home', at: NOW, reset: true }]);
    expect(s.quietAboveMin).toBe(30);
    expect(quietHintDue(s)).toBeNull();
  });
});
