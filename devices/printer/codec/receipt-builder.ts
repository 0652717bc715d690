import iconv from 'iconv-lite';
import type { Align, EscPosOp } from './escpos-tokenizer.ts';
import { decodeGb } from './gb18030.ts';

/** A run of text in one style within a printed line. */
export interface TextRun {
  text: string;
  /** GS ! magnification, 1..8. */
  width: number;
  height: number;
  bold: boolean;
  underline: boolean;
}

export type ReceiptItem =
  | { kind: 'text'; align: Align; text: string; runs: TextRun[]; width: number; height: number }
  | { kind: 'feed'; lines: number }
  | { kind: 'qr'; align: Align; data: string; cellSize: number; ecc: 'L' | 'M' | 'Q' | 'H' }
  | { kind: 'pdf417'; align: Align; data: string }
  | { kind: 'barcode'; align: Align; system: number; data: string; height: number }
  | { kind: 'image'; align: Align; widthDots: number; heightDots: number };

/** What one cut of paper shows, decoded back from ESC/POS. */
export interface VirtualReceipt {
  items: ReceiptItem[];
  /** The text lines in order (empty string for a blank line). */
  lines: string[];
  qrCodes: string[];
  barcodes: string[];
  cut: 'full' | 'partial';
}

/** ESC t n → iconv name, for single-byte text outside Chinese mode. Others decode as latin1. */
const CODE_PAGES: Record<number, string> = { 0: 'cp437', 2: 'cp850', 3: 'cp860', 4: 'cp863', 5: 'cp865', 16: 'cp1252', 17: 'cp866', 18: 'cp852', 19: 'cp858' };
const ECC = ['L', 'M', 'Q', 'H'] as const;

interface Style {
  align: Align;
  bold: boolean;
  underline: boolean;
  width: number;
  height: number;
  hanzi: boolean;
  codePage: number;
}

interface PendingRun {
  style: Style;
  bytes: Buffer[];
}

/**
 * Applies ESC/POS commands to a virtual paper roll. `bootHanzi` is the printer's power-on Chinese mode
 * (memory switch): Chinese-market printers boot with it on; Epson-style strictness is off, which proves the
 * sender's FS &.
 */
export class ReceiptBuilder {
  readonly receipts: VirtualReceipt[] = [];
  #items: ReceiptItem[] = [];
  #line: PendingRun[] = [];
  #lineAlign: Align | null = null;
  #style: Style;
  #qr = { cellSize: 3, ecc: 'L' as (typeof ECC)[number], data: null as Buffer | null };
  #pdf417: Buffer | null = null;
  #barcodeHeight = 162;

  constructor(readonly options: { bootHanzi?: boolean } = {}) {
    this.#style = this.#bootStyle();
  }

