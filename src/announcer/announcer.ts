import { EventEmitter } from 'node:events';
import { systemScheduler, type Scheduler } from '../../devices/scheduler.ts';
import type { ClipSource } from './clip-store.ts';
import { announcerPlanRules, resolveAnnouncerConfig, type AnnouncerConfig, type AnnouncerConfigInput } from './config.ts';
import { planAnnouncement, type PlanRules } from './reading.ts';
import { planDurationMs, renderPlan, type RenderTiming } from './render.ts';
import type { ClipId, PromptClipId } from './vocabulary.ts';

/** A call to announce, as the hub has it from `ticket.called`. */
export interface AnnounceInput {
  /** Unique per call and per recall; an id seen before is not announced again. */
  callId: string;
  /** The ticket number, `A012`. */
  number: string;
  windowId: number;
  /** A recall reads the recall template. */
  recall?: boolean;
}

/** An announcement left out: a recall made stale by a newer call at its window, or over the bound. */
export interface Dropped {
  callId: string;
  windowId: number;
  reason: 'stale' | 'over-bound';
}

/**
 * One announcement, as the hub broadcasts it to the wall page. The wall plays `audioUrl` `repeat`
 * times with `gapMs` of silence between plays; if the audio fails (or `audioUrl` is null, when the
 * hub has no clips), it speaks `speech` with Web Speech (`lang`) the same way. A wall that
 * reconnects should skip announcements whose `endsAt` has passed, and never play a `callId` twice.
 */
export interface Announcement {
  /** The id in `audioUrl` and for `wavFor`: the call id. */
  id: string;
  callId: string;
  number: string;
  windowId: number;
  recall: boolean;
  /** The clip ids played, in order: `['chime', 'qing', 'A', 'ling', 'yi', 'er', 'hao', 'dao', …]`. */
  plan: ClipId[];
  /** Where the wall fetches the WAV of one play; null when there is no audio (speech only). */
  audioUrl: string | null;
  /** The Web Speech fallback, digits spelt as read: 「请A零一二号到十二号窗口办理」. */
  speech: string;
  /** The sentence as written, for a caption: 「请A012号到12号窗口办理」. */
  caption: string;
  lang: 'zh-CN';
  repeat: number;
  gapMs: number;
  /** One play, whole ms, rounded up. Estimated from the text when there is no audio. */
  durationMs: number;
  /** All plays and the gaps between them: repeat × durationMs + (repeat − 1) × gapMs. */
  totalMs: number;
  /** Scheduler time of `announce()`. */
  queuedAt: number;
  /** When it starts: in `queued`, the plan (later if the hub is late); in `announcement`, when it did. */
  startAt: number;
  /** startAt + totalMs: the next announcement starts `betweenMs` after this. */
  endsAt: number;
  /** The area whose speakers play it (config `announcer.zones`); `hall` when there is one. */
  zone: string;
}

export type AnnounceResult = { status: 'queued'; announcement: Announcement } | { status: 'duplicate'; callId: string };

export interface AnnouncerEvents {
  /** Accepted, with its planned start. */
  queued: [Announcement];
  /** Its turn has come: broadcast this to the wall now. */
  announcement: [Announcement];
  /** Something went wrong but the announcement still goes out (as speech only). */
  warning: [{ callId: string; message: string }];
  /** A recall that will not be played after all. */
  dropped: [Dropped];
}

export interface AnnouncerOptions {
  /** Loaded clips (ClipStore after `load()`), or null for speech-only announcements. */
  clips: ClipSource | null;
  scheduler?: Scheduler;
  config?: AnnouncerConfigInput;
  /** Where the hub serves `wavFor(id)`. Default `/api/v1/announcements/<id>.wav`. */
  audioUrl?: (id: string) => string;
  /** Announcements remembered for `get`, `wavFor` and `recent`. Default 500. */
  keep?: number;
  /** Rendered WAVs kept in memory (a WAV is about 200 KB). Default 32; older ones are rendered again on request. */
  keepWavs?: number;
  /** Call ids remembered for dedupe. Default 20000, more than a hall calls in a day. */
  keepCallIds?: number;
  /** The zone this queue speaks for (stamped on its announcements). Default `hall`. */
  zone?: string;
}

/** A rough Web Speech duration for speech-only announcements: 4 characters a second, 0.3 s a comma. */
export function estimateSpeechMs(speech: string): number {
  const pauses = (speech.match(/[，,、。；;：:！!]/g) ?? []).length;
  return Math.max(1, [...speech].length - pauses) * 250 + pauses * 300;
}

const defaultAudioUrl = (id: string) => `/api/v1/announcements/${encodeURIComponent(id)}.wav`;

/**
 * The hall-wide announcement queue. `announce()` plans the call, renders its WAV (synchronously,
 * from clips in memory) and queues it; each announcement starts when the one before has played
 * all its repeats and `betweenMs` has passed, or after `leadMs` when the queue is idle. Order is
 * the order of `announce()` calls; a call id is announced once. Time comes only from the scheduler.
 */
