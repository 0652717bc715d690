import { describe, expect, it } from 'vitest';
import { openDb } from '../store/open-db.ts';
import { bookingOwner, ContactVault, normalizePhone, ticketOwner } from './contact-vault.ts';
import { TextSeal } from './text-seal.ts';

const HMAC = Buffer.alloc(32, 3);

describe('the contact vault', () => {
  it('holds a number sealed and bound to its owner, moves it to the ticket at check-in, erases it at the end', () => {
    const db = openDb(':memory:');
    const vault = new ContactVault(db, HMAC, new TextSeal(Buffer.alloc(32, 5)));
    const held = vault.hold(bookingOwner('ABCD2345'), '13812345678', 1000, 3);
    expect(held).toEqual({ phoneKey: vault.keyOf('13812345678'), phoneMasked: '138****5678' });
    const row = db.prepare('SELECT * FROM contacts').get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain('13812345678');
    expect(vault.phoneOf(bookingOwner('ABCD2345'))).toBe('13812345678');
    // A sealed number copied onto another owner's row does not open.
    db.prepare('INSERT INTO contacts (owner, phone_key, masked, sealed, held_at) VALUES (?, ?, ?, ?, ?)').run('ticket:stolen', 'k', 'm', row.sealed, 1);
    expect(() => vault.phoneOf(ticketOwner('stolen'))).toThrow();
    expect(vault.move(bookingOwner('ABCD2345'), ticketOwner('t1'))).toBe(true);
    expect(vault.get(bookingOwner('ABCD2345'))).toBeNull();
    expect(vault.phoneOf(ticketOwner('t1'))).toBe('13812345678');
    expect(vault.get(ticketOwner('t1'))).toMatchObject({ remindAhead: 3, heldAt: 1000, phoneMasked: '138****5678' });
    expect(vault.byPhone('13812345678').map((c) => c.owner)).toEqual(['ticket:t1']);
    expect(vault.release(ticketOwner('t1'))).toBe(true);
    expect(vault.byPhone('13812345678')).toEqual([]);
  });

  it('without a key keeps only the masked form and the key', () => {
    const vault = new ContactVault(openDb(':memory:'), HMAC, null);
    vault.hold(ticketOwner('t1'), '13812345678', 1, null);
    expect(vault.phoneOf(ticketOwner('t1'))).toBeNull();
    expect(vault.canSend).toBe(false);
  });

  it('reads the ways residents write a mobile number', () => {
    expect(normalizePhone('+86 138-1234-5678')).toBe('13812345678');
    expect(normalizePhone('8613812345678')).toBe('13812345678');
    expect(normalizePhone('12812345678')).toBeNull();
    expect(normalizePhone('10086')).toBeNull();
  });
});
