/**
 * Free text from residents and staff (a rating comment, a transfer note, a pause or cancel reason,
 * a follow-up note) is stored in the log and shown to staff. A resident who types a phone or ID
 * number into it must not put that number in clear into the database (DESIGN §5): any run of 11
 * or more digits (a mobile, an ID number, a bank card, a landline with its area code), with spaces
 * or dashes inside and an ID's final X, keeps only its last four.
 */
const LONG_NUMBER = /\d(?:[\s\-.]?\d){9,}(?:[\s\-.]?[Xx])?/g;

/** Full-width digits, X, hyphen and full stop (１３８…) typed on a Chinese keyboard, as ASCII; other text is kept as typed (full-width ，：；). */
const FULL_WIDTH_DIGITISH = /[\uff10-\uff19\uff38\uff58\uff0d\uff0e]/g;

export function scrubNumbers(text: string): string {
  return text.replace(FULL_WIDTH_DIGITISH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(LONG_NUMBER, (run) => {
    const chars = run.replace(/[\s\-.]/g, '');
    if (chars.length < 11) return run;
    return '*'.repeat(chars.length - 4) + chars.slice(-4);
  });
}

/** Trimmed and scrubbed; null when nothing is left. */
export function cleanText(text: string | undefined | null): string | null {
  const t = text?.trim();
  return t ? scrubNumbers(t) : null;
}
