import { describe, expect, it } from 'vitest';
import { consoleKey } from '../../display-ui/src/console/console-keys.ts';

describe('the clerk console keys', () => {
  it('never lets F5 reload the page, least of all with a dialog open', () => {
    expect(consoleKey('F5', { atWindow: true, dialogOpen: true })).toEqual({ preventDefault: true, action: null });
    expect(consoleKey('F5', { atWindow: true, dialogOpen: false })).toEqual({ preventDefault: true, action: 'complete' });
    expect(consoleKey('F5', { atWindow: false, dialogOpen: false })).toEqual({ preventDefault: true, action: null });
  });

  it('maps F1–F8 at a window, closes a dialog on Escape, and leaves typing alone', () => {
    const at = { atWindow: true, dialogOpen: false };
    expect(['F1', 'F2', 'F3', 'F4', 'F6', 'F7', 'F8'].map((k) => consoleKey(k, at).action)).toEqual(['call', 'recall', 'no-show', 'start', 'transfer', 'pause-or-resume', 'complete-and-call']);
    expect(consoleKey('F3', { atWindow: true, dialogOpen: true }).action).toBeNull();
    expect(consoleKey('Escape', { atWindow: true, dialogOpen: true })).toEqual({ preventDefault: true, action: 'close-dialog' });
    for (const k of ['a', 'Enter', '1', 'Backspace']) expect(consoleKey(k, { atWindow: true, dialogOpen: true }).preventDefault).toBe(false);
    expect(consoleKey('F12', at)).toEqual({ preventDefault: true, action: null });
  });
});
