import { describe, expect, it } from 'vitest';
import { HallqError } from '../domain/errors.ts';
import { applicantOf } from './applicant.ts';
import { ApplicantSeal } from './applicant-seal.ts';
import { isValidCreditCode, maskCreditCode, withCreditCheck } from './credit-code.ts';
import { withCheckDigit } from './id-number.ts';

const ID = withCheckDigit('33010619850312002');

describe('GB 32100 credit codes', () => {
  it('accepts published examples and a made code, refuses a wrong check, a forbidden letter, a short code', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
    expect(isValidCreditCode('91310000775785552L')).toBe(true);
    expect(isValidCreditCode(withCreditCheck('11330106002508000'))).toBe(true);
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M0001O0Y43')).toBe(false); // O is not in the set
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    expect(maskCreditCode('91350100M000100Y43')).toBe('**************0Y43');
  });
});

describe('applicantOf', () => {
  it('takes a person by a valid ID number and a company by a valid credit code, upper-cased', () => {
    expect(applicantOf({ type: 'person', name: ' 张三 ', idNumber: ID.toLowerCase() })).toEqual({ type: 'person', name: '张三', id: ID.toUpperCase() });
    expect(applicantOf({ type: 'company', name: '某某公司', creditCode: '91350100m000100y43' })).toEqual({ type: 'company', name: '某某公司', id: '91350100M000100Y43' });
  });

  it('refuses a failing check digit, a failing credit code and an empty name, without the number in the message', () => {
    const bad = ID.slice(0, 17) + (ID.endsWith('1') ? '2' : '1');
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(HallqError);
        expect((err as Error).message).not.toContain(bad);
        return (err as HallqError).code;
      }
      return 'accepted';
    };
    expect(codeOf(() => applicantOf({ type: 'person', name: '张三', idNumber: bad }))).toBe('HQ_ERR_APPLICANT_ID_INVALID');
    expect(codeOf(() => applicantOf({ type: 'company', name: '某公司', creditCode: '91350100M000100Y44' }))).toBe('HQ_ERR_CREDIT_CODE_INVALID');
    expect(codeOf(() => applicantOf({ type: 'person', name: '  ', idNumber: ID }))).toBe('HQ_ERR_VALIDATION');
  });
});

describe('ApplicantSeal (AES-256-GCM)', () => {
  const seal = new ApplicantSeal(Buffer.alloc(32, 3));
  const who = { type: 'person' as const, name: '张三', id: ID };

  it('opens what it sealed, for the same ticket only, and never shows the number in the sealed bytes', () => {
    const sealed = seal.seal(who, 'T1');
    expect(seal.open(sealed, 'T1')).toEqual(who);
    expect(sealed.includes(Buffer.from(ID))).toBe(false);
    expect(sealed.includes(Buffer.from('张三'))).toBe(false);
    expect(() => seal.open(sealed, 'T2')).toThrow();
    // A fresh IV every time: the same applicant never seals to the same bytes.
    expect(seal.seal(who, 'T1').equals(sealed)).toBe(false);
  });

  it('refuses another key and tampered bytes', () => {
    const sealed = seal.seal(who, 'T1');
    expect(() => new ApplicantSeal(Buffer.alloc(32, 4)).open(sealed, 'T1')).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => seal.open(tampered, 'T1')).toThrow();
    expect(() => seal.open(Buffer.of(2, 1, 2), 'T1')).toThrow('not a sealed value');
  });
});
