import type { EventEmitter } from 'node:events';
import type { LedError } from './errors.ts';

/**
 * Where a text goes. For `simple-bar` it is the RS-485 bus address of one window bar (1–254; 0 is
 * the broadcast address: every bar obeys, none answers). For an Onbon BX controller it is the id of
 * one text area (dynamic area, 0–3) configured on that driver, e.g. the wall's "latest calls" line.
 */
export type LedAddress = number;

export interface LedShowOptions {
  /** `static` (default): the text stands still. `scroll`: it runs right to left, for text wider than the display. */
  effect?: 'static' | 'scroll';
  /** Colour on two- and three-colour displays (Onbon `\C1`/`\C2`/`\C3`). Single-colour simple bars ignore it. */
  color?: 'red' | 'green' | 'yellow';
}

/**
 * One address as the driver last saw it:
 * - `unknown`: nothing sent to it yet (or only broadcasts, which nobody answers);
 * - `ok`: its last command was acknowledged;
 * - `no-reply`: its last command got no answer through all retries (bar unplugged, wrong address, cut cable);
 * - `rejected`: it kept answering NAK (it hears us but rejects the frame: noise, or a command it lacks);
 * - `disconnected`: the link itself (serial adapter, TCP connection) is down.
 */
export type LedState = 'unknown' | 'ok' | 'no-reply' | 'rejected' | 'disconnected';

export interface LedStatus {
  address: LedAddress;
  state: LedState;
  /** Short English text for logs and the device-status screen. */
  detail: string;
  /** scheduler.now() when the state was entered. */
  at: number;
  /** The failure behind a bad state; absent for `ok` and `unknown`. */
  error?: LedError;
}

/** `connecting` (first open, or a reopen in progress), `up`, `down` (waiting to reopen with backoff), `stopped`. */
export type LedLinkState = 'connecting' | 'up' | 'down' | 'stopped';

export interface LedLinkStatus {
  state: LedLinkState;
  detail: string;
  at: number;
  error?: LedError;
}

/**
 * - `status` when one address changes state (see LedState);
 * - `link` when the transport goes up or down;
 * - `error` for every command that failed after its retries (refreshes included). A no-op listener
 *   is installed, so an unheard error never crashes the process.
 */
export interface LedDriverEvents {
  status: [status: LedStatus];
  link: [status: LedLinkStatus];
  error: [err: LedError];
}

/**
 * One interface for every LED kind: window bars on an RS-485 bus (`simple-bar`) and text areas of
 * an Onbon BX controller (the hall wall), over serial or TCP. The spec of each wire protocol is in
 * README.md.
 *
 * Semantics shared by all implementations:
 * - One command is on the wire at a time (RS-485 is half duplex; Onbon controllers take one
 *   request at a time). Commands run in call order.
 * - A command resolves when the display acknowledged it (a broadcast: when it was written), and
 *   rejects with a LedError after its retries: `HQ_ERR_LED_NO_REPLY`, `…_REJECTED`,
 *   `…_DISCONNECTED`; input errors (`…_BAD_ADDRESS`, `…_TEXT_TOO_LONG`, `…_BAD_ARGUMENT`) reject
 *   before anything is sent.
 * - The driver remembers the latest show/clear per address (the *desired* content). A show or
 *   clear still waiting in the queue is replaced by a newer one for the same address; the older
 *   call's promise then settles with the newer one ("this text or a newer one is up").
 * - The desired content is sent again when the link comes back, when an address answers again
 *   after failing, and every `refreshIntervalMs` for static text (a bar that lost power comes back
 *   blank); scrolling text is not re-sent (that would restart the scroll), its address is pinged.
 * - Nothing is thrown at the caller for device trouble after `start()` except through the
 *   returned promises and the events; the hub can fire and forget with `.catch(log)`.
 * - Commands given while the link is down reject with `HQ_ERR_LED_DISCONNECTED` but still update
 *   the desired content, which goes out when the link is back. Before `start()` and after
 *   `stop()` they reject with `HQ_ERR_LED_STOPPED` (the desired content is kept for the next start).
 */
export interface LedDriver extends EventEmitter<LedDriverEvents> {
  /** Opens the transport (reopening with backoff when it fails or drops). Never throws. */
  start(): void;
  /** Rejects queued commands with `HQ_ERR_LED_STOPPED`, cancels timers, closes the transport. */
  stop(): Promise<void>;
  /** Shows `text` (GB2312/GB18030-encodable; `\n` breaks a line on two-line bars). */
  show(address: LedAddress, text: string, opts?: LedShowOptions): Promise<void>;
  /** Blanks the address. */
  clear(address: LedAddress): Promise<void>;
  /** 0 (dimmest, still lit) … 15 (brightest). Rejects with `HQ_ERR_LED_UNSUPPORTED` where the protocol has none. */
  brightness(address: LedAddress, level: number): Promise<void>;
  /** Asks whether the address answers; resolves when it does. Updates `status` like any command. */
  ping(address: LedAddress): Promise<void>;
  /** The last status of an address (`unknown` when never used). */
  statusOf(address: LedAddress): LedStatus;
  /** What the driver wants shown at `address` (what the hub last asked for), or null. */
  desiredOf(address: LedAddress): { text: string; opts: LedShowOptions } | null;
  readonly link: LedLinkStatus;
  /** `simple-bar` or `onbon-bx`, for logs and device.status. */
  readonly protocol: string;
  /** The transport's description (`serial:/dev/ttyUSB1`, `tcp://10.0.0.9:5005`). */
  readonly description: string;
}
