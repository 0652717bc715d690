import type { LedError } from '../errors.ts';

export interface Outcome {
  settled: boolean;
  error: LedError | null;
}

/** Watches a promise without awaiting it (virtual time has to move for it to settle). */
export function track(p: Promise<unknown>): Outcome {
  const o: Outcome = { settled: false, error: null };
  p.then(
    () => {
      o.settled = true;
    },
    (err: LedError) => {
      o.settled = true;
      o.error = err;
    },
  );
  return o;
}
