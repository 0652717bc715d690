import type { EventOf, EventType } from '../domain/events.ts';
import type { HallView, IssueState } from '../read-model/hall-view.ts';
import type { PadData, PadEventType, PublicData, PublicEventType, StaffData } from './disclosure.ts';

/**
 * The socket.io contract (DESIGN §4), shared by the hub, the kiosk and the displays. This file is
 * the wire: the server is `Server<ClientToServerEvents, ServerToClientEvents>` and both UIs use the
 * typed client of `client.ts`.
 *
 * Handshake `auth: {token?, rooms?, lastSeq?, hubId?}`. Without a token a client joins only `hall`.
 * With `lastSeq` and the `hubId` it last saw it gets what it missed as `replay` messages (in order),
 * then `resumed`; otherwise, or when the gap is too long for its rooms, a `snapshot`. `hubId` names
 * the event log, so a restart keeps it and a restored backup or a new data dir changes it. Until
 * `snapshot` or `resumed` arrives, a client holds live envelopes back and applies them after.
 */
export interface Handshake {
  token?: string;
  rooms?: string[];
  lastSeq?: number;
  hubId?: string;
}

/** Every logged event reaches a client as `{seq, at, type, data}` under the event name `type`. */
export interface Envelope<T extends string = string, D = unknown> {
  seq: number;
  at: number;
  type: T;
  data: D;
}

/**
 * The data of a logged event as one client may receive it: whole in the manager room, without
 * personal fields in a clerk's room, and the public or pad form on screens and pads. Code that
 * reads only the public fields works for every audience.
 */
export type EventData<T extends EventType> =
  | EventOf<T>['data']
  | StaffData<T>
  | (T extends PublicEventType ? PublicData<T> : never)
  | (T extends PadEventType ? PadData<T> : never);

/** What a public screen can rely on for an event type it receives. */
export type ScreenData<T extends PublicEventType> = PublicData<T>;

export type AnyEnvelope = { [T in EventType]: Envelope<T, EventData<T>> }[EventType];

export interface Snapshot {
  seq: number;
  hubId: string;
  rooms: string[];
  state: HallView;
}

/** Missed envelopes, oldest first. `events` is a JSON array of envelopes (serialised once per event on the hub). */
export interface Replay {
  hubId: string;
  fromSeq: number;
  toSeq: number;
  /**
   * The envelopes as a JSON array, in UTF-8 bytes: binary, so socket.io sends them as they are
   * instead of escaping a large string inside its own JSON (Buffer in Node, ArrayBuffer in a browser).
   * `replayEvents` reads either.
   */
  events: Uint8Array | ArrayBuffer;
}

/** The envelopes of a `replay` message. */
export function replayEvents(r: Pick<Replay, 'events'>): AnyEnvelope[] {
  return JSON.parse(new TextDecoder().decode(r.events)) as AnyEnvelope[];
}

export interface Resumed {
  hubId: string;
  fromSeq: number;
  seq: number;
  replayed: number;
  /** The hub's clock when the resume ended (how old a missed call is). */
  now: number;
}

/** Derived, not logged: the waiting counts after a change, with the `seq` of the state they came from. */
export interface QueueCounts {
  seq: number;
  at: number;
  type: 'queue.counts';
  data: {
    categories: {
      id: string;
      waiting: number;
      estimatedWaitMin: number;
      /** The tile state a tap would meet (see `CategoryView.issue`). Older hubs: absent. */
      issue?: IssueState;
      openWindows?: number;
      quotaLeft?: number | null;
      /** See `CategoryView.longestWaitingSince`. Older hubs: absent. */
      longestWaitingSince?: number | null;
    }[];
  };
}

/** One device's health, for the manager room and the kiosk it belongs to. `state` is the driver's word. */
export interface DeviceStatus {
  device: string;
  kind: 'idcard' | 'printer' | 'led' | 'caller' | 'pad' | 'sms';
  kioskId?: string;
  state: string;
  detail: string;
  at: number;
}

