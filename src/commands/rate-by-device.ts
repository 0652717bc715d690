import type { HallCommand } from '../domain/commands.ts';
import type { RatingChannel } from '../domain/ratings.ts';
import { newFollowupId, newRatingId } from '../ids.ts';

/**
 * A rating from a pad that knows only its window (an RS-485 evaluator, a USB HID pad). The pad is the
 * actor, bound to its window; `decide` finds the window's pending request, as for a tablet's tap.
 * `givenAt`: when the key was pressed, for a score that reaches the hub later (from an agent).
 */
export function rateByDevice(level: number, channel: RatingChannel, givenAt?: number): HallCommand {
  return { type: 'RateService', data: { ratingId: newRatingId(), followupId: newFollowupId(), level, channel, ...(givenAt !== undefined ? { givenAt } : {}) } };
}
