import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import type { Align } from '../codec/escpos-tokenizer.ts';
import type { ReceiptItem, TextRun, VirtualReceipt } from '../codec/receipt-builder.ts';
import { charColumns } from '../codec/gb18030.ts';
import { ASCII_12X24 } from './ascii-font.ts';
import { findHexFont, type HexFont } from './hex-font.ts';

export interface RenderPngOptions {
  /** Printable width in dots: 576 for 80 mm paper, 384 for 58 mm. Default 576. */
  paperDots?: number;
  /** Font for Hanzi; default findHexFont(). Without one, Hanzi are drawn as boxes. */
  cjkFont?: HexFont | null;
}

const CELL_W = 12; // font A half-width cell
const CELL_H = 24;
const LINE_GAP = 6; // ESC 2 default line spacing is 30 dots for 24-dot characters
const MARGIN = 16;

/** A white canvas one byte per dot (0 white, 1 black), grown downward as items are drawn. */
class Canvas {
  rows: Uint8Array[] = [];
  constructor(readonly width: number) {}
  set(x: number, y: number): void {
    if (x < 0 || x >= this.width || y < 0) return;
    while (this.rows.length <= y) this.rows.push(new Uint8Array(this.width));
    this.rows[y]![x] = 1;
  }
  fill(x: number, y: number, w: number, h: number): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.set(x + i, y + j);
  }
  ensure(height: number): void {
    while (this.rows.length < height) this.rows.push(new Uint8Array(this.width));
  }
}

/**
 * A PNG preview of a decoded receipt at one pixel per printer dot: text in font A cells (ASCII 12×24, Hanzi
 * 24×24) at their GS ! magnification and alignment, QR codes at their module size, barcodes as bars, images
 * as grey boxes, and a dashed cut line.
 */
export function renderPng(receipt: VirtualReceipt | readonly ReceiptItem[], options: RenderPngOptions = {}): Buffer {
  const items = 'items' in receipt ? receipt.items : receipt;
  const paper = options.paperDots ?? 576;
  const font = options.cjkFont === undefined ? findHexFont() : options.cjkFont;
  const c = new Canvas(paper);
  let y = MARGIN;
  for (const item of items) y = drawItem(c, item, y, paper, font);
  y += MARGIN;
  c.ensure(y + 8);
  for (let x = 0; x < paper; x += 12) c.fill(x, y + 3, 6, 2); // cut line
  return toPng(c, paper);
}

function xFor(align: Align, width: number, paper: number): number {
  if (align === 'center') return Math.max(0, Math.floor((paper - width) / 2));
  if (align === 'right') return Math.max(0, paper - width);
  return 0;
}

function drawItem(c: Canvas, item: ReceiptItem, y: number, paper: number, font: HexFont | null): number {
  switch (item.kind) {
    case 'text': {
      const width = item.runs.reduce((w, r) => w + runWidth(r), 0);
      let x = xFor(item.align, width, paper);
      const lineH = CELL_H * item.height;
      for (const run of item.runs) x = drawRun(c, run, x, y + lineH - CELL_H * run.height, font);
      return y + lineH + LINE_GAP;
    }
    case 'feed':
      return y + item.lines * (CELL_H + LINE_GAP);
    case 'qr': {
      const modules = QRCode.create(item.data, { errorCorrectionLevel: item.ecc }).modules;
      const cell = Math.max(1, item.cellSize);
      const size = modules.size * cell;
      const x0 = xFor(item.align, size, paper);
      for (let r = 0; r < modules.size; r++)
        for (let col = 0; col < modules.size; col++) if (modules.get(r, col)) c.fill(x0 + col * cell, y + r * cell, cell, cell);
      return y + size + LINE_GAP;
    }
    case 'barcode': {
      // Not a scannable symbology, just its footprint: bars from the data bits, then the human-readable text.
      const bits = [...Buffer.from(item.data, 'latin1')].flatMap((b) => [1, 0, ...[7, 6, 5, 4, 3, 2, 1, 0].map((i) => (b >> i) & 1), 0]);
      const w = bits.length * 2;
      const x0 = xFor(item.align, w, paper);
      const h = Math.min(item.height, 162);
      bits.forEach((bit, i) => bit && c.fill(x0 + i * 2, y, 2, h));
      const label: TextRun = { text: item.data, width: 1, height: 1, bold: false, underline: false };
      drawRun(c, label, xFor(item.align, runWidth(label), paper), y + h + 4, font);
      return y + h + 4 + CELL_H + LINE_GAP;
    }
    case 'pdf417':
    case 'image': {
      const w = item.kind === 'image' ? Math.min(paper, item.widthDots) : 300;
      const h = item.kind === 'image' ? item.heightDots : 90;
      const x0 = xFor(item.align, w, paper);
      for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) if ((i + j) % 4 === 0) c.set(x0 + i, y + j);
      return y + h + LINE_GAP;
    }
    default: {
      const _exhaustive: never = item;
      return _exhaustive;
    }
  }
}

