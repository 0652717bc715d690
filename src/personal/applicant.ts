import { HallqError } from '../domain/errors.ts';
import type { Applicant } from '../upstream/record.ts';
import { isValidCreditCode } from './credit-code.ts';
import { isValidIdNumber } from './id-number.ts';

/** What the window business system sends with a completion: a person or a company. */
export type ApplicantInput =
  | { type: 'person'; name: string; idNumber: string }
  | { type: 'company'; name: string; creditCode: string };

/**
 * Checks the applicant and gives it in the form the outbox seals: an ID number by its GB 11643
 * check digit and birth date, a credit code by its GB 32100 check character. Errors never echo the
 * number.
 */
export function applicantOf(input: ApplicantInput): Applicant {
  // Kept as given (a company's name may hold digits): it is sealed with the number, never stored in clear.
  const name = input.name.trim();
  if (!name || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) throw new HallqError('HQ_ERR_VALIDATION', { field: 'applicant.name' }, { zh: '请填写申请人姓名或企业名称', en: "give the applicant's name" });
  if (input.type === 'person') {
    const id = input.idNumber.trim().toUpperCase();
    if (!isValidIdNumber(id)) throw new HallqError('HQ_ERR_APPLICANT_ID_INVALID', { field: 'applicant.idNumber' });
    return { type: 'person', name, id };
  }
  const code = input.creditCode.trim().toUpperCase();
  if (!isValidCreditCode(code)) throw new HallqError('HQ_ERR_CREDIT_CODE_INVALID', { field: 'applicant.creditCode' });
  return { type: 'company', name, id: code };
}
