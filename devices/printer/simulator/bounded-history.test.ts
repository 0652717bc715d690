import { describe, expect, it } from 'vitest';
import { renderTicket } from '../index.ts';
import { SimulatedPrinter } from './simulated-printer.ts';

describe('the simulated printer remembers a bounded history', () => {
  it('keeps the latest receipts and connections only, however long it prints', () => {
    const printer = new SimulatedPrinter({ keepReceipts: 50, keepSessions: 8, keepBytesPerSession: 64 * 1024 });
    const ticket = (i: number) =>
      renderTicket(
        { hallName: '测试镇便民服务中心', number: `A${String(i).padStart(3, '0')}`, categoryName: '综合咨询', ahead: 3, estimatedWaitMin: 10, issuedAt: Date.parse('2026-11-23T02:00:00Z'), timeZone: 'Asia/Shanghai', holderNameMasked: null, statusUrl: `http://hall/t/t${i}`, priorityLabel: null },
        { paperMm: 80 },
      );
    for (let conn = 0; conn < 20; conn++) {
      const feed = printer.attach(() => undefined);
      for (let i = 0; i < 100; i++) feed(ticket(conn * 100 + i));
    }
    expect(printer.receipts).toHaveLength(50);
    expect(printer.receipts.at(-1)!.lines.join('\n')).toContain('A1999');
    expect(printer.sessions).toHaveLength(8);
    for (const s of printer.sessions) expect(s.length).toBeLessThanOrEqual(64 * 1024 + ticket(0).length);
  });
});
