import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { bigTextScale, renderTicket } from './ticket.ts';
import { sampleTicket } from '../fixtures.ts';
import { qrStoreFrame } from './escpos.ts';
import { EscPosTokenizer } from './escpos-tokenizer.ts';
import { ReceiptBuilder } from './receipt-builder.ts';


const hex = (b: Buffer): string => b.toString('hex');

function decode(bytes: Buffer) {
  const builder = new ReceiptBuilder();
  for (const op of new EscPosTokenizer().push(bytes)) builder.apply(op);
  return builder;
}

describe('renderTicket', () => {
  const bytes = renderTicket(sampleTicket);

  it('starts with ESC @ then FS &, before any text', () => {
    expect(hex(bytes.subarray(0, 4))).toBe('1b401c26');
    expect(bytes.indexOf(Buffer.from([0x1c, 0x26]))).toBe(2);
    expect(bytes.indexOf(Buffer.from([0x1c, 0x26]), 3)).toBe(-1);
  });

  it('carries the Chinese text as GB18030, not UTF-8, and no code-page switching', () => {
    expect(bytes.includes(iconv.encode('社保医保', 'gb18030'))).toBe(true);
    expect(bytes.includes(Buffer.from('社保医保', 'utf8'))).toBe(false);
    expect(bytes.includes(iconv.encode('请留意叫号,过号请重新取号', 'gb18030'))).toBe(true);
    expect(bytes.includes(Buffer.from([0x1b, 0x52]))).toBe(false); // ESC R
    expect(bytes.includes(Buffer.from([0x1b, 0x74]))).toBe(false); // ESC t
  });

  it('prints the number at the largest size that fits: GS ! 0x77 for A012 on 80 mm', () => {
    expect(bytes.includes(Buffer.concat([Buffer.from([0x1d, 0x21, 0x77]), Buffer.from('A012\n')]))).toBe(true);
    expect(bigTextScale('A012', 32)).toBe(8);
    expect(bigTextScale('VIP0012', 48)).toBe(6);
    expect(bigTextScale('VIP0012', 32)).toBe(4);
  });

  it('stores the status URL in a GS ( k frame whose pL pH count the payload bytes', () => {
    const url = Buffer.from(sampleTicket.statusUrl, 'ascii');
    const n = url.length + 3;
    const frame = Buffer.concat([Buffer.from([0x1d, 0x28, 0x6b, n & 0xff, n >> 8, 0x31, 0x50, 0x30]), url]);
    expect(bytes.includes(frame)).toBe(true);
    expect(bytes.includes(Buffer.from('1d286b0300315130', 'hex'))).toBe(true); // print the symbol
  });

  it('gets a long URL (pH > 0) right', () => {
    const long = `http://hub:3000/t/${'x'.repeat(300)}`;
    const b = renderTicket({ ...sampleTicket, statusUrl: long });
    const n = long.length + 3;
    expect(b.includes(Buffer.from([0x1d, 0x28, 0x6b, n & 0xff, n >> 8, 0x31, 0x50, 0x30]))).toBe(true);
    expect(n >> 8).toBe(1);
  });

  it('ends with a full cut (GS V 0)', () => {
    const cut = bytes.lastIndexOf(Buffer.from([0x1d, 0x56, 0x00]));
    expect(cut).toBeGreaterThan(0);
    expect(hex(bytes.subarray(cut))).toBe('1d56001b40');
  });

  it('has a byte-counted QR frame builder for payloads the library would get wrong', () => {
    const frame = qrStoreFrame(Buffer.from('测试', 'utf8'));
    expect(hex(frame)).toBe(`1d286b0900315030${Buffer.from('测试', 'utf8').toString('hex')}`); // 6 bytes + 3
  });

  it('refuses a non-ASCII QR payload instead of printing a broken frame', () => {
    expect(() => renderTicket({ ...sampleTicket, statusUrl: 'http://hub/t/测试' })).toThrow(/ASCII/);
  });

  it('prints date and time in the hall zone, not the server zone (tests run at TZ=UTC)', () => {
    const r = decode(bytes).receipts[0]!;
    expect(r.lines).toContain('取号时间 2024-05-01 09:30');
    const late = decode(renderTicket({ ...sampleTicket, issuedAt: Date.UTC(2024, 4, 1, 16, 5) })).receipts[0]!;
    expect(late.lines).toContain('取号时间 2024-05-02 00:05');
  });

  it('decodes back to the whole layout', () => {
    const b = decode(renderTicket({ ...sampleTicket, priorityLabel: '老年人优先' }));
    expect(b.receipts).toHaveLength(1);
    const r = b.receipts[0]!;
    expect(r.cut).toBe('full');
    expect(r.qrCodes).toEqual([sampleTicket.statusUrl]);
    const text = r.items.filter((i) => i.kind === 'text');
    expect(text.find((i) => i.text === 'A012')).toMatchObject({ width: 8, height: 8, align: 'center' });
    expect(text.find((i) => i.text === '西湖区便民服务中心')).toMatchObject({ width: 2, runs: [{ bold: true }] });
    expect(r.lines).toEqual(
      expect.arrayContaining([
        '社保医保',
        '【老年人优先】',
        '您前面还有 5 人等候',
        '预计等候约 18 分钟',
        '姓名 张*三',
        '请留意叫号,过号请重新取号',
      ]),
    );
  });

  it('leaves out optional lines and wraps long Chinese names by column width', () => {
    const r = decode(
      renderTicket(
        { ...sampleTicket, holderNameMasked: null, estimatedWaitMin: null, hallName: '浙江省杭州市西湖区行政服务中心便民服务分中心' },
        { paperMm: 58 },
      ),
    ).receipts[0]!;
    expect(r.lines.some((l) => l.startsWith('姓名'))).toBe(false);
    expect(r.lines.some((l) => l.startsWith('预计'))).toBe(false);
    // 58 mm at double size: 16 columns = 8 Hanzi per line
    expect(r.lines.slice(0, 3)).toEqual(['浙江省杭州市西湖', '区行政服务中心便', '民服务分中心']);
  });
});
