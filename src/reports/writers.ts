import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { businessDate, instantOf } from '../domain/calendar.ts';
import type { ColumnType, MonthlyTables, ReportTable } from './types.ts';

/**
 * The month's tables as a workbook (exceljs) and as CSV. In both, a date-time is the hall's wall
 * clock (Excel has no zones): 09:30 in Asia/Shanghai reads 09:30 whatever zone the hub runs in.
 */

const FORMATS: Record<ColumnType, string | undefined> = {
  // General shows a whole number as it is; a format on every count cell cost the writer a style each.
  int: undefined,
  num: '0.0#',
  pct: '0.0%',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
  text: undefined,
};

/** An instant as a Date whose UTC fields are the hall's local wall clock (what Excel shows). */
export function wallClock(ms: number, timeZone: string): Date {
  const date = businessDate(ms, timeZone);
  return new Date(Date.parse(`${date}T00:00:00Z`) + (ms - instantOf(date, 0, timeZone)));
}

function cell(v: string | number | null, type: ColumnType, timeZone: string): ExcelJS.CellValue {
  if (v === null || v === '') return null;
  if (type === 'date' && typeof v === 'string') return new Date(`${v}T00:00:00Z`);
  if (type === 'datetime' && typeof v === 'number') return wallClock(v, timeZone);
  return v;
}

/**
 * The month's tables as a workbook, written row by row (exceljs's streaming writer) into a buffer: a
 * city centre's month has ~260,000 ratings, and the workbook's object model took 34 s and 1.7 GB for
 * half of one (issue #10 §10).
 */
export async function toXlsx(t: MonthlyTables): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.once('end', resolve);
    out.once('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'hallq';
  wb.title = `${t.hall} ${t.period.label.zh}`;
  for (const table of t.tables) addSheet(wb, t, table);
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

function addSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, t: MonthlyTables, table: ReportTable): void {
  const n = table.columns.length;
  // Frozen: the title row and the header row stay in view.
  const ws = wb.addWorksheet(table.sheet, { views: [{ state: 'frozen', xSplit: 0, ySplit: 2 }] });
  table.columns.forEach((c, i) => {
    const column = ws.getColumn(i + 1);
    column.width = c.width ?? Math.max(8, c.header.length * 2 + 2);
  });
  const title = ws.getRow(1);
  title.getCell(1).value = `${t.hall} · ${t.period.label.zh}(${t.period.from} 至 ${t.period.to})· ${table.sheet}`;
  title.getCell(1).font = { bold: true, size: 14 };
  title.height = 24;
  if (n > 1) ws.mergeCells(1, 1, 1, n);
  title.commit();
  const header = ws.getRow(2);
  table.columns.forEach((c, i) => {
    const h = header.getCell(i + 1);
    h.value = c.header;
    h.font = { bold: true };
    h.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    h.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F3' } };
    h.border = { bottom: { style: 'thin' } };
  });
  header.commit();
  table.rows.forEach((r, ri) => {
    const row = ws.getRow(ri + 3);
    table.columns.forEach((c, i) => {
      const x = row.getCell(i + 1);
      x.value = cell(r[i] ?? null, c.type, t.timeZone);
      const fmt = FORMATS[c.type];
      if (fmt) x.numFmt = fmt;
    });
    row.commit();
  });
  ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: n } };
  ws.commit();
}

/** A CSV cell: quoted when it must be; text that a spreadsheet would run as a formula is defused. */
function csvCell(v: string | number | null, type: ColumnType, timeZone: string): string {
  if (v === null || v === '') return '';
  let s: string;
  if (type === 'datetime' && typeof v === 'number') s = wallClock(v, timeZone).toISOString().slice(0, 16).replace('T', ' ');
  else if (type === 'pct' && typeof v === 'number') s = `${Math.round(v * 1000) / 10}%`;
  else s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One table as CSV: UTF-8 with a BOM (so Excel reads the Chinese), CRLF line ends, a header row. */
export function toCsv(t: MonthlyTables, table: ReportTable): string {
  const lines = [table.columns.map((c) => csvCell(c.header, 'text', t.timeZone)).join(',')];
  for (const r of table.rows) lines.push(table.columns.map((c, i) => csvCell(r[i] ?? null, c.type, t.timeZone)).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
