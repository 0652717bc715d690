import { DEFAULT_RATING_ORDER, isRatingOrder, RATING_ORDERS, type RatingOrder } from '../../rating-levels.ts';

/** Evaluator address → how its keys run; addresses not listed run in DEFAULT_RATING_ORDER. */
export type RatingOrders = Readonly<Record<number, RatingOrder>>;

/** Checks an address → order map; throws TypeError naming the bad entry. */
export function checkRatingOrders(orders: RatingOrders = {}): (address: number) => RatingOrder {
  const table = new Map<number, RatingOrder>();
  for (const [key, order] of Object.entries(orders)) {
    const address = Number(key);
    if (!Number.isInteger(address) || address < 0 || address > 0xff) throw new TypeError(`"ratingOrders" has key ${key}, which is not a bus address`);
    if (!isRatingOrder(order)) throw new TypeError(`"ratingOrders.${key}" must be ${RATING_ORDERS.join(' or ')}, got ${JSON.stringify(order)}`);
    table.set(address, order);
  }
  return (address) => table.get(address) ?? DEFAULT_RATING_ORDER;
}
