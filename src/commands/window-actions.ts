import type { CaseTerms, HallCommand, Placement } from '../domain/commands.ts';
import type { StaffId, WindowId } from '../domain/state.ts';
import { hubIds, type Ids } from '../ids.ts';

/**
 * What a clerk can do at a window, whatever they press: a console button, a caller keypad key, or
 * the window business system's call. One builder turns each into its command, fresh ids included,
 * so the console and the keypad are one path to `decide`.
 */
export type WindowAction =
  | { action: 'open'; staffId: StaffId; role: 'A' | 'B' }
  | { action: 'close' }
  | { action: 'call' }
  /** 指定叫号: a waiting service chosen from the window's list. */
  | { action: 'call-chosen'; serviceId: string }
  | { action: 'recall' }
  | { action: 'no-show' }
  | { action: 'start' }
  | { action: 'complete'; caseNo?: string; itemCode?: string; case?: CaseTerms }
  /** 办结并叫下一位: one key for both. */
  | { action: 'complete-and-call'; caseNo?: string; itemCode?: string; case?: CaseTerms }
  | { action: 'transfer'; toCategoryId?: string; toWindowId?: WindowId; placement?: Placement; note?: string }
  | { action: 'pause'; reason: string }
  | { action: 'resume' }
  /** One key for both (a keypad's 暂停): pause with the reason, or resume if paused. */
  | { action: 'toggle-pause'; reason: string };

/** `ids`: where fresh ids come from (the hub's by default; a history generator passes seeded ones). */
export function windowCommand(windowId: WindowId, a: WindowAction, ids: Pick<Ids, 'callId' | 'serviceId'> = hubIds): HallCommand {
  switch (a.action) {
    case 'open':
      return { type: 'OpenWindow', data: { windowId, staffId: a.staffId, role: a.role } };
    case 'close':
      return { type: 'CloseWindow', data: { windowId } };
    case 'call':
      return { type: 'CallNext', data: { windowId, callId: ids.callId() } };
    case 'call-chosen':
      return { type: 'CallChosen', data: { windowId, callId: ids.callId(), serviceId: a.serviceId } };
    case 'recall':
      return { type: 'Recall', data: { windowId, callId: ids.callId() } };
    case 'no-show':
      return { type: 'MarkNoShow', data: { windowId } };
    case 'start':
      return { type: 'StartService', data: { windowId } };
    case 'complete':
      return { type: 'CompleteService', data: { windowId, ...caseFields(a) } };
    case 'complete-and-call':
      return { type: 'CompleteAndCallNext', data: { windowId, callId: ids.callId(), ...caseFields(a) } };
    case 'transfer':
      return {
        type: 'TransferTicket',
        data: {
          windowId,
          newServiceId: ids.serviceId(),
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

/** What a completion says about its case (办件编号, 事项编码, 即办/承诺), only what was given. */
function caseFields(a: { caseNo?: string; itemCode?: string; case?: CaseTerms }): { caseNo?: string; itemCode?: string; case?: CaseTerms } {
  return { ...(a.caseNo ? { caseNo: a.caseNo } : {}), ...(a.itemCode ? { itemCode: a.itemCode } : {}), ...(a.case ? { case: a.case } : {}) };
}
