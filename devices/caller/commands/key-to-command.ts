import type { CallerCombo, CallerKey } from '../codec/protocol.ts';

/**
 * What a keypad key could mean to the hub: a suggestion table, data only. The hub decides (it
 * owns the window's state, the address → window map and the command path the console uses).
 * Names are the hub's HallCommand types (src/domain/commands.ts); they are repeated here, not
 * imported, so devices/ does not depend on src/.
 */
export type HubCommandName = 'CallNext' | 'Recall' | 'MarkNoShow' | 'StartService' | 'CompleteService' | 'TransferTicket' | 'PauseWindow' | 'ResumeWindow';

export interface CommandSuggestion {
  command: HubCommandName;
  /** A toggle: send this instead while the window is already in the state `command` puts it in (paused → resume). */
  toggle?: HubCommandName;
  /** What the command needs that a key press alone does not give. */
  needs?: 'target' | 'reason';
  /** Where a keypad can supply it: the digits typed before the key (a window number for a transfer). */
  from?: 'digits';
  /** A reason to use when the keypad gives none (PauseWindow requires one). */
  defaultReason?: string;
  note: string;
}

/** Keys and combos → suggested hub command; null: no hub command (the hub may still log or announce it). */
export const KEY_COMMANDS: Readonly<Record<CallerKey | CallerCombo, CommandSuggestion | null>> = {
  call: { command: 'CallNext', note: '呼叫: call the next number, the same as the console button' },
  recall: { command: 'Recall', note: '重呼: call the current number again (the hub turns it into a no-show over its limit)' },
  confirm: { command: 'StartService', note: '确认: the resident has arrived, service starts' },
  evaluate: { command: 'CompleteService', note: '评价: service done, ask for the rating (issue #5 sends rating.requested to the pad)' },
  pause: { command: 'PauseWindow', toggle: 'ResumeWindow', needs: 'reason', defaultReason: '暂停服务', note: '暂停: pause, or resume when paused' },
  transfer: { command: 'TransferTicket', needs: 'target', from: 'digits', note: '转移: digits typed before it are the target window; without digits the console must pick one' },
  noShow: { command: 'MarkNoShow', note: '6+确认 (弃号): the called number did not come' },
  hold: null, // 0+确认 (挂起): set the current number aside; the hub has no such command
  callBack: null, // 3+确认 (回呼): call back a held number; the hub has no such command
  cancel: null, // 取消: clears the digits typed (the bus does that itself)
  oneMeterLine: null, // 一米线: a "please wait behind the line" announcement, if the hub wants one
  digit: null, // digits only build up an entry for the next key
};

/** The suggestion for a key event (a combo wins over its key), or null. */
export function keyToCommand(key: CallerKey | { key: CallerKey; combo?: CallerCombo }): CommandSuggestion | null {
  if (typeof key === 'string') return KEY_COMMANDS[key];
  return KEY_COMMANDS[key.combo ?? key.key];
}