export class Announcer extends EventEmitter<AnnouncerEvents> {
  readonly config: AnnouncerConfig;
  readonly #rules: PlanRules;
  /** The rules at a peak (see `busyChime`). */
  readonly #busyRules: PlanRules;
  readonly #timing: RenderTiming;
  readonly #clips: ClipSource | null;
  readonly #clock: Scheduler;
  readonly #audioUrl: (id: string) => string;
  readonly #keep: number;
  readonly #keepWavs: number;
  readonly #keepCallIds: number;
  /** Every remembered announcement by id, oldest first (Map keeps insertion order). */
  readonly #byId = new Map<string, Announcement>();
  readonly #wavs = new Map<string, Buffer>();
  readonly #seen = new Set<string>();
  readonly #prompts = new Map<PromptClipId, Buffer>();
  #pending: Announcement[] = [];
  #last: Announcement | null = null;
  /** When the announcement playing now (or the last one) ends. */
  #playingEndsAt = -Infinity;
  #armedFor: { a: Announcement; at: number } | null = null;
  readonly #zone: string;
  #cancelTimer: (() => void) | null = null;
  #closed = false;

  constructor(opts: AnnouncerOptions) {
    super();
    this.config = resolveAnnouncerConfig(opts.config);
    this.#rules = announcerPlanRules(this.config);
    this.#busyRules = announcerPlanRules(this.config, true);
    this.#timing = { clipGapMs: this.config.clipGapMs, afterChimeMs: this.config.afterChimeMs, pauseMs: this.config.pauseMs };
    this.#clips = opts.clips;
    this.#clock = opts.scheduler ?? systemScheduler;
    this.#audioUrl = opts.audioUrl ?? defaultAudioUrl;
    this.#keep = opts.keep ?? 500;
    this.#keepWavs = opts.keepWavs ?? 32;
    this.#keepCallIds = opts.keepCallIds ?? 20_000;
    this.#zone = opts.zone ?? 'hall';
  }

