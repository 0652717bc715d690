import { describe, expect, it } from 'vitest';
import { isValidIdNumber, maskIdNumber, withCheckDigit } from './id-number.ts';

describe('GB 11643 ID numbers', () => {
  it('the standard’s example: 11010519491231002 → check X', () => {
    expect(withCheckDigit('11010519491231002')).toBe('11010519491231002X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
  });

  it('refuses a wrong check character, lower-case x, a bad date and bad lengths', () => {
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('11010519491231002x')).toBe(false);
    expect(isValidIdNumber(withCheckDigit('11010519490231002'))).toBe(false); // 31 February
    expect(isValidIdNumber('11010519491231002')).toBe(false);
    expect(isValidIdNumber('')).toBe(false);
  });

  it('withCheckDigit names a bad body', () => {
    expect(() => withCheckDigit('1101051949123100')).toThrow(/"body17" must be 17 digits, got 16 characters/);
    expect(() => withCheckDigit('1101051949123100A')).toThrow(TypeError);
  });
});

describe('maskIdNumber (the device’s logs)', () => {
  it('shows the last four characters only', () => {
    expect(maskIdNumber('110105194912311234')).toBe('**************1234');
    expect(maskIdNumber('11010519491231002X')).toBe('**************002X');
    expect(maskIdNumber('USA110019800101')).toBe('***********0101');
  });

  it('never shows the region code or the birth date', () => {
    const masked = maskIdNumber('330102199001011234');
    expect(masked).not.toContain('3301');
    expect(masked).not.toContain('19900101');
  });

  it('masks four characters or fewer whole', () => {
    expect(maskIdNumber('1234')).toBe('****');
    expect(maskIdNumber('')).toBe('');
  });
});
