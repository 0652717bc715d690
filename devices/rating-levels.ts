/**
 * The five national 好差评 levels, and THE order of rating keys for every device kind: USB HID pads
 * (key 1…5, F1…F5, keypad 1…5) and RS-485 evaluators (score index 0…4). No imports, so the pad page
 * (display-ui) can use it through devices/ratingpad/codec/key-levels.ts.
 */

/** 5 = 非常满意 … 1 = 非常不满意 (like stars: higher is better). */
export type RatingLevel = 1 | 2 | 3 | 4 | 5;

/** Best first. */
export const RATING_LEVELS: readonly RatingLevel[] = [5, 4, 3, 2, 1];

export const RATING_LABELS: Readonly<Record<RatingLevel, string>> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };

export function isRatingLevel(n: unknown): n is RatingLevel {
  return n === 1 || n === 2 || n === 3 || n === 4 || n === 5;
}

/**
 * How a device's keys run, first key first (HID key 1 / F1 / keypad 1, RS-485 score index 0):
 * - `best-first`: the first key is 5 非常满意 … the fifth is 1 非常不满意;
 * - `worst-first`: the first key is 1 非常不满意 … the fifth is 5 非常满意.
 */
export type RatingOrder = 'best-first' | 'worst-first';

export const RATING_ORDERS: readonly RatingOrder[] = ['best-first', 'worst-first'];

/**
 * The one default for every pad and evaluator: best first, as the national scheme lists the levels
 * (非常满意, 满意, 基本满意, 不满意, 非常不满意) and as the RS-485 evaluators send them. An installer
 * whose device runs the other way sets `order: worst-first` on that device.
 */
export const DEFAULT_RATING_ORDER: RatingOrder = 'best-first';

export function isRatingOrder(v: unknown): v is RatingOrder {
  return v === 'best-first' || v === 'worst-first';
}

/** The level of the key at `position` (0 = the first key) on a device whose keys run in `order`. */
export function levelAtPosition(position: number, order: RatingOrder = DEFAULT_RATING_ORDER): RatingLevel {
  if (!Number.isInteger(position) || position < 0 || position > 4) throw new RangeError(`a rating key position is 0..4, got ${position}`);
  return (order === 'best-first' ? 5 - position : position + 1) as RatingLevel;
}

/**
 * What a level read from a table written in the default order means on a device whose keys run
 * in `order`: the same level, or its mirror (5 ↔ 1, 4 ↔ 2).
 */
export function levelInOrder(level: RatingLevel, order: RatingOrder = DEFAULT_RATING_ORDER): RatingLevel {
  return order === DEFAULT_RATING_ORDER ? level : ((6 - level) as RatingLevel);
}

/** `key 1 = 5 非常满意, key 2 = 4 满意, …`: for installers (`learn`, docs, error messages). */
export function describeOrder(order: RatingOrder = DEFAULT_RATING_ORDER, keyName: (position: number) => string = (p) => `key ${p + 1}`): string {
  return [0, 1, 2, 3, 4].map((p) => `${keyName(p)} = ${levelAtPosition(p, order)} ${RATING_LABELS[levelAtPosition(p, order)]}`).join(', ');
}
