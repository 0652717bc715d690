/**
 * The hub's clocks: the wall clock (`now`, what the hall's day and sessions follow, which an
 * operator or NTP may move) and a monotonic one that only ever advances (how much time really
 * passed). Comparing the two is how the hub notices a jump.
 */
export interface Clock {
  now(): number;
  /** Milliseconds from an arbitrary start, never set back. Default: `performance.now()`. */
  monotonic?(): number;
}
export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
