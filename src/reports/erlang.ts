/**
 * Erlang C (M/M/n with an unbounded queue): the staffing model of call centres, and of a hall whose
 * residents take numbers and wait to be called. Arrivals are Poisson at rate λ, handling times
 * exponential with mean h, n clerks; the offered load is a = λ·h Erlangs.
 */

/**
 * The probability that an arrival waits at all, C(n, a). 1 when n ≤ a (the queue grows without
 * bound). Computed through the Erlang B recursion, which stays stable for hundreds of clerks.
 */
export function erlangC(n: number, a: number): number {
  if (!(a > 0)) return 0;
  if (n <= a) return 1;
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b / (1 - (a / n) * (1 - b));
}

/**
 * The share of arrivals called within `withinMin` minutes: 1 − C(n, a)·e^(−(n − a)·t / h).
 * `ratePerMin` is λ, `ahtMin` is h.
 */
export function serviceLevel(n: number, ratePerMin: number, ahtMin: number, withinMin: number): number {
  const a = ratePerMin * ahtMin;
  if (!(a > 0)) return 1;
  if (n <= a) return 0;
  return 1 - erlangC(n, a) * Math.exp((-(n - a) * withinMin) / ahtMin);
}

/** The fewest clerks that meet the target share within `withinMin`; 0 when nobody is expected. */
export function clerksNeeded(ratePerMin: number, ahtMin: number, withinMin: number, target: number, max = 1000): number {
  const a = ratePerMin * ahtMin;
  if (!(a > 0)) return 0;
  let n = Math.max(1, Math.floor(a) + 1);
  while (n < max && serviceLevel(n, ratePerMin, ahtMin, withinMin) < target) n++;
  return n;
}
