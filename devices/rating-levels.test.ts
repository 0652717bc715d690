import { describe, expect, it } from 'vitest';
import { DEFAULT_RATING_ORDER, describeOrder, levelAtPosition, levelInOrder } from './rating-levels.ts';

describe('the rating order', () => {
  it('is best-first by default: the first key (index 0) is 5 非常满意', () => {
    expect(DEFAULT_RATING_ORDER).toBe('best-first');
    expect([0, 1, 2, 3, 4].map((p) => levelAtPosition(p))).toEqual([5, 4, 3, 2, 1]);
  });

  it('worst-first flips it', () => {
    expect([0, 1, 2, 3, 4].map((p) => levelAtPosition(p, 'worst-first'))).toEqual([1, 2, 3, 4, 5]);
    expect(([5, 4, 3, 2, 1] as const).map((l) => levelInOrder(l, 'worst-first'))).toEqual([1, 2, 3, 4, 5]);
    expect(([5, 4, 3, 2, 1] as const).map((l) => levelInOrder(l, 'best-first'))).toEqual([5, 4, 3, 2, 1]);
  });

  it('names a bad position', () => {
    expect(() => levelAtPosition(5)).toThrow(/0..4, got 5/);
  });

  it('describes an order for installers', () => {
    expect(describeOrder()).toBe('key 1 = 5 非常满意, key 2 = 4 满意, key 3 = 3 基本满意, key 4 = 2 不满意, key 5 = 1 非常不满意');
    expect(describeOrder('worst-first', (p) => `F${p + 1}`)).toBe('F1 = 1 非常不满意, F2 = 2 不满意, F3 = 3 基本满意, F4 = 4 满意, F5 = 5 非常满意');
  });
});
