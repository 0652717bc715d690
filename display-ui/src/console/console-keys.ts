/**
 * The clerk console's keys, as a pure function of what is on screen: F1 call · F2 recall · F3 no-show
 * (asks first) · F4 start · F5 complete · F6 transfer · F7 pause/resume · F8 complete and call next.
 *
 * Every function key is taken from the browser while the console is signed in, dialog or not: F5
 * must never reload the page and lose what the clerk typed in a dialog. In a dialog the keys do
 * nothing but Escape (close) and Enter (the dialog's own submit).
 */
export type ConsoleKeyAction = 'call' | 'recall' | 'no-show' | 'start' | 'complete' | 'transfer' | 'pause-or-resume' | 'complete-and-call' | 'close-dialog';

export interface ConsoleKeyContext {
  /** A window panel is on screen (signed in at a window). */
  atWindow: boolean;
  dialogOpen: boolean;
}

export const KEY_ACTIONS: Readonly<Record<string, ConsoleKeyAction>> = {
  F1: 'call',
  F2: 'recall',
  F3: 'no-show',
  F4: 'start',
  F5: 'complete',
  F6: 'transfer',
  F7: 'pause-or-resume',
  F8: 'complete-and-call',
};

const FUNCTION_KEY = /^F([1-9]|1[0-2])$/;

export function consoleKey(key: string, ctx: ConsoleKeyContext): { preventDefault: boolean; action: ConsoleKeyAction | null } {
  if (ctx.dialogOpen) {
    if (key === 'Escape') return { preventDefault: true, action: 'close-dialog' };
    return { preventDefault: FUNCTION_KEY.test(key), action: null };
  }
  if (!ctx.atWindow) return { preventDefault: FUNCTION_KEY.test(key), action: null };
  return { preventDefault: FUNCTION_KEY.test(key), action: KEY_ACTIONS[key] ?? null };
}