function runWidth(run: TextRun): number {
  let cols = 0;
  for (const ch of run.text) cols += charColumns(ch);
  return cols * CELL_W * run.width;
}

function drawRun(c: Canvas, run: TextRun, x: number, y: number, font: HexFont | null): number {
  for (const ch of run.text) {
    const cols = charColumns(ch);
    const dots = glyphDots(ch, font);
    const w = cols * CELL_W;
    for (let gy = 0; gy < CELL_H; gy++)
      for (let gx = 0; gx < w; gx++) {
        if (!dots(gx, gy)) continue;
        for (let sy = 0; sy < run.height; sy++)
          for (let sx = 0; sx < run.width; sx++) {
            const px = x + gx * run.width + sx;
            const py = y + gy * run.height + sy;
            c.set(px, py);
            if (run.bold) c.set(px + 1, py); // emphasized = double strike, one dot over
          }
      }
    if (run.underline) c.fill(x, y + CELL_H * run.height - 2, w * run.width, 2);
    x += w * run.width;
  }
  return x;
}

/** Whether dot (gx, gy) of the character's cell is black. */
function glyphDots(ch: string, font: HexFont | null): (gx: number, gy: number) => boolean {
  const cp = ch.codePointAt(0) ?? 0x3f;
  if (cp >= 0x20 && cp < 0x7f) {
    const hex = ASCII_12X24[cp - 0x20]!;
    return (gx, gy) => ((parseInt(hex.slice(gy * 3, gy * 3 + 3), 16) >> (11 - gx)) & 1) === 1;
  }
  if (cp < 0x80) return () => false;
  const g = font?.glyph(cp);
  if (g) {
    // 16×16 (or 8×16) Unifont scaled to the 24×24 Hanzi cell
    const cellW = charColumns(ch) * CELL_W;
    return (gx, gy) => {
      const fx = Math.floor((gx * g.width) / cellW);
      const fy = Math.floor((gy * 16) / CELL_H);
      return ((g.rows[fy]! >> (g.width - 1 - fx)) & 1) === 1;
    };
  }
  // No font: a box with a cross, so the preview still shows where each Hanzi sits.
  return (gx, gy) => gx >= 2 && gx <= 21 && gy >= 2 && gy <= 21 && (gx === 2 || gx === 21 || gy === 2 || gy === 21 || gx === gy || gx === 23 - gy);
}

function toPng(c: Canvas, width: number): Buffer {
  const height = c.rows.length;
  const png = new PNG({ width, height });
  png.data.fill(255);
  for (let y = 0; y < height; y++) {
    const row = c.rows[y]!;
    for (let x = 0; x < width; x++) {
      if (!row[x]) continue;
      const i = (y * width + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = 0;
    }
  }
  return PNG.sync.write(png, { colorType: 0 });
}
