/**
 * What a window bar shows (issue #4): 「A012 请到3号窗口」 on a call, 「暂停服务」 on pause.
 * The hub may compose its own; these keep the bar and the tests in step.
 */
export function callText(ticketNumber: string, window: string | number): string {
  return `${ticketNumber} 请到${window}号窗口`;
}

export const PAUSED_TEXT = '暂停服务';
