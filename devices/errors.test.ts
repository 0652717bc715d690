import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEVICE_ERROR_CATALOGUES, DEVICE_ERRORS, RETIRED_DEVICE_ERROR_CODES } from './errors.ts';

const published = readFileSync(new URL('./error-codes.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

describe('DEVICE_ERRORS, the one device error catalogue', () => {
  it('gathers every catalogue', () => {
    const sizes = Object.values(DEVICE_ERROR_CATALOGUES).reduce((n, c) => n + Object.keys(c).length, 0);
    expect(DEVICE_ERRORS).toHaveLength(sizes);
  });

  it('has each code once, across device kinds', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const e of DEVICE_ERRORS) {
      const other = seen.get(e.code);
      if (other) twice.push(`${e.code} (${other} and ${e.area})`);
      seen.set(e.code, e.area);
    }
    expect(twice).toEqual([]);
  });

  it('names each code HQ_ERR_<AREA>_<WHAT> after the catalogue it is in', () => {
    const misnamed = DEVICE_ERRORS.filter((e) => !new RegExp(`^HQ_ERR_${e.area.toUpperCase()}_[A-Z][A-Z0-9_]*[A-Z0-9]$`).test(e.code));
    expect(misnamed.map((e) => `${e.area}: ${e.code}`)).toEqual([]);
  });

  it('gives every code its Chinese and English text and a retry hint', () => {
    for (const e of DEVICE_ERRORS) {
      expect(e.zh, e.code).toMatch(/[\u4e00-\u9fff]/);
      expect(e.en, e.code).toMatch(/^[A-Z].*[a-z]/);
      expect(typeof e.retryable, e.code).toBe('boolean');
    }
  });

  it('never reuses a code: every published code is current or retired, never both, and every current code is published', () => {
    const current = new Set(DEVICE_ERRORS.map((e) => e.code as string));
    const retired = new Set(RETIRED_DEVICE_ERROR_CODES);
    expect(published.filter((c) => !current.has(c) && !retired.has(c)), 'removed without being retired').toEqual([]);
    expect([...current].filter((c) => retired.has(c)), 'a retired code used again').toEqual([]);
    expect([...current].filter((c) => !published.includes(c)), 'new codes: append them to devices/error-codes.txt').toEqual([]);
    expect(new Set(published).size, 'a line twice in error-codes.txt').toBe(published.length);
  });
});