  /**
   * Queues a call. Throws HQ_ERR_VOICE_NUMBER for a number or window the rules cannot read.
   *
   * Keeping up with a peak: a newer call at a window makes that window's waiting recall stale (it is
   * dropped) and cuts its waiting first call to one play; with `busyAt` waiting, a new announcement
   * plays once with `busyBetweenMs` before it; past `maxPending` the oldest waiting recall goes. A
   * first announcement is never dropped, so the queue is bounded by the calls themselves.
   */
  announce(input: AnnounceInput): AnnounceResult {
    if (this.#closed) throw new Error('announcer is closed');
    if (this.#seen.has(input.callId)) return { status: 'duplicate', callId: input.callId };
    const { busyAt, maxPending } = this.config;
    for (const p of [...this.#pending]) {
      if (p.windowId !== input.windowId) continue;
      if (p.recall) this.#drop(p, 'stale');
      else p.repeat = 1;
    }
    const busy = this.#pending.length >= busyAt;
    while (this.#pending.length >= maxPending) {
      const oldestRecall = this.#pending.find((p) => p.recall);
      if (!oldestRecall) break;
      this.#drop(oldestRecall, 'over-bound');
    }
    const a = this.#build(input, () => this.#clock.now(), true, busy);
    if (busy) a.repeat = 1;
    this.#remember(a);
    this.#pending.push(a);
    this.#reschedule();
    this.emit('queued', { ...a, plan: [...a.plan] });
    return { status: 'queued', announcement: { ...a, plan: [...a.plan] } };
  }

  #drop(a: Announcement, reason: Dropped['reason']): void {
    this.#pending = this.#pending.filter((p) => p !== a);
    this.emit('dropped', { callId: a.callId, windowId: a.windowId, reason });
  }

  /** Lays the waiting announcements end to end after the one playing, and re-arms the timer. */
  #reschedule(): void {
    const { leadMs, betweenMs, busyBetweenMs, busyAt, gapMs } = this.config;
    let prevEnd = this.#playingEndsAt;
    const busy = this.#pending.length >= busyAt;
    for (const p of this.#pending) {
      p.totalMs = p.repeat * p.durationMs + (p.repeat - 1) * gapMs;
      p.startAt = Math.max(p.queuedAt + leadMs, prevEnd + (busy ? busyBetweenMs : betweenMs));
      p.endsAt = p.startAt + p.totalMs;
      prevEnd = p.endsAt;
    }
    this.#last = this.#pending.at(-1) ?? null;
    // Re-arm only when the head or its start changed: a timer already running late stays the one to fire.
    const head = this.#pending[0];
    if (this.#cancelTimer && head && this.#armedFor?.a === head && this.#armedFor.at === head.startAt) return;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#arm();
  }

  /**
   * The announcement of a call a wall missed (it was away when its turn came, or the hub restarted
   * since): built the same way, remembered for `wavFor`, but not queued and not marked as announced
   * here. The wall plays it once; its own record of played call ids keeps it to once.
   */
  describe(input: AnnounceInput): Announcement {
    const known = this.#byId.get(input.callId);
    if (known) return { ...known, plan: [...known.plan] };
    const a = this.#build(input, () => this.#clock.now(), false);
    this.#byId.set(a.id, a);
    this.#trim();
    return { ...a, plan: [...a.plan] };
  }

  /** Plans and renders one announcement starting at `startAt(totalMs)`. */
  #build(input: AnnounceInput, startAt: () => number, warn: boolean, busy = false): Announcement {
    const recall = input.recall ?? false;
    const plan = planAnnouncement({ number: input.number, windowId: input.windowId, recall }, busy ? this.#busyRules : this.#rules);
    const id = input.callId;
    let audioUrl: string | null = null;
    let oneMs = estimateSpeechMs(plan.speech);
    if (this.#clips) {
      try {
        // The WAV itself is rendered when first asked for (wavFor).
        oneMs = planDurationMs(plan.clips, this.#clips, this.#timing);
        audioUrl = this.#audioUrl(id);
      } catch (err) {
        if (warn) this.emit('warning', { callId: id, message: `no audio, speech only: ${(err as Error).message}` });
      }
    }
    const { repeat, gapMs } = this.config;
    const durationMs = Math.ceil(oneMs);
    const totalMs = repeat * durationMs + (repeat - 1) * gapMs;
    const start = startAt();
    return {
      id,
      callId: input.callId,
      number: input.number,
      windowId: input.windowId,
      recall,
      plan: plan.clips,
      audioUrl,
      speech: plan.speech,
      caption: plan.caption,
      lang: 'zh-CN',
      repeat,
      gapMs,
      durationMs,
      totalMs,
      queuedAt: this.#clock.now(),
      startAt: start,
      endsAt: start + totalMs,
      zone: this.#zone,
    };
  }

  /**
   * The WAV of one kiosk prompt (请刷身份证 …): the clip alone, recorded or generated, or null when
   * the hub has no audio (the kiosk then speaks the prompt's text with Web Speech).
   */
  promptWav(id: PromptClipId): Buffer | null {
    if (!this.#clips || !this.#clips.has(id)) return null;
    let wav = this.#prompts.get(id);
    if (!wav) this.#prompts.set(id, (wav = renderPlan([id], this.#clips, this.#timing).wav));
    return wav;
  }

  /** The WAV of one play of announcement `id`, or null if unknown (forgotten, or speech only). */
  wavFor(id: string): Buffer | null {
    const cached = this.#wavs.get(id);
    if (cached) {
      this.#keepWav(id, cached); // most recently used
      return cached;
    }
    const a = this.#byId.get(id);
    if (!a || a.audioUrl === null || !this.#clips) return null;
    const { wav } = renderPlan(a.plan, this.#clips, this.#timing);
    this.#keepWav(id, wav);
    return wav;
  }

  get(id: string): Announcement | undefined {
    const a = this.#byId.get(id);
    return a && { ...a, plan: [...a.plan] };
  }

  /** Queued and not yet started, in order. */
  get pending(): Announcement[] {
    return this.#pending.map((a) => ({ ...a, plan: [...a.plan] }));
  }

  /** The latest remembered announcements, oldest first (queued ones included). */
  recent(limit = 20): Announcement[] {
    return [...this.#byId.values()].slice(-limit).map((a) => ({ ...a, plan: [...a.plan] }));
  }

  /** Stops the timer; pending announcements are dropped. */
  close(): void {
    this.#closed = true;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#pending = [];
  }

  #arm(): void {
    const head = this.#pending[0];
    this.#armedFor = head ? { a: head, at: head.startAt } : null;
    if (!head) return;
    this.#cancelTimer = this.#clock.schedule(Math.max(0, head.startAt - this.#clock.now()), () => this.#start());
  }

  #start(): void {
    this.#cancelTimer = null;
    const a = this.#pending.shift();
    if (!a) return;
    // A late timer (a busy event loop) starts it late; everything after it moves back so nothing overlaps.
    const now = this.#clock.now();
    if (now > a.startAt) {
      a.startAt = now;
      a.endsAt = now + a.totalMs;
    }
    this.#playingEndsAt = a.endsAt;
    this.emit('announcement', { ...a, plan: [...a.plan] });
    this.#reschedule();
  }

  #remember(a: Announcement): void {
    this.#seen.add(a.callId);
    if (this.#seen.size > this.#keepCallIds) {
      const oldest = this.#seen.values().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
    }
    this.#byId.set(a.id, a);
    this.#trim();
  }

  #trim(): void {
    if (this.#byId.size <= this.#keep) return;
    const oldest = this.#byId.keys().next();
    if (!oldest.done) {
      this.#byId.delete(oldest.value);
      this.#wavs.delete(oldest.value);
    }
  }

  #keepWav(id: string, wav: Buffer): void {
    this.#wavs.delete(id);
    this.#wavs.set(id, wav);
    if (this.#wavs.size > this.#keepWavs) {
      const oldest = this.#wavs.keys().next();
      if (!oldest.done) this.#wavs.delete(oldest.value);
    }
  }
}