/**
 * One device on the health board (issue #14 §2): what it is, where, who hosts it, how it is, and
 * today's counts. Sent to the `manager` and `guide` rooms on every change.
 */
export interface DeviceHealth {
  id: string;
  kind: DeviceStatus['kind'];
  /** Its transport address (`tcp://…`, `serial:/dev/ttyUSB0`, `sim`). */
  address: string;
  /** `hub`, or the name of the agent that hosts it. */
  host: string;
  kioskId?: string;
  health: 'ok' | 'degraded' | 'down';
  /** The driver's own word (`paper-out`, `no-sam`, `down`) and detail. */
  state: string;
  detail: string;
  printer: { paper: 'ok' | 'low' | 'out'; coverOpen: boolean } | null;
  /** When the hub last heard from it working; null: not yet. */
  lastSeen: number | null;
  lastError: { message: string; at: number } | null;
  /** Down since (null when not down). */
  downSince: number | null;
  /** Raised once down for `devices.downAlarmMin`; stays until cleared, even after it recovers. */
  alarm: { raisedAt: number; downSince: number; recovered: boolean } | null;
  /** What the guide desk should go and fix (paper, cover, reader), in both languages; null: nothing. */
  guideAlert: { zh: string; en: string } | null;
  today: { date: string; prints: number; printFailures: number; cardReads: number; faults: number };
  at: number;
}

/**
 * What the hub asks of a device on a bus, the same whether the device runs in the hub or on an agent:
 * a window's LED bar text, a keypad's LCD and beeper, an RS-485 evaluator's request for a score.
 */
export type DeviceCommand =
  | { kind: 'led.show'; address: number; text: string }
  | { kind: 'keypad.lcd'; address: number; waiting: number | null; current: string | null }
  /** `until` (hub time): a beep or a request not delivered by then is not worth delivering (an agent back after an outage). */
  | { kind: 'keypad.beep'; address: number; pattern: 'ready' | 'urgent'; until?: number }
  | { kind: 'pad.request'; address: number; until?: number };

/**
 * What a device tells the hub, the same from the hub's own hosts and from an agent: a keypad's key
 * (with the digits typed before it) or a score given on a pad (`address` 0 for a USB pad, which knows
 * only its window).
 */
export type DeviceInput = { kind: 'key'; address: number; key: string; digits: string; combo?: string | undefined } | { kind: 'rating'; address: number; level: number };

/**
 * A command to a device on an agent (room `agent:<id>`), sent when made and again at every reconnect
 * until the agent reports how it ended; the agent runs each `id` at most once.
 */
export type AgentCommandMessage = AgentPrintCommand | AgentDeviceCommand;

export interface AgentPrintCommand {
  id: string;
  seq: number;
  device: string;
  kind: 'print';
  /** ESC/POS bytes, base64. */
  bytes: string;
  ticketId: string;
  number: string;
  at: number;
}

export interface AgentDeviceCommand {
  id: string;
  seq: number;
  device: string;
  kind: 'device';
  command: DeviceCommand;
  at: number;
}

/** A ticket its agent could not print, or is not sure it printed: for the guide desk to reprint (rooms `guide`, `manager`). */
export interface PrintAttentionMessage {
  commandId: string;
  ticketId: string;
  number: string;
  kioskId: string;
  outcome: 'failed' | 'uncertain';
  at: number;
  /** Set once the guide desk has reprinted it. */
  handled: boolean;
}

/** A card was read at a kiosk: a short-lived token and the masked holder, never the number. */
export interface CardReadMessage {
  cardToken: string;
  expiresAt: number;
  holder: { idMasked: string; nameMasked: string; birthYear: number };
}

export interface RefusalMessage {
  code: string;
  message: string;
  zh: string;
  en: string;
}

export interface PrintJobMessage {
  jobId: string;
  ticketId: string;
  number: string;
  state: 'printing' | 'printed' | 'failed' | 'unavailable';
  event: string;
  attempt: number;
  error: string | null;
}

export interface KeypadRefusedMessage {
  windowId: number;
  address: number;
  code: string;
  message: string;
}

