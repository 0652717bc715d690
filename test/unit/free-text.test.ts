import { describe, expect, it } from 'vitest';
import { scrubNumbers } from '../../src/domain/free-text.ts';
import { maskIdNumber, maskName, withCheckDigit } from '../../src/personal/id-number.ts';

describe('free text keeps no phone or ID number', () => {
  it('keeps the last four of a mobile, an ID number (with X), spaced or dashed, full width', () => {
    const id = withCheckDigit('11010519491231002');
    expect(id.endsWith('X')).toBe(true);
    expect(scrubNumbers('电话13812345678请回电')).toBe('电话*******5678请回电');
    expect(scrubNumbers(`身份证${id}`)).toBe(`身份证${'*'.repeat(14)}002X`);
    expect(scrubNumbers('138 1234 5678')).toBe('*******5678');
    expect(scrubNumbers('138-1234-5678')).toBe('*******5678');
    expect(scrubNumbers('１３８１２３４５６７８')).toBe('*******5678');
    expect(scrubNumbers('座机0838-6212345')).toBe('座机*******2345');
  });

  it('leaves short numbers alone: a ticket number, a window, a time, a count', () => {
    for (const text of ['A012号在3号窗口等了45分钟', '2026-12-07 10:30', '等了1小时,排了38人', '案号 BJ-2026-0001']) expect(scrubNumbers(text)).toBe(text);
  });
});

describe('masking', () => {
  it('never shows a name whole, even of one character', () => {
    expect(maskName('王')).toBe('*');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('张三丰')).toBe('张*丰');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
  });

  it('shows the last four digits of an ID number only', () => {
    expect(maskIdNumber(withCheckDigit('33010219500101123'))).toMatch(/^\*{14}123.$/);
  });
});
