import { describe, expect, it } from 'vitest';
import { h } from '../test-support/hex.ts';
import { decodeLedText, encodeLedText, isGb2312 } from './gb-text.ts';

describe('encodeLedText', () => {
  it('encodes the bar texts of issue #4 in GB2312 and decodes them back', () => {
    for (const text of ['A012 请到3号窗口', '暂停服务', '请A012号到12号窗口办理']) {
      const { bytes, replaced } = encodeLedText(text, 'gb2312');
      expect(replaced).toEqual([]);
      expect(decodeLedText(bytes)).toBe(text);
    }
    expect(encodeLedText('暂停服务', 'gb2312').bytes).toEqual(h('D4 DD CD A3 B7 FE CE F1'));
  });

  it('replaces characters outside GB2312 with ? when the display has a GB2312 font', () => {
    // 镕 is GBK (E9 46); 㛃 and 𠀀 are GB18030 4-byte codes.
    const { bytes, replaced } = encodeLedText('朱镕基㛃𠀀', 'gb2312');
    expect(replaced).toEqual(['镕', '㛃', '𠀀']);
    expect(decodeLedText(bytes)).toBe('朱?基??');
  });

  it('keeps them with a full GB18030 font', () => {
    const { bytes, replaced } = encodeLedText('朱镕基㛃𠀀', 'gb18030');
    expect(replaced).toEqual([]);
    expect(decodeLedText(bytes)).toBe('朱镕基㛃𠀀');
    expect(bytes.subarray(-4)).toEqual(h('95 32 82 36'));
  });

  it('turns control characters into spaces but keeps \\n', () => {
    expect(encodeLedText('A\tB\u0002C\nD\u007f').bytes).toEqual(Buffer.from('A B C\nD ', 'latin1'));
  });

  it('knows the GB2312 rows', () => {
    expect(isGb2312(0xb0, 0xa1)).toBe(true); // 啊
    expect(isGb2312(0xf7, 0xfe)).toBe(true); // 齄
    expect(isGb2312(0xaa, 0xa1)).toBe(false); // user-defined row
    expect(isGb2312(0x81, 0x40)).toBe(false); // GBK
  });
});
