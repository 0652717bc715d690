import { closeDueDays } from './day-closer.ts';
import { expireRatings } from './rating-timeouts.ts';
import type { CommandHandler } from './store/handle-command.ts';

/**
 * The hub's own timed work at the handler's clock: close business days that are over, record unrated
 * services. The live hub runs each on its own timer (with the clock guard in front of the day close);
 * the simulator calls this on its virtual clock, so history is made by the same jobs as the hall.
 */
export function runDueJobs(handler: CommandHandler): void {
  expireRatings(handler);
  closeDueDays(handler);
}
