import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Version byte of the sealed form: a later change of cipher or layout can still read these. */
const V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for the few personal values the hub must hold in clear for a while (the applicant the
 * 好差评 platform needs, a phone number SMS goes to): `v1 | iv(12) | tag(16) | ciphertext`, with the
 * owner of the value (a ticket, a booking, an outbox row) as associated data, so a sealed value copied
 * onto another row does not open. The key is held apart from the data directory, so neither the
 * database nor its backups can be read without it (DESIGN §5).
 */
export class TextSeal {
  readonly #key: Buffer;

  constructor(key: Buffer, what = 'the seal key') {
    if (key.length < 32) throw new RangeError(`${what} must be 32 bytes`);
    this.#key = key.subarray(0, 32);
  }

  seal(text: string, boundTo: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = cipher.update(text, 'utf8');
    const final = cipher.final();
    return Buffer.concat([Buffer.of(V1), iv, cipher.getAuthTag(), body, final]);
  }

  /** Throws when the key, the binding or the bytes are not the ones it was sealed with. */
  open(sealed: Uint8Array, boundTo: string): string {
    const buf = Buffer.from(sealed);
    if (buf.length < 1 + IV_BYTES + TAG_BYTES || buf[0] !== V1) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(buf.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
