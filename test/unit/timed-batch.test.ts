import { describe, expect, it } from 'vitest';
import { TimedBatch } from '../../src/store/timed-batch.ts';

/** Busy for `ms`: a batch that takes that long. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('TimedBatch', () => {
  it('halves a batch that took too long and grows one well under the target, within its bounds', () => {
    const b = new TimedBatch(10, 40, 5, 100);
    b.run(() => spin(15));
    expect(b.size).toBe(20);
    b.run(() => spin(15));
    b.run(() => spin(15));
    b.run(() => spin(15));
    expect(b.size).toBe(5); // never below its least
    for (let i = 0; i < 10; i++) b.run(() => undefined);
    expect(b.size).toBe(100); // never above its most
    b.run(() => spin(5)); // between a third of the target and the target: unchanged
    expect(b.size).toBe(100);
  });

  it('passes the size to the batch and its answer back', () => {
    const b = new TimedBatch(10, 7);
    expect(b.run((n) => n * 2)).toBe(14);
  });

  it('settles near the target for work that costs per item', () => {
    const b = new TimedBatch(10, 1000, 1, 100_000);
    const sizes: number[] = [];
    for (let i = 0; i < 30; i++) sizes.push(b.run((n) => (spin(n * 0.05), n)));
    // 0.05 ms an item: 200 items is the target; the size ends between a third of it and twice it.
    expect(sizes.at(-1)).toBeGreaterThanOrEqual(60);
    expect(sizes.at(-1)).toBeLessThanOrEqual(400);
  });
});
