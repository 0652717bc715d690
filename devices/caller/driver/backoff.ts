export interface BackoffOptions {
  /** First delay after a failure. Default 250 ms. */
  initialMs?: number;
  /** Ceiling. Default 30 s. */
  maxMs?: number;
  /** Growth per consecutive failure. Default 2. */
  factor?: number;
}

/** Delay before reopen number `attempt` (1 = first): initial·factor^(attempt−1), capped. Same rule as the ID-card reader's. */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const initial = opts.initialMs ?? 250;
  const max = opts.maxMs ?? 30_000;
  const factor = opts.factor ?? 2;
  return Math.min(max, initial * factor ** (Math.max(1, Math.floor(attempt)) - 1));
}
