import type { HallConfig } from '../config/schema.ts';
import { businessDate } from '../domain/calendar.ts';

/**
 * The hub's words on a paper ticket, below its QR code: which window or windows serve it, what to
 * bring (一次性告知, hall-rules §7), that it is valid on its day only, and the rule of the queue.
 * Chinese text, with full-width punctuation (a test scans this file).
 */
export const RECEIPT_TEXT = {
  windows: '办理窗口：',
  bring: '请携带：',
  validToday: '本号票仅限{date}当日有效',
  noWindow: '暂无窗口受理，开放后按序叫号',
  footer: '请留意叫号，过号请重新取号',
} as const;

export interface ReceiptFacts {
  categoryId: string;
  issuedAt: number;
  /** Windows serving the category when issued; 0 prints 「暂无窗口受理」 instead of minutes. */
  openWindows?: number | null;
}

/** The block under the QR, one line per fact; the printer's layout wraps each to the paper. */
export function receiptFooter(hall: HallConfig, t: ReceiptFacts): string {
  const c = hall.categories.find((x) => x.id === t.categoryId);
  const windows = hall.windows.filter((w) => w.categories.some((x) => x.id === t.categoryId)).map((w) => `${w.id}号 ${w.name}`);
  const lines = [
    ...(t.openWindows === 0 ? [RECEIPT_TEXT.noWindow] : []),
    ...(windows.length > 0 ? [`${RECEIPT_TEXT.windows}${windows.join('、')}`] : []),
    ...(c?.materials ? [`${RECEIPT_TEXT.bring}${c.materials}`] : []),
    RECEIPT_TEXT.validToday.replace('{date}', businessDate(t.issuedAt, hall.hall.timeZone)),
    RECEIPT_TEXT.footer,
  ];
  return lines.join('\n');
}
