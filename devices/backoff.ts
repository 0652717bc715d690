export interface BackoffOptions {
  /** First delay after a failure. Default 250 ms. */
  initialMs?: number;
  /** Ceiling. Default 30 s. */
  maxMs?: number;
  /** Growth per consecutive failure. Default 2. */
  factor?: number;
}

/** Delay before retry number `attempt` (1 = first): initial·factor^(attempt−1), capped. Shared by every device driver; no jitter (one driver per device). */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const initial = opts.initialMs ?? 250;
  const max = opts.maxMs ?? 30_000;
  const factor = opts.factor ?? 2;
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(max, initial * factor ** (n - 1));
}
