import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveDecoderConfig } from './decoder-config.ts';
import { keyLevelTable } from './keyboard-decoder.ts';
import { DEFAULT_KEY_LEVELS, HID_USAGE_CODES, KEY_PRESETS, levelForKeyboardEvent, presetTable, usageName, usageOfCode } from './key-levels.ts';

describe('key-levels (shared with the pad page)', () => {
  it('imports only rating-levels.ts, which imports nothing, so the browser bundle can take it as is', () => {
    const text = readFileSync(new URL('./key-levels.ts', import.meta.url), 'utf8');
    const imports = [...text.matchAll(/^\s*import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    expect(imports).toEqual(['../../rating-levels.ts']);
    const levels = readFileSync(new URL('../../rating-levels.ts', import.meta.url), 'utf8');
    expect(levels).not.toMatch(/^\s*import\s/m);
    for (const t of [text, levels]) expect(t).not.toMatch(/\bBuffer\b|\bprocess\b|require\(/);
  });

  it('has the usages of digits, keypad digits and F-keys', () => {
    expect([usageOfCode('Digit1'), usageOfCode('Digit5'), usageOfCode('Digit0')]).toEqual([0x1e, 0x22, 0x27]);
    expect([usageOfCode('Numpad1'), usageOfCode('Numpad5'), usageOfCode('Numpad0')]).toEqual([0x59, 0x5d, 0x62]);
    expect([usageOfCode('F1'), usageOfCode('F5'), usageOfCode('F12')]).toEqual([0x3a, 0x3e, 0x45]);
    expect([usageOfCode('KeyA'), usageOfCode('KeyZ'), usageOfCode('Enter'), usageOfCode('NumpadEnter')]).toEqual([0x04, 0x1d, 0x28, 0x58]);
    expect(usageOfCode('Nope')).toBeUndefined();
    expect(new Set(Object.values(HID_USAGE_CODES)).size).toBe(Object.keys(HID_USAGE_CODES).length);
  });

  it('default table: 15 keys, each level three times, best first (key 1 = 5 非常满意, as the RS-485 evaluators)', () => {
    expect(Object.keys(DEFAULT_KEY_LEVELS)).toHaveLength(15);
    expect(DEFAULT_KEY_LEVELS[0x1e]).toBe(5);
    expect(DEFAULT_KEY_LEVELS[0x22]).toBe(1);
    expect(DEFAULT_KEY_LEVELS[0x5d]).toBe(1);
    expect(DEFAULT_KEY_LEVELS[0x3a]).toBe(5);
    expect(KEY_PRESETS.digits).toEqual({ 0x1e: 5, 0x1f: 4, 0x20: 3, 0x21: 2, 0x22: 1 });
    expect(presetTable('fkeys', 'worst-first')).toEqual({ 0x3a: 1, 0x3b: 2, 0x3c: 3, 0x3d: 4, 0x3e: 5 });
  });

  it('maps browser key events by code, falling back on key', () => {
    expect(levelForKeyboardEvent({ code: 'Digit5', key: '5' })).toBe(1);
    expect(levelForKeyboardEvent({ code: 'Numpad2', key: '2' })).toBe(4);
    expect(levelForKeyboardEvent({ code: 'F3', key: 'F3' })).toBe(3);
    expect(levelForKeyboardEvent({ code: '', key: '4' })).toBe(2);
    expect(levelForKeyboardEvent({ key: 'F1' })).toBe(5);
    expect(levelForKeyboardEvent({ code: 'KeyA', key: 'a' })).toBeNull();
    expect(levelForKeyboardEvent({ code: 'Digit9', key: '9' })).toBeNull();
    expect(levelForKeyboardEvent({})).toBeNull();
    expect(levelForKeyboardEvent({ code: 'Digit1' }, presetTable('digits', 'worst-first'))).toBe(1);
  });

  it("a window's configured keys travel to the page as a plain object", () => {
    const config = resolveDecoderConfig({ kind: 'keyboard-wedge', keys: { F1: 5, F5: 1 } });
    if (config.kind !== 'keyboard-wedge') throw new Error('kind');
    const table = JSON.parse(JSON.stringify(keyLevelTable(config))) as Record<number, 1 | 2 | 3 | 4 | 5>;
    expect(levelForKeyboardEvent({ code: 'F1' }, table)).toBe(5);
    expect(levelForKeyboardEvent({ code: 'F5' }, table)).toBe(1);
    expect(levelForKeyboardEvent({ code: 'Digit5' }, table)).toBeNull();
  });

  it('names usages for logs', () => {
    expect(usageName(0x22)).toBe('Digit5 (0x22)');
    expect(usageName(0xe8)).toBe('0xe8');
  });
});
