/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character set
 * (no I, O, Z, S, V), the last a check character over the first 17 (weights 3^i mod 31).
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

function checkCharOf(body17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(body17[i]!);
    if (v < 0) return null;
    sum += v * WEIGHTS[i]!;
  }
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** Shape and check character (upper case, as printed on a business licence). */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return checkCharOf(code.slice(0, 17)) === code[17];
}

/** Appends the check character to a 17-character body (tests and demo configs make codes with it). */
export function withCreditCheck(body17: string): string {
  const c = body17.length === 17 ? checkCharOf(body17) : null;
  if (c === null) throw new TypeError(`"body17" must be 17 characters of the GB 32100 set`);
  return body17 + c;
}

/** `****************5Y`-style: the last four only, like an ID number. */
export function maskCreditCode(code: string): string {
  return `${'*'.repeat(Math.max(0, code.length - 4))}${code.slice(-4)}`;
}
