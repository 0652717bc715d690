import { describe, expect, it } from 'vitest';
import { EscPosTokenizer, type EscPosOp } from './escpos-tokenizer.ts';
import { ReceiptBuilder } from './receipt-builder.ts';
import { renderTicket } from './ticket.ts';
import { sampleTicket } from '../fixtures.ts';

const bytes = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');

function tokenize(...chunks: Buffer[]): EscPosOp[] {
  const t = new EscPosTokenizer();
  return chunks.flatMap((c) => t.push(c));
}

/** Text ops split where the chunks split; join them so splits can be compared. */
function normalize(ops: EscPosOp[]): unknown[] {
  const out: unknown[] = [];
  for (const op of ops) {
    const last = out[out.length - 1] as EscPosOp | undefined;
    if (op.op === 'text' && last?.op === 'text') out[out.length - 1] = { op: 'text', bytes: Buffer.concat([last.bytes, op.bytes]) };
    else out.push(op);
  }
  return out;
}

describe('EscPosTokenizer', () => {
  it('reads the commands the brief lists', () => {
    const ops = tokenize(
      bytes(`1b40 1b6101 1b4501 1d2111 1c26 1c2e 1b520f 1b7400 1b6403 0a
             1d286b0400314132 00 1d286b0300314306 1d286b0300314531 1d286b0600315030 414243 1d286b0300315130
             1d6b4906 7b42 41303132 1d5600 1d5641 03 100401 100404 1d7201`),
    );
    expect(ops).toEqual([
      { op: 'init' },
      { op: 'align', align: 'center' },
      { op: 'bold', on: true },
      { op: 'size', width: 2, height: 2 },
      { op: 'hanzi', on: true },
      { op: 'hanzi', on: false },
      { op: 'intlCharset', n: 15 },
      { op: 'codePage', n: 0 },
      { op: 'feed', lines: 3 },
      { op: 'lf' },
      { op: 'qrSetting', fn: 'model', value: 0x32 },
      { op: 'qrSetting', fn: 'cellSize', value: 6 },
      { op: 'qrSetting', fn: 'ecc', value: 0x31 },
      { op: 'symbolStore', symbol: 'qr', data: Buffer.from('ABC') },
      { op: 'symbolPrint', symbol: 'qr' },
      { op: 'barcode', system: 73, data: Buffer.from('{BA012') },
      { op: 'cut', partial: false },
      { op: 'cut', partial: true },
      { op: 'status', query: 'dle-eot', n: 1 },
      { op: 'status', query: 'dle-eot', n: 4 },
      { op: 'status', query: 'gs-r', n: 1 },
    ]);
  });

  it('gives the same commands however the bytes are split', () => {
    const all = renderTicket(sampleTicket);
    const whole = normalize(tokenize(all));
    for (let cut = 1; cut < all.length; cut += 7) {
      expect(normalize(tokenize(all.subarray(0, cut), all.subarray(cut)))).toEqual(whole);
    }
    // byte by byte
    const t = new EscPosTokenizer();
    const ops: EscPosOp[] = [];
    for (const b of all) ops.push(...t.push(Buffer.from([b])));
    expect(normalize(ops)).toEqual(whole);
  });

  it('skips unknown commands and image data without losing the text after them', () => {
    const ops = tokenize(
      bytes('1b 99'), // unknown ESC
      bytes('1d 99'), // unknown GS
      bytes('1d7630 00 0200 0300'), // raster 2 bytes x 3 rows = 6 data bytes
      bytes('0a1b1d10 0a0a0a'), // data that looks like commands
      Buffer.from('OK\n'),
    );
    expect(ops.some((o) => o.op === 'image' && o.widthDots === 16 && o.heightDots === 3)).toBe(true);
    expect(ops.filter((o) => o.op === 'text').map((o) => (o.op === 'text' ? o.bytes.toString() : ''))).toEqual(['OK']);
  });

  it('survives 1 MB of random bytes and still decodes a ticket after them', () => {
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const noise = Buffer.alloc(1 << 20);
    for (let i = 0; i < noise.length; i++) noise[i] = rnd();
    const t = new EscPosTokenizer();
    const builder = new ReceiptBuilder();
    for (let i = 0; i < noise.length; i += 4096) for (const op of t.push(noise.subarray(i, i + 4096))) builder.apply(op);
    // Random data may leave the tokenizer inside a long command (a real printer would be too); a flood of
    // newlines plus ESC @ brings both back, as a driver's resync would.
    t.reset();
    for (const op of t.push(Buffer.concat([Buffer.alloc(16, 0x0a), renderTicket(sampleTicket)]))) builder.apply(op);
    const last = builder.receipts[builder.receipts.length - 1]!;
    expect(last.qrCodes).toEqual([sampleTicket.statusUrl]);
    expect(last.lines).toContain('社保医保');
  });
});

describe('ReceiptBuilder', () => {
  function build(input: Buffer, bootHanzi = false) {
    const b = new ReceiptBuilder({ bootHanzi });
    for (const op of new EscPosTokenizer().push(input)) b.apply(op);
    return b;
  }

  it('decodes CODE128 code sets, including set C digit pairs', () => {
    const r = build(bytes('1d6b49 07 7b42 41 7b43 0c 22 1d5600')).receipts[0]!; // {B A {C 12 34
    expect(r.barcodes).toEqual(['A1234']);
  });

  it('needs FS & for Chinese unless the printer boots in Chinese mode', () => {
    const gb = Buffer.from('c9e7b1a30a1d5600', 'hex'); // 社保
    expect(build(gb).receipts[0]!.lines[0]).not.toBe('社保');
    expect(build(gb, true).receipts[0]!.lines[0]).toBe('社保');
    expect(build(Buffer.concat([bytes('1c26'), gb])).receipts[0]!.lines[0]).toBe('社保');
  });

  it('keeps what follows the last cut as the current, uncut paper', () => {
    const b = build(Buffer.from('one\n\x1dV\x00two\n'));
    expect(b.receipts.map((r) => r.lines)).toEqual([['one']]);
    expect(b.current).toMatchObject([{ kind: 'text', text: 'two' }]);
  });
});
