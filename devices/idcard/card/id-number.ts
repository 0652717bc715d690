/**
 * Resident ID numbers (GB 11643-1999, ISO 7064 MOD 11-2): the check the reader applies to every
 * card it reads, and the mask for the reader's own logs and error messages. The hub uses the same
 * check (src/personal/id-number.ts re-exports it): devices/ never imports from src/.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

function checkCharOf(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** ISO 7064 MOD 11-2 check of an 18-character number (upper-case X), with a plausible birth date. */
export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (checkCharOf(id) !== id[17]) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1880 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Appends the check character to a 17-digit body (tests and the simulator make numbers with it). */
export function withCheckDigit(body17: string): string {
  if (!/^\d{17}$/.test(body17)) throw new TypeError(`"body17" must be 17 digits, got ${body17.length} characters`);
  return body17 + checkCharOf(body17);
}

/**
 * `**************1234`: the last four characters only, never the region or birth date, for the
 * device's logs and error messages (PIPL). Four characters or fewer are masked whole.
 */
export function maskIdNumber(id: string): string {
  if (id.length <= 4) return '*'.repeat(id.length);
  return `${'*'.repeat(id.length - 4)}${id.slice(-4)}`;
}