  #bootStyle(): Style {
    return { align: 'left', bold: false, underline: false, width: 1, height: 1, hanzi: this.options.bootHanzi ?? false, codePage: 0 };
  }

  /** Items since the last cut (paper still in the printer). */
  get current(): readonly ReceiptItem[] {
    return this.#items;
  }

  apply(op: EscPosOp): void {
    const s = this.#style;
    switch (op.op) {
      case 'text':
        this.#addText(op.bytes);
        return;
      case 'lf':
        this.#endLine();
        return;
      case 'init':
        // ESC @ clears the print buffer (an unfinished line) and resets modes, Chinese mode included.
        this.#line = [];
        this.#lineAlign = null;
        this.#style = this.#bootStyle();
        return;
      case 'align':
        s.align = op.align;
        return;
      case 'bold':
        s.bold = op.on;
        return;
      case 'underline':
        s.underline = op.on;
        return;
      case 'printMode':
        s.bold = (op.n & 0x08) !== 0;
        s.height = op.n & 0x10 ? 2 : 1;
        s.width = op.n & 0x20 ? 2 : 1;
        s.underline = (op.n & 0x80) !== 0;
        return;
      case 'size':
        s.width = op.width;
        s.height = op.height;
        return;
      case 'hanzi':
        s.hanzi = op.on;
        return;
      case 'codePage':
        s.codePage = op.n;
        return;
      case 'feed':
        this.#endLineIfAny();
        if (op.lines > 0) this.#items.push({ kind: 'feed', lines: op.lines });
        return;
      case 'qrSetting':
        if (op.fn === 'cellSize') this.#qr.cellSize = op.value;
        if (op.fn === 'ecc') this.#qr.ecc = ECC[op.value - 48] ?? 'L';
        return;
      case 'symbolStore':
        if (op.symbol === 'qr') this.#qr.data = op.data;
        else this.#pdf417 = op.data;
        return;
      case 'symbolPrint':
        this.#endLineIfAny();
        if (op.symbol === 'qr' && this.#qr.data) {
          this.#items.push({ kind: 'qr', align: s.align, data: this.#qr.data.toString('latin1'), cellSize: this.#qr.cellSize, ecc: this.#qr.ecc });
        } else if (op.symbol === 'pdf417' && this.#pdf417) {
          this.#items.push({ kind: 'pdf417', align: s.align, data: this.#pdf417.toString('latin1') });
        }
        return;
      case 'barcodeSetting':
        if (op.fn === 'height') this.#barcodeHeight = op.value;
        return;
      case 'barcode':
        this.#endLineIfAny();
        this.#items.push({ kind: 'barcode', align: s.align, system: op.system, data: barcodeText(op.system, op.data), height: this.#barcodeHeight });
        return;
      case 'image':
        this.#endLineIfAny();
        this.#items.push({ kind: 'image', align: s.align, widthDots: op.widthDots, heightDots: op.heightDots });
        return;
      case 'cut':
        this.#endLineIfAny();
        this.#finish(op.partial ? 'partial' : 'full');
        return;
      case 'intlCharset':
      case 'status':
      case 'skip':
        return;
      default: {
        const _exhaustive: never = op;
        return _exhaustive;
      }
    }
  }

  #addText(bytes: Buffer): void {
    if (this.#line.length === 0) this.#lineAlign = this.#style.align;
    const last = this.#line[this.#line.length - 1];
    if (last && sameStyle(last.style, this.#style)) last.bytes.push(bytes);
    else this.#line.push({ style: { ...this.#style }, bytes: [bytes] });
  }

  #endLineIfAny(): void {
    if (this.#line.length > 0) this.#endLine();
  }

  #endLine(): void {
    const runs: TextRun[] = this.#line.map(({ style, bytes }) => ({
      text: decodeRun(Buffer.concat(bytes), style),
      width: style.width,
      height: style.height,
      bold: style.bold,
      underline: style.underline,
    }));
    // An empty LF feeds one line at the current character height.
    const width = Math.max(this.#style.width, ...runs.map((r) => r.width));
    const height = runs.length ? Math.max(...runs.map((r) => r.height)) : this.#style.height;
    this.#items.push({ kind: 'text', align: this.#lineAlign ?? this.#style.align, text: runs.map((r) => r.text).join(''), runs, width: runs.length ? width : 1, height });
    this.#line = [];
    this.#lineAlign = null;
  }

  #finish(cut: 'full' | 'partial'): void {
    const items = this.#items;
    this.#items = [];
    this.receipts.push({
      items,
      lines: items.flatMap((i) => (i.kind === 'text' ? [i.text] : [])),
      qrCodes: items.flatMap((i) => (i.kind === 'qr' ? [i.data] : [])),
      barcodes: items.flatMap((i) => (i.kind === 'barcode' ? [i.data] : [])),
      cut,
    });
  }
}

function sameStyle(a: Style, b: Style): boolean {
  return a.bold === b.bold && a.underline === b.underline && a.width === b.width && a.height === b.height && a.hanzi === b.hanzi && a.codePage === b.codePage;
}

function decodeRun(bytes: Buffer, style: Style): string {
  if (style.hanzi) return decodeGb(bytes);
  return iconv.decode(bytes, CODE_PAGES[style.codePage] ?? 'latin1');
}

/** CODE128 (m 73) data carries code-set switches `{A {B {C`; in set C each byte is two digits. */
function barcodeText(system: number, data: Buffer): string {
  if (system !== 73) return data.toString('latin1');
  let out = '';
  let setC = false;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x7b && i + 1 < data.length) {
      const next = data[i + 1]!;
      i++;
      if (next === 0x43) setC = true;
      else if (next === 0x41 || next === 0x42) setC = false;
      else if (next === 0x7b) out += '{';
      continue;
    }
    out += setC ? String(b).padStart(2, '0') : String.fromCharCode(b);
  }
  return out;
}
