import type { CommandHandler } from './store/handle-command.ts';

const SYSTEM = { kind: 'system', id: 'rating-timeout' } as const;

/**
 * Records as `unrated` every requested rating whose pad timeout has passed (no level is ever
 * defaulted). Returns how many it closed.
 */
export function expireRatings(handler: CommandHandler): number {
  const due = handler.readNow((state, now) => {
    const ids: string[] = [];
    for (const r of state.ratings.values()) if (r.status === 'requested' && r.expiresAt <= now) ids.push(r.serviceId);
    return ids;
  });
  let n = 0;
  for (const serviceId of due) n += handler.run({ type: 'ExpireRating', data: { serviceId } }, SYSTEM).events.length;
  return n;
}

export function startRatingTimeouts(handler: CommandHandler, onError: (err: unknown) => void, everyMs = 1000): () => void {
  const timer = setInterval(() => {
    try {
      expireRatings(handler);
    } catch (err) {
      onError(err);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
