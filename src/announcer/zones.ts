import { EventEmitter } from 'node:events';
import { Announcer, type AnnounceInput, type AnnounceResult, type Announcement, type AnnouncerEvents, type AnnouncerOptions } from './announcer.ts';
import type { AnnouncerConfig } from './config.ts';
import type { PromptClipId } from './vocabulary.ts';

/** The zone of windows no configured zone names. */
export const HALL_ZONE = 'hall';

/**
 * One queue per area of the hall (`announcer.zones`): a county hall's wings each have their own
 * speakers, so a call in one never waits behind a call in another. With no zones configured there is
 * one queue, `hall`, as before. Each zone is a whole `Announcer` (peak rules, order, dedupe); this
 * routes a call to its window's zone and gathers their events.
 */
export class ZonedAnnouncer extends EventEmitter<AnnouncerEvents> {
  readonly config: AnnouncerConfig;
  readonly #zones = new Map<string, Announcer>();
  readonly #zoneOf = new Map<number, string>();

  constructor(opts: AnnouncerOptions & { config: AnnouncerConfig }) {
    super();
    this.config = opts.config;
    for (const z of opts.config.zones) for (const w of z.windows) this.#zoneOf.set(w, z.id);
    for (const id of [HALL_ZONE, ...opts.config.zones.map((z) => z.id)]) {
      if (this.#zones.has(id)) continue;
      const a = new Announcer({ ...opts, zone: id });
      a.on('queued', (x) => this.emit('queued', x));
      a.on('announcement', (x) => this.emit('announcement', x));
      a.on('warning', (x) => this.emit('warning', x));
      a.on('dropped', (x) => this.emit('dropped', x));
      this.#zones.set(id, a);
    }
  }

  zoneOf(windowId: number): string {
    return this.#zoneOf.get(windowId) ?? HALL_ZONE;
  }

  #for(windowId: number): Announcer {
    return this.#zones.get(this.zoneOf(windowId))!;
  }

  announce(input: AnnounceInput): AnnounceResult {
    return this.#for(input.windowId).announce(input);
  }

  describe(input: AnnounceInput): Announcement {
    return this.#for(input.windowId).describe(input);
  }

  wavFor(id: string): Buffer | null {
    for (const a of this.#zones.values()) {
      const wav = a.wavFor(id);
      if (wav) return wav;
    }
    return null;
  }

  /** A kiosk prompt's WAV: the same clips in every zone, so the hall zone's. */
  promptWav(id: PromptClipId): Buffer | null {
    return this.#zones.get(HALL_ZONE)!.promptWav(id);
  }

  get(id: string): Announcement | undefined {
    for (const a of this.#zones.values()) {
      const x = a.get(id);
      if (x) return x;
    }
    return undefined;
  }

  /** Waiting announcements of every zone, in start order. */
  get pending(): Announcement[] {
    return [...this.#zones.values()].flatMap((a) => a.pending).sort((x, y) => x.startAt - y.startAt);
  }

  /** The latest remembered announcements of every zone, oldest first. */
  recent(limit = 20): Announcement[] {
    return [...this.#zones.values()]
      .flatMap((a) => a.recent(limit))
      .sort((x, y) => x.queuedAt - y.queuedAt)
      .slice(-limit);
  }

  close(): void {
    for (const a of this.#zones.values()) a.close();
  }
}
