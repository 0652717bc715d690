import { describe, expect, it } from 'vitest';
import { categoryOfCode, parseSmsRequest } from './sms-commands.ts';

describe('what a resident can text', () => {
  it.each([
    ['取号 SB', { kind: 'take', category: 'SB' }],
    ['取号SB', { kind: 'take', category: 'SB' }],
    ['  qh  sb ', { kind: 'take', category: 'SB' }],
    ['ＱＨ　ｓｂ', { kind: 'take', category: 'SB' }],
    ['取号，B', { kind: 'take', category: 'B' }],
    ['取号', { kind: 'take-which' }],
    ['查询', { kind: 'query' }],
    ['cx', { kind: 'query' }],
    ['取消。', { kind: 'cancel' }],
    ['QX', { kind: 'cancel' }],
    ['你好', { kind: 'help' }],
    ['取号 SB 谢谢', { kind: 'help' }],
    ['', { kind: 'help' }],
  ])('%j', (text, expected) => {
    expect(parseSmsRequest(text)).toEqual(expected);
  });

  it('a code names a category by its id, or by its ticket letter', () => {
    const cats = [
      { id: 'SB', prefix: 'B' },
      { id: 'ZX', prefix: 'A' },
    ];
    expect(categoryOfCode(cats, 'sb')?.id).toBe('SB');
    expect(categoryOfCode(cats, 'A')?.id).toBe('ZX');
    expect(categoryOfCode(cats, 'Q')).toBeNull();
  });
});
