/**
 * Wall time in milliseconds with sub-millisecond resolution. Comparable across the bench's
 * processes because they all run on this machine: each process's `timeOrigin` is the same
 * system clock read at its start, and `performance.now()` is monotonic from there.
 */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
