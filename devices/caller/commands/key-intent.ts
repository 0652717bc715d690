import type { CallerCombo, CallerKey } from '../codec/protocol.ts';

/**
 * What a keypad key asks for, in the keypad's own words. The hub owns the window's state, the
 * address → window map and its command path, and maps each intent to one of its commands
 * (src/devices-bridge/caller-host.ts); devices/ knows nothing of the hub's types.
 * - `call`: call the next number;
 * - `recall`: call the current number again;
 * - `noShow`: the called number did not come (弃号);
 * - `startService`: the resident has arrived;
 * - `completeService`: service done, ask the evaluator for the rating;
 * - `pause` / `resume`: stop or restart calling at this window;
 * - `transfer`: send the current number to another window.
 */
export type KeypadIntent = 'call' | 'recall' | 'noShow' | 'startService' | 'completeService' | 'pause' | 'resume' | 'transfer';

export const KEYPAD_INTENTS: readonly KeypadIntent[] = ['call', 'recall', 'noShow', 'startService', 'completeService', 'pause', 'resume', 'transfer'];

export interface KeyIntent {
  intent: KeypadIntent;
  /** A toggle: this intent instead while the window is already in the state `intent` puts it in (paused → resume). */
  toggle?: KeypadIntent;
  /** What the intent needs that a key press alone does not give. */
  needs?: 'target' | 'reason';
  /** Where a keypad can supply it: the digits typed before the key (a window number for a transfer). */
  from?: 'digits';
  /** A reason to use when the keypad gives none (a pause needs one). */
  defaultReason?: string;
  note: string;
}

/** Keys and combos → intent; null: the key asks the hub for nothing (the hub may still log or announce it). */
export const KEY_INTENTS: Readonly<Record<CallerKey | CallerCombo, KeyIntent | null>> = {
  call: { intent: 'call', note: '呼叫: call the next number, the same as the console button' },
  recall: { intent: 'recall', note: '重呼: call the current number again' },
  confirm: { intent: 'startService', note: '确认: the resident has arrived, service starts' },
  evaluate: { intent: 'completeService', note: '评价: service done, ask for the rating' },
  pause: { intent: 'pause', toggle: 'resume', needs: 'reason', defaultReason: '暂停服务', note: '暂停: pause, or resume when paused' },
  transfer: { intent: 'transfer', needs: 'target', from: 'digits', note: '转移: digits typed before it are the target window; without digits the console must pick one' },
  noShow: { intent: 'noShow', note: '6+确认 (弃号): the called number did not come' },
  hold: null, // 0+确认 (挂起): set the current number aside; no intent the hub acts on
  callBack: null, // 3+确认 (回呼): call back a held number; no intent the hub acts on
  cancel: null, // 取消: clears the digits typed (the bus does that itself)
  oneMeterLine: null, // 一米线: a "please wait behind the line" announcement, if the hub wants one
  digit: null, // digits only build up an entry for the next key
};

/** The intent of a key event (a combo wins over its key), or null. */
export function keyToIntent(key: CallerKey | { key: CallerKey; combo?: CallerCombo }): KeyIntent | null {
  if (typeof key === 'string') return KEY_INTENTS[key];
  return KEY_INTENTS[key.combo ?? key.key];
}
