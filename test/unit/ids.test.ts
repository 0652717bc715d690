import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hubIds, idsFrom, timePrefix } from '../../src/ids.ts';

describe('ids', () => {
  it('writes times so that their text sorts as the times do (SQLite compares bytes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 - 1 }), fc.integer({ min: 0, max: 2 ** 42 - 1 }), (a, b) => {
        const [pa, pb] = [timePrefix(a), timePrefix(b)];
        expect(pa).toHaveLength(7);
        expect(Math.sign(Buffer.compare(Buffer.from(pa), Buffer.from(pb)))).toBe(Math.sign(a - b));
      }),
    );
  });

  it('makes table keys that follow the clock, and never step back when the clock does', () => {
    let now = Date.parse('2026-12-07T08:00:00Z');
    let n = 0;
    const ids = idsFrom({ now: () => now, bytes: (k) => Buffer.alloc(k, n++ % 256), int: () => 0 });
    const a = ids.ticketId();
    now += 1;
    const b = ids.ticketId();
    now -= 60_000; // a clock stepped back a minute
    const c = ids.ticketId();
    expect([a, b, c].sort()).toEqual([a, b, c]);
    const services = [ids.serviceId(), ((now += 5), ids.serviceId()), ((now += 5), ids.serviceId())];
    expect([...services].sort()).toEqual(services);
  });

  it('keeps the formats short: a ticket id of 20 characters (72 random bits after the time), a service id of 13', () => {
    const t = hubIds.ticketId();
    const s = hubIds.serviceId();
    expect(t).toMatch(/^t[-\w]{19}$/);
    expect(s).toMatch(/^s[-\w]{12}$/);
    expect(new Set(Array.from({ length: 10_000 }, () => hubIds.ticketId())).size).toBe(10_000);
    expect(new Set(Array.from({ length: 10_000 }, () => hubIds.serviceId())).size).toBe(10_000);
  });
});
