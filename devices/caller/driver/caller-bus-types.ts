import type { BackoffOptions } from '../../backoff.ts';
import type { Scheduler } from '../../scheduler.ts';
import type { TransportError } from '../../transport.ts';
import type { CallerCombo, CallerKey, CallerProtocol, RatingLevel } from '../codec/protocol.ts';
import type { RatingOrders } from '../codec/rating-orders.ts';
import type { CallerBusError } from './errors.ts';

// The caller bus's events and options (driver/caller-bus.ts is the bus itself).

/** A key pressed on a keypad; a resent frame never makes a second one. */
export interface CallerKeyEvent {
  /** The keypad's bus address (config maps it to a window). */
  address: number;
  key: CallerKey;
  /**
   * Digits typed before this key: digit frames since the last key plus digits inside this frame
   * (`3` then 转移 → `'3'`). For `digit`, the entry so far, this digit included. `''` when none.
   */
  digits: string;
  /** Set when key + digits form a combo of the protocol table (6+确认 → `noShow`). */
  combo?: CallerCombo;
  /** The key's code on the wire. */
  code: number;
  /** scheduler.now() when the frame arrived. */
  at: number;
  /** The frame as hex (`68 … 16`), for logs. */
  frame: string;
}

/** An evaluator on the bus was pressed (FUNC 0x11). Issue #5 wires it; the bus already ACKs and decodes it. */
export interface CallerRatingEvent {
  address: number;
  level: RatingLevel;
  /** 非常满意 … 非常不满意. */
  label: string;
  /** The score index on the wire (DATA[0]). */
  index: number;
  at: number;
  frame: string;
}

/** A frame the protocol table does not know: learn mode for an installer mapping a new model. */
export interface CallerUnknownEvent {
  address: number;
  func: number;
  data: Buffer;
  why: string;
  at: number;
  frame: string;
}

/**
 * - `up`: the port is open; keys are read and commands sent;
 * - `down`: the port is closed or cannot be opened; reopening with backoff.
 * RS-485 keypads speak only when pressed, so a silent keypad is not a fault (see `lastSeen`).
 */
export type CallerBusState = 'up' | 'down';

export interface CallerBusStatus {
  state: CallerBusState;
  detail: string;
  error?: CallerBusError | TransportError;
}

export type CallerBusFailure = CallerBusError | TransportError;

/**
 * - `key`: one per press (ACKed at once, resends dropped);
 * - `rating`: one per evaluator press;
 * - `unknown`: a good frame the table does not map (also ACKed);
 * - `status`: when the bus goes up or down;
 * - `error`: bad frames, write failures, link losses, a throwing listener. A no-op listener is
 *   installed, so an unheard error never crashes the process.
 */
export interface CallerBusEvents {
  key: [event: CallerKeyEvent];
  rating: [event: CallerRatingEvent];
  unknown: [event: CallerUnknownEvent];
  status: [status: CallerBusStatus];
  error: [err: CallerBusFailure];
}

export interface CallerBusOptions {
  /** Clock and timers. Default: the real ones. */
  scheduler?: Scheduler;
  /** Overrides of the protocol table (codec/protocol.ts), e.g. an installer's key codes. */
  protocol?: Partial<CallerProtocol>;
  /**
   * Evaluators whose keys run the other way, by address: `{ 3: 'worst-first' }` (index 0 = 1
   * 非常不满意). Others run in DEFAULT_RATING_ORDER (best-first), the order `ratingLevels` is written in.
   */
  ratingOrders?: RatingOrders;
  /** A frame seen again within this time of its last sighting is a resend, not a press. Default 1000 ms. */
  resendWindowMs?: number;
  /**
   * A frame we sent that comes back within this time is our own echo (RS-485 adapters that hear
   * their own transmitter) and is ignored. Default 100 ms; 0 turns it off.
   */
  ownEchoWindowMs?: number;
  /** Quiet time after each frame we send (RS-485 turnaround). Default 10 ms. */
  interFrameGapMs?: number;
  /** Digits typed and not followed by a key are forgotten after this. Default 10 s. */
  digitEntryTimeoutMs?: number;
  /** Longest digit entry kept (older digits drop off). Default 6. */
  maxDigits?: number;
  /** Re-send every address's last LCD content this often, for keypads that rebooted. Default 0: never. */
  lcdRefreshMs?: number;
  /**
   * Beep pattern sent by `showLcd` when an address's waiting count goes from 0 to more ("be
   * ready"). Default null: the hub calls `beep` itself.
   */
  beepOnQueueFilled?: string | null;
  /** Largest L the decoder takes. Default 32. */
  maxFrameLength?: number;
  /** Reopen backoff. Default 250 ms doubling to 30 s. */
  backoff?: BackoffOptions;
}

export interface CallerBusStats {
  framesIn: number;
  framesOut: number;
  badFrames: number;
  /** Frames dropped as a keypad's resend (their ACK was sent again). */
  resends: number;
  ownEchoes: number;
  unknown: number;
}
