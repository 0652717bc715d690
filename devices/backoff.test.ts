import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const opts = { initialMs: 250, maxMs: 2000 };
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n, opts))).toEqual([250, 500, 1000, 2000, 2000, 2000, 2000]);
  });

  it('defaults to 250 ms doubling to 30 s', () => {
    expect(backoffDelay(1)).toBe(250);
    expect(backoffDelay(8)).toBe(30_000);
    expect(backoffDelay(1000)).toBe(30_000);
  });

  it('treats attempt 0 or less as the first', () => {
    expect(backoffDelay(0)).toBe(250);
    expect(backoffDelay(-3)).toBe(250);
  });
});
