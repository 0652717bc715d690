import { createHmac } from 'node:crypto';
import type { Db } from '../store/open-db.ts';
import { holderKeyOf } from './holder-key.ts';
import { maskPhone } from './id-number.ts';
import type { TextSeal } from './text-seal.ts';

/** What a phone number is held for: `ticket:<id>` or `booking:<code>`. */
export type ContactOwner = `ticket:${string}` | `booking:${string}`;

export const ticketOwner = (ticketId: string): ContactOwner => `ticket:${ticketId}`;
export const bookingOwner = (code: string): ContactOwner => `booking:${code}`;

export interface Contact {
  owner: ContactOwner;
  /** The number's key (HMAC under the hall key): finds a sender's ticket, counts per number. */
  phoneKey: string;
  phoneMasked: string;
  /** Remind when this many people are ahead; null: no "almost your turn" message. */
  remindAhead: number | null;
  heldAt: number;
}

/** A mainland mobile number: 11 digits, 1[3-9]…; a +86 or 86 prefix and spaces or dashes are accepted. */
export function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/**
 * Phone numbers residents gave for SMS (a ticket by SMS, a number typed at the kiosk, a booking), held
 * sealed (AES-256-GCM, key apart from the data dir) only while their ticket or booking lives, then
 * erased (DESIGN §5, issue #15). The log and every projection keep only the masked form; this table
 * keeps the number's HMAC key too, which finds "my ticket" for a 查询 from the same number.
 *
 * Without a key (a hall with no SMS) nothing is sealed: the masked form and the key are all there is.
 */
export class ContactVault {
  readonly #upsert;
  readonly #get;
  readonly #delete;
  readonly #byKey;
  readonly #all;
  readonly #remind;

  constructor(
    private readonly db: Db,
    private readonly hmacKey: Buffer,
    private readonly sealer: TextSeal | null,
  ) {
    this.#upsert = db.prepare(
      `INSERT INTO contacts (owner, phone_key, masked, sealed, remind_ahead, held_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(owner) DO UPDATE SET phone_key = excluded.phone_key, masked = excluded.masked, sealed = excluded.sealed, held_at = excluded.held_at`,
    );
    this.#get = db.prepare('SELECT owner, phone_key, masked, sealed, remind_ahead, held_at FROM contacts WHERE owner = ?');
    this.#delete = db.prepare('DELETE FROM contacts WHERE owner = ?');
    this.#byKey = db.prepare('SELECT owner, phone_key, masked, sealed, remind_ahead, held_at FROM contacts WHERE phone_key = ? ORDER BY held_at');
    this.#all = db.prepare('SELECT owner, phone_key, masked, sealed, remind_ahead, held_at FROM contacts ORDER BY held_at');
    this.#remind = db.prepare('UPDATE contacts SET remind_ahead = ? WHERE owner = ?');
  }

  /** Numbers can be sent to (a key is configured). */
  get canSend(): boolean {
    return this.sealer !== null;
  }

  keyOf(phone: string): string {
    return holderKeyOf(createHmac('sha256', this.hmacKey).update(`phone:${phone}`).digest());
  }

  /**
   * Holds a number for its owner (replacing one held before). Runs inside the command's transaction
   * when it comes with a ticket or a booking, so the number is held exactly when its owner is on disk.
   */
  hold(owner: ContactOwner, phone: string, at: number, remindAhead: number | null): { phoneKey: string; phoneMasked: string } {
    const phoneKey = this.keyOf(phone);
    const phoneMasked = maskPhone(phone);
    this.#upsert.run(owner, phoneKey, phoneMasked, this.sealer ? this.sealer.seal(phone, owner) : null, remindAhead, at);
    return { phoneKey, phoneMasked };
  }

  /** A booking checked in: its number now belongs to the ticket (sealed again, bound to the ticket). */
  move(from: ContactOwner, to: ContactOwner): boolean {
    return this.db.transaction(() => {
      const row = this.#get.get(from) as Row | undefined;
      if (!row) return false;
      const phone = row.sealed && this.sealer ? this.sealer.open(row.sealed, from) : null;
      this.#delete.run(from);
      this.#upsert.run(to, row.phone_key, row.masked, phone && this.sealer ? this.sealer.seal(phone, to) : null, row.remind_ahead, row.held_at);
      return true;
    })();
  }

  /** Erases the number: its ticket or booking has ended. */
  release(owner: ContactOwner): boolean {
    return this.#delete.run(owner).changes > 0;
  }

  get(owner: ContactOwner): Contact | null {
    const row = this.#get.get(owner) as Row | undefined;
    return row ? toContact(row) : null;
  }

  /** The number in clear, to hand to the SMS outbox (which seals it again for its own row); null without a key. */
  phoneOf(owner: ContactOwner): string | null {
    const row = this.#get.get(owner) as Row | undefined;
    if (!row?.sealed || !this.sealer) return null;
    return this.sealer.open(row.sealed, owner);
  }

  /** What one number holds, oldest first (a 查询 or 取消 by SMS acts on these). */
  byPhone(phone: string): Contact[] {
    return (this.#byKey.all(this.keyOf(phone)) as Row[]).map(toContact);
  }

  all(): Contact[] {
    return (this.#all.all() as Row[]).map(toContact);
  }

  setReminder(owner: ContactOwner, remindAhead: number | null): boolean {
    return this.#remind.run(remindAhead, owner).changes > 0;
  }
}

interface Row {
  owner: ContactOwner;
  phone_key: string;
  masked: string;
  sealed: Buffer | null;
  remind_ahead: number | null;
  held_at: number;
}

function toContact(r: Row): Contact {
  return { owner: r.owner, phoneKey: r.phone_key, phoneMasked: r.masked, remindAhead: r.remind_ahead, heldAt: r.held_at };
}
