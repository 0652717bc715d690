import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clerksNeeded, erlangC, serviceLevel } from '../../src/reports/erlang.ts';

/** Erlang C by its textbook sum, for small n: the oracle the recursion is checked against. */
function erlangCBySum(n: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < n; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * n) / (n - a);
  return top / (sum + top);
}

describe('Erlang C', () => {
  it('gives the published values: 10 Erlangs (100 calls in 30 min, 180 s each), 20 s target', () => {
    // The worked example of the call-centre literature: P(wait) and service level for 11 … 15 agents.
    const expected: [number, number, number][] = [
      [11, 0.6821, 0.3896],
      [12, 0.4494, 0.6402],
      [13, 0.2853, 0.7956],
      [14, 0.1741, 0.8884],
      [15, 0.102, 0.9415],
    ];
    for (const [n, pw, sl] of expected) {
      expect(erlangC(n, 10)).toBeCloseTo(pw, 4);
      expect(serviceLevel(n, 100 / 30, 3, 20 / 60)).toBeCloseTo(sl, 4);
    }
    expect(clerksNeeded(100 / 30, 3, 20 / 60, 0.8)).toBe(14);
  });

  it('matches the closed forms of one and two servers (M/M/1: ρ; M/M/2: a²/(2 + a))', () => {
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    expect(erlangC(2, 1.2)).toBeCloseTo(1.44 / 3.2, 12);
  });

  it('agrees with the textbook sum, lies in [0, 1] and falls as clerks are added', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 40, noNaN: true }), fc.integer({ min: 1, max: 60 }), (a, extra) => {
        const n = Math.floor(a) + extra;
        const c = erlangC(n, a);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
        expect(c).toBeCloseTo(erlangCBySum(n, a), 9);
        expect(erlangC(n + 1, a)).toBeLessThanOrEqual(c);
      }),
    );
  });

  it('recommends the fewest clerks that meet the target, none when nobody comes, and stays sane at a county hall’s scale', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 5, noNaN: true }), fc.double({ min: 0.5, max: 40, noNaN: true }), fc.double({ min: 0.5, max: 0.99, noNaN: true }), (rate, aht, target) => {
        const n = clerksNeeded(rate, aht, 15, target);
        expect(serviceLevel(n, rate, aht, 15)).toBeGreaterThanOrEqual(target);
        if (n > Math.floor(rate * aht) + 1) expect(serviceLevel(n - 1, rate, aht, 15)).toBeLessThan(target);
      }),
    );
    expect(clerksNeeded(0, 8, 15, 0.8)).toBe(0);
    expect(erlangC(5, 0)).toBe(0);
    expect(erlangC(3, 3)).toBe(1); // as many clerks as load: the queue never empties
    expect(serviceLevel(3, 1, 3, 15)).toBe(0);
    // 1,000 a day at a county hall: 150 in a peak half hour, 12 min each, 80 % within 15 min.
    expect(clerksNeeded(150 / 30, 12, 15, 0.8)).toBe(62);
  });
});
