import type { CaseTerms, HallCommand, Placement } from '../domain/commands.ts';
import type { StaffId, WindowId } from '../domain/state.ts';
import { newCallId, newServiceId } from '../ids.ts';

/**
 * What a clerk can do at a window, whatever they press: a console button, a caller keypad key, or
 * the window business system's call. One builder turns each into its command, fresh ids included,
 * so the console and the keypad are one path to `decide`.
 */
export type WindowAction =
  | { action: 'open'; staffId: StaffId; role: 'A' | 'B' }
  | { action: 'close' }
  | { action: 'call' }
  | { action: 'recall' }
  | { action: 'no-show' }
  | { action: 'start' }
  | { action: 'complete'; caseNo?: string; itemCode?: string; case?: CaseTerms }
  | { action: 'transfer'; toCategoryId?: string; toWindowId?: WindowId; placement?: Placement; note?: string }
  | { action: 'pause'; reason: string }
  | { action: 'resume' }
  /** One key for both (a keypad's 暂停): pause with the reason, or resume if paused. */
  | { action: 'toggle-pause'; reason: string };

export function windowCommand(windowId: WindowId, a: WindowAction): HallCommand {
  switch (a.action) {
    case 'open':
      return { type: 'OpenWindow', data: { windowId, staffId: a.staffId, role: a.role } };
    case 'close':
      return { type: 'CloseWindow', data: { windowId } };
    case 'call':
      return { type: 'CallNext', data: { windowId, callId: newCallId() } };
    case 'recall':
      return { type: 'Recall', data: { windowId, callId: newCallId() } };
    case 'no-show':
      return { type: 'MarkNoShow', data: { windowId } };
    case 'start':
      return { type: 'StartService', data: { windowId } };
    case 'complete':
      return { type: 'CompleteService', data: { windowId, ...(a.caseNo ? { caseNo: a.caseNo } : {}), ...(a.itemCode ? { itemCode: a.itemCode } : {}), ...(a.case ? { case: a.case } : {}) } };
    case 'transfer':
      return {
        type: 'TransferTicket',
        data: {
          windowId,
          newServiceId: newServiceId(),
          ...(a.toCategoryId !== undefined ? { toCategoryId: a.toCategoryId } : {}),
          ...(a.toWindowId !== undefined ? { toWindowId: a.toWindowId } : {}),
          ...(a.placement !== undefined ? { placement: a.placement } : {}),
          ...(a.note !== undefined ? { note: a.note } : {}),
        },
      };
    case 'pause':
      return { type: 'PauseWindow', data: { windowId, reason: a.reason } };
    case 'resume':
      return { type: 'ResumeWindow', data: { windowId } };
    case 'toggle-pause':
      return { type: 'TogglePause', data: { windowId, reason: a.reason } };
    default: {
      const _exhaustive: never = a;
      return _exhaustive;
    }
  }
}
