import type { HallConfig } from '../config/schema.ts';
import type { Actor } from './commands.ts';

/** What `decide` knows besides the state and the command: the hall, the time, who asks, the log position. */
export interface DecideContext {
  config: HallConfig;
  at: number;
  actor: Actor;
  /**
   * The log position the command's first event will take. Arrival order is the log's order, not the
   * clock's: a wall clock set back 15 minutes must not put A002 before A001.
   */
  seq: number;
}
