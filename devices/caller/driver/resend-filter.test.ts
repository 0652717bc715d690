import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../backoff.ts';
import { ResendFilter } from './resend-filter.ts';

describe('ResendFilter', () => {
  it('takes a repeat within the window as a resend; the window slides with each sighting', () => {
    const f = new ResendFilter(1000);
    expect(f.isResend('01:01/0c', 0)).toBe(false);
    expect(f.isResend('01:01/0c', 300)).toBe(true);
    expect(f.isResend('01:01/0c', 1200)).toBe(true); // 900 after the last resend
    expect(f.isResend('02:01/0c', 1200)).toBe(false); // another keypad
    expect(f.isResend('01:01/0c', 2201)).toBe(false); // a new press
  });

  it('forgets old entries, so it does not grow without bound', () => {
    const f = new ResendFilter(100);
    for (let i = 0; i < 1000; i++) f.isResend(`k${i}`, i * 10);
    expect(f.size).toBeLessThan(80);
  });

  it('refuses a negative window', () => {
    expect(() => new ResendFilter(-1)).toThrow(/"resendWindowMs"/);
  });
});

describe('backoffDelay', () => {
  it('doubles from 250 ms up to 30 s', () => {
    expect([1, 2, 3, 8, 20].map((n) => backoffDelay(n))).toEqual([250, 500, 1000, 30_000, 30_000]);
    expect(backoffDelay(3, { initialMs: 10, maxMs: 25 })).toBe(25);
  });
});
