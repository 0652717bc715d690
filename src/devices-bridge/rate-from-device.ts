import type { Actor } from '../domain/commands.ts';
import { newFollowupId, newRatingId } from '../ids.ts';
import { HallqError } from '../domain/errors.ts';
import type { RatingChannel } from '../domain/ratings.ts';
import type { CommandHandler, Reply } from '../store/handle-command.ts';

/**
 * A rating from a pad that knows only its window (an RS-485 evaluator, a USB HID pad): it rates the
 * window's latest pending request, through the same command as the tablet's tap.
 */
export async function rateFromDevice(handler: CommandHandler, windowId: number, level: number, channel: RatingChannel, actor: Actor): Promise<void> {
  const now = handler.clock.now();
  const pending = [...handler.state.ratings.values()]
    .filter((r) => r.windowId === windowId && r.status === 'requested' && r.expiresAt > now)
    .sort((a, b) => b.requestedAt - a.requestedAt)[0];
  if (!pending) throw new HallqError('HQ_ERR_RATING_NOT_REQUESTED', { windowId });
  await handler.submit(
    {
      type: 'RateService',
      data: { ratingId: newRatingId(), followupId: newFollowupId(), serviceId: pending.serviceId, level, channel, padWindowId: windowId },
    },
    actor,
    (): Reply => ({ status: 201, body: null }),
  );
}
