/**
 * Plays the hub's announcements on the wall's speaker: one at a time, in order, each callId once
 * (remembered across reloads of the page), with Web Speech as the fallback when a WAV fails.
 */
export interface Announcement {
  id: string;
  callId: string;
  audioUrl: string | null;
  /** The sentence for Web Speech (「请A零一二号到十二号窗口办理」). */
  speech: string;
  repeat: number;
  gapMs: number;
}

const PLAYED_KEY = 'hallq.wall.played';

export class AnnouncementPlayer {
  readonly played: string[] = [];
  #queue: Announcement[] = [];
  #busy = false;
  readonly #seen: Set<string>;

  constructor() {
    this.#seen = new Set(JSON.parse(sessionStorage.getItem(PLAYED_KEY) ?? '[]') as string[]);
  }

  /** Call ids queued or played on this wall (kept across reloads of the page). */
  get seen(): ReadonlySet<string> {
    return this.#seen;
  }

  enqueue(a: Announcement): void {
    if (this.#seen.has(a.callId)) return;
    this.#seen.add(a.callId);
    sessionStorage.setItem(PLAYED_KEY, JSON.stringify([...this.#seen].slice(-200)));
    this.#queue.push(a);
    void this.#next();
  }

  async #next(): Promise<void> {
    if (this.#busy) return;
    const a = this.#queue.shift();
    if (!a) return;
    this.#busy = true;
    this.played.push(a.callId);
    try {
      for (let i = 0; i < Math.max(1, a.repeat); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, a.gapMs));
        if (a.audioUrl) await playAudio(a.audioUrl);
        else await speak(a.speech);
      }
    } catch {
      await speak(a.speech).catch(() => undefined);
    } finally {
      this.#busy = false;
      void this.#next();
    }
  }
}

function playAudio(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const audio = new Audio(url);
    audio.onended = () => resolve();
    audio.onerror = () => reject(new Error(`cannot play ${url}`));
    audio.play().catch(reject);
  });
}

function speak(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!('speechSynthesis' in window)) return reject(new Error('no speech synthesis'));
    const u = new SpeechSynthesisUtterance(text);
    u.lang = 'zh-CN';
    u.onend = () => resolve();
    u.onerror = () => reject(new Error('speech failed'));
    speechSynthesis.speak(u);
  });
}
