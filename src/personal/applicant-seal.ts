import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Applicant } from '../upstream/record.ts';

/** Version byte of the sealed form: a later change of cipher or layout can still read these. */
const V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for the applicant the platform needs (full ID number or credit code, and the name):
 * `v1 | iv(12) | tag(16) | ciphertext`, with the row's ticket id as associated data, so a sealed
 * applicant copied onto another ticket's row does not open. The key is held apart from the data
 * directory (`loadApplicantKey`), so neither the database nor its backups can be read without it.
 */
export class ApplicantSeal {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new RangeError('the applicant key must be 32 bytes');
    this.#key = key.subarray(0, 32);
  }

  seal(applicant: Applicant, boundTo: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = cipher.update(JSON.stringify({ t: applicant.type, n: applicant.name, i: applicant.id }), 'utf8');
    const final = cipher.final();
    return Buffer.concat([Buffer.of(V1), iv, cipher.getAuthTag(), body, final]);
  }

  /** Throws when the key, the binding or the bytes are not the ones it was sealed with. */
  open(sealed: Uint8Array, boundTo: string): Applicant {
    const buf = Buffer.from(sealed);
    if (buf.length < 1 + IV_BYTES + TAG_BYTES || buf[0] !== V1) throw new Error('not a sealed applicant');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(buf.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    const o = JSON.parse(text) as { t: Applicant['type']; n: string; i: string };
    return { type: o.t, name: o.n, id: o.i };
  }
}
