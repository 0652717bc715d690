/**
 * A resident's key in the hall: the first 128 bits of HMAC-SHA256 of the ID number under the hall's
 * key, in base64url (22 characters). 128 bits keep two residents apart as surely as 256 do, and the key
 * is written into every card ticket, rating and booking (issue #11: disk per ticket).
 *
 * Keys written before this were the whole HMAC in hex (64 characters); they read as their first 128
 * bits, so a booking made before an upgrade still matches the same card read after it.
 */
export function holderKey(hmac: string): string {
  return /^[0-9a-f]{64}$/.test(hmac) ? Buffer.from(hmac.slice(0, 32), 'hex').toString('base64url') : hmac;
}

/** The key from the raw HMAC bytes. */
export function holderKeyOf(digest: Buffer): string {
  return digest.subarray(0, 16).toString('base64url');
}