/** One voice announcement for the wall to play (src/announcer). */
export interface AnnouncementMessage {
  id: string;
  callId: string;
  number: string;
  windowId: number;
  recall: boolean;
  audioUrl: string | null;
  speech: string;
  caption: string;
  lang: 'zh-CN';
  repeat: number;
  gapMs: number;
  durationMs: number;
  totalMs: number;
  startAt: number;
  endsAt: number;
  /** The area whose speakers play it: a wall plays its own zone (`wall.html?zone=`). */
  zone: string;
}

export interface UpstreamStatusMessage {
  state: string;
  backlog: number;
  deadLetters: number;
  oldestAgeMs: number | null;
  lastError: { ratingId: string | null; message: string; at: number | null } | null;
  lastDeliveredAt: number | null;
}

/** A refused 好差评 record sent again by a manager (it and the follow-up results parked with it). */
export interface UpstreamResentMessage {
  seq: number;
  requeued: number;
  by: string;
}

/** A day's delivered records compared with what the platform reports (the wire owns its types). */
export interface UpstreamReconciledMessage {
  businessDate: string;
  checkedAt: number;
  delivered: number;
  received: number | null;
  missing: string[];
  extra: string[];
  error: string | null;
}

/** The SMS outbox and its channel, for the manager's view (issue #15 §2). */
export interface SmsStatusMessage {
  channel: 'ok' | 'degraded' | 'down' | 'none';
  channelError: string | null;
  pending: number;
  /** Pending texts that have failed at least once. */
  retrying: number;
  oldestPendingAt: number | null;
  sentToday: number;
  expiredToday: number;
  lastError: string | null;
}

/** Said before the hub closes a socket on purpose (logout, expired session): do not reconnect. */
export interface SessionEndedMessage {
  reason: 'logout' | 'expired';
}

/** Messages that are not logged events: derived counts and device traffic. */
export interface SideMessages {
  'queue.counts': QueueCounts;
  'device.status': DeviceStatus;
  'device.health': DeviceHealth;
  'agent.command': AgentCommandMessage;
  'print.attention': PrintAttentionMessage;
  'card.read': CardReadMessage;
  'card.refused': RefusalMessage;
  'print.job': PrintJobMessage;
  'keypad.refused': KeypadRefusedMessage;
  announcement: AnnouncementMessage;
  'upstream.status': UpstreamStatusMessage;
  'upstream.resent': UpstreamResentMessage;
  'upstream.reconciled': UpstreamReconciledMessage;
  'sms.status': SmsStatusMessage;
  'session.ended': SessionEndedMessage;
}
export type SideMessageType = keyof SideMessages;

type LoggedListeners = { [T in EventType]: (envelope: Envelope<T, EventData<T>>) => void };
type SideListeners = { [K in SideMessageType]: (message: SideMessages[K]) => void };

export interface ServerToClientEvents extends LoggedListeners, SideListeners {
  snapshot: (s: Snapshot) => void;
  replay: (r: Replay) => void;
  resumed: (r: Resumed) => void;
}

/** Clients only listen; everything they do goes through the HTTP API. */
export type ClientToServerEvents = Record<string, never>;

/** Past this many missed events a client gets a snapshot instead of a replay. */
export const MAX_REPLAY = 5_000;
/**
 * Public screens replay at most this many: a wall that was away longer takes a snapshot, and
 * catches up on the calls still waiting at a window (see `callsToCatchUp`), so it misses no call
 * that still matters while an anonymous client cannot make the hub read thousands of events.
 */
export const PUBLIC_MAX_REPLAY = 300;
/** Events in one `replay` message. */
export const REPLAY_CHUNK = 1_000;

/** Side messages that are not in the log and carry no seq of their own. */
export const SIDE_MESSAGES: ReadonlySet<string> = new Set<SideMessageType>([
  'queue.counts',
  'device.status',
  'device.health',
  'agent.command',
  'print.attention',
  'card.read',
  'card.refused',
  'print.job',
  'keypad.refused',
  'announcement',
  'upstream.status',
  'sms.status',
  'session.ended',
]);
