import type { EventEmitter } from 'node:events';
import type { TransportError } from '../transport.ts';

/**
 * The one link supervisor's contract (LinkSupervisor implements it). A driver hands it a
 * ByteTransport (serial, TCP, file, HID, in-memory) and from then on only turns bytes into events
 * and commands into bytes: opening, backoff, reconnecting after a pulled cable, the link's status
 * and the transport's error events are the link's. Read this like serialport's
 * bindings-interface: each member's comment is its contract.
 *
 * Two modes:
 * - `persistent` (default): `start()` opens the transport and keeps it open. When an open fails or
 *   an open link is lost, the link is `down` and the next open is tried after
 *   backoffDelay(failures, backoff) (devices/backoff.ts: 250 ms doubling to 30 s by default), for
 *   ever, until it is up again or `stop()`. For devices that stay connected: ID-card readers,
 *   RS-485 buses, LED controllers, HID pads.
 * - `on-demand`: `start()` opens nothing (`idle`). `acquire()` opens the transport for one use and
 *   `release()` closes it again. Nothing is retried by the link: the caller decides when to try
 *   again (a print queue retries its job), still with the one backoff rule. For LAN printers,
 *   which serve one client at a time and drop idle connections.
 */
export interface DeviceLink extends EventEmitter<DeviceLinkEvents> {
  /** The transport's description: `serial:/dev/ttyUSB0`, `tcp://10.0.0.5:9100`, `hid:1a2b:3c4d`, `memory:a`. */
  readonly description: string;
  readonly mode: LinkMode;
  /** The current status (also emitted as `status` on every change). */
  readonly status: LinkStatus;
  /** `status.state === 'up'`: bytes can be written and `data` flows. */
  readonly isUp: boolean;
  /** Starts supervising. Never throws; every failure is a `status`. A second call does nothing. */
  start(): void;
  /**
   * Stops supervising: cancels the reopen timer, closes the transport (an open still in progress is
   * closed when it completes; stop() does not wait for it) and goes `stopped`. Resolves when closed.
   * A later start() begins afresh (failure count 0).
   */
  stop(): Promise<void>;
  /**
   * Writes bytes while the link is up; resolves when the transport has handed them to the OS.
   * Rejects with a TransportError: `disconnected` when the link is not up, `canceled` after stop().
   * A write that fails with `disconnected` takes the link down (as a loss) even when the transport
   * itself said nothing, as a file such as /dev/usb/lp0 does.
   */
  write(bytes: Buffer): Promise<void>;
  /**
   * on-demand: opens the transport now (a second caller while it is open shares it). Rejects with
   * the TransportError when it cannot be opened; the link is then `down` with `cause: 'open-failed'`.
   * persistent: resolves at once when up, rejects with `disconnected` otherwise (it never opens).
   */
  acquire(): Promise<void>;
  /** on-demand: closes the transport after a use; the link goes `idle`. persistent: does nothing. */
  release(): Promise<void>;
}

export type LinkMode = 'persistent' | 'on-demand';

/**
 * - `stopped`: not started, or stop() was called;
 * - `idle`: on-demand and not in use (closed on purpose);
 * - `connecting`: the transport is being opened;
 * - `up`: open; bytes flow;
 * - `down`: the last open failed or the link was lost (`cause`); persistent links retry at `retryAt`;
 * - `failed`: the transport is unavailable in this process (TransportError.unavailable): nothing is
 *   retried until the hub is restarted.
 */
export type LinkState = 'stopped' | 'idle' | 'connecting' | 'up' | 'down' | 'failed';

export interface LinkStatus {
  state: LinkState;
  /** Short English text for logs and device-status screens. */
  detail: string;
  /** scheduler.now() when this status was set. */
  at: number;
  /** Failed opens and losses in a row since the link was last up (what the backoff counts). */
  failures: number;
  /** `down` / `failed`: the link could not be opened, or it was up and went away. */
  cause?: 'open-failed' | 'lost';
  /** `down` / `failed`: the transport's error. */
  error?: TransportError;
  /** `down`, persistent: when the next open will be tried (scheduler time). */
  retryAt?: number;
}

/**
 * - `status` (LinkStatus): on every change of state, and on every failed open while down (each
 *   carries its own error), so drivers can report each attempt and keep their own status terse;
 * - `data` (chunk: Buffer): bytes from the device, only while up, split wherever the OS split them
 *   (an HID transport delivers one input report per chunk);
 * - `error` (TransportError): a transport error that did not take the link down (the loss itself
 *   arrives as `status`). A no-op listener is installed, so an unheard error never crashes the process.
 */
export interface DeviceLinkEvents {
  status: [status: LinkStatus];
  data: [chunk: Buffer];
  error: [err: TransportError];
}
