import * as cmd from './escpos.ts';
import { bufferOnlyPrinter } from './thermal-printer.ts';
import { displayColumns, encodeGb, wrapColumns } from './gb18030.ts';
import { formatHallDateTime } from './format-time.ts';

/** What the hub knows when a ticket is issued; everything the printed ticket shows. */
export interface TicketPrint {
  hallName: string;
  /** The ticket number as called, e.g. `A012`. */
  number: string;
  categoryName: string;
  /** People waiting ahead in this category. */
  ahead: number;
  /** Estimated wait in minutes; null prints no estimate line. */
  estimatedWaitMin: number | null;
  /** Issue time, epoch ms. */
  issuedAt: number;
  /** The hall's IANA zone, e.g. `Asia/Shanghai`; the date and time are printed in it. */
  timeZone: string;
  /** Already masked by the hub (张*三); never a full name. */
  holderNameMasked?: string | null;
  /** ASCII URL of the ticket status page, e.g. `http://hub:3000/t/<ticketId>`; printed as a QR code. */
  statusUrl: string;
  /** e.g. 老年人优先 / 军人优先; printed under the category when set. */
  priorityLabel?: string | null;
  footer?: string;
}

export interface TicketLayoutOptions {
  /** 80 mm paper (576 dots, 48 columns of font A) or 58 mm (384 dots, 32 columns). Default 80. */
  paperMm?: 80 | 58;
}

export const DEFAULT_FOOTER = '请留意叫号,过号请重新取号';

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Columns of font A at size 1 for the paper width. */
export function paperColumns(paperMm: 80 | 58): number {
  return paperMm === 58 ? 32 : 48;
}

/** The largest GS ! magnification (1..8) at which `text` still fits on one line. */
export function bigTextScale(text: string, columns: number): number {
  const width = Math.max(1, displayColumns(text));
  return Math.max(1, Math.min(8, Math.floor(columns / width)));
}

/**
 * ESC/POS bytes of one queue ticket: ESC @, FS &, then GB18030 text, a GS ( k QR code and a full cut.
 * Pure: the same ticket gives the same bytes (the time zone is an input, not the server's).
 */
export function renderTicket(ticket: TicketPrint, options: TicketLayoutOptions = {}): Buffer {
  if (!PRINTABLE_ASCII.test(ticket.statusUrl)) {
    throw new TypeError(`"statusUrl" must be printable ASCII (QR payload), got ${JSON.stringify(ticket.statusUrl)}`);
  }
  const columns = paperColumns(options.paperMm ?? 80);
  const p = bufferOnlyPrinter(columns);
  const text = (s: string, scale = 1): void => {
    for (const line of wrapColumns(s, Math.floor(columns / scale))) p.add(encodeGb(`${line}\n`));
  };

  p.add(cmd.INIT);
  p.add(cmd.HANZI_ON);
  p.add(cmd.align('center'));

  p.add(cmd.bold(true));
  p.add(cmd.charSize(2));
  text(ticket.hallName, 2);
  p.add(cmd.charSize(1));
  p.add(cmd.bold(false));
  p.drawLine();

  const numberScale = bigTextScale(ticket.number, columns);
  p.add(cmd.charSize(numberScale));
  text(ticket.number, numberScale);
  p.add(cmd.charSize(2));
  text(ticket.categoryName, 2);
  p.add(cmd.charSize(1));
  if (ticket.priorityLabel) {
    p.add(cmd.bold(true));
    text(`【${ticket.priorityLabel}】`);
    p.add(cmd.bold(false));
  }
  p.add(cmd.feedLines(1));

  text(`您前面还有 ${ticket.ahead} 人等候`);
  if (ticket.estimatedWaitMin !== null) text(`预计等候约 ${Math.max(0, Math.round(ticket.estimatedWaitMin))} 分钟`);
  text(`取号时间 ${formatHallDateTime(ticket.issuedAt, ticket.timeZone)}`);
  if (ticket.holderNameMasked) text(`姓名 ${ticket.holderNameMasked}`);
  p.add(cmd.feedLines(1));

  // ASCII checked above, so the library's length (UTF-16 units) equals the byte count.
  p.printQR(ticket.statusUrl, { cellSize: columns >= 48 ? 6 : 5, correction: 'M', model: 2 });
  text('扫码查看排队进度');
  p.drawLine();
  text(ticket.footer ?? DEFAULT_FOOTER);
  p.cut();
  return Buffer.from(p.getBuffer());
}
