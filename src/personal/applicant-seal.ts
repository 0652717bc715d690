import type { Applicant } from '../upstream/record.ts';
import { TextSeal } from './text-seal.ts';

/**
 * The applicant the platform needs (full ID number or credit code, and the name), sealed by
 * `TextSeal` with the row's ticket id as associated data. The key is held apart from the data
 * directory (`loadApplicantKey`), so neither the database nor its backups can be read without it.
 */
export class ApplicantSeal {
  readonly #seal: TextSeal;

  constructor(key: Buffer) {
    this.#seal = new TextSeal(key, 'the applicant key');
  }

  seal(applicant: Applicant, boundTo: string): Buffer {
    return this.#seal.seal(JSON.stringify({ t: applicant.type, n: applicant.name, i: applicant.id }), boundTo);
  }

  /** Throws when the key, the binding or the bytes are not the ones it was sealed with. */
  open(sealed: Uint8Array, boundTo: string): Applicant {
    const o = JSON.parse(this.#seal.open(sealed, boundTo)) as { t: Applicant['type']; n: string; i: string };
    return { type: o.t, name: o.n, id: o.i };
  }
}
