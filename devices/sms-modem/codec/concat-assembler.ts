import type { ConcatInfo } from './user-data.ts';

/** One received part and whatever its owner tags it with (the driver: its SIM index). */
export interface HeldPart<T> {
  from: string;
  concat: ConcatInfo;
  text: string;
  tag: T;
}

/** A message put together: parts in order; `complete` false when some never came. */
export interface Assembled<T> {
  from: string;
  text: string;
  parts: HeldPart<T>[];
  /** How many the header said there would be. */
  total: number;
  complete: boolean;
}

interface Group<T> {
  firstAt: number;
  total: number;
  bySeq: Map<number, HeldPart<T>>;
}

/**
 * Holds the parts of concatenated messages until all have come, in any order (3GPP TS 23.040
 * §9.2.3.24.1: sender, reference and count name a message). Pure: time comes in as `now`.
 */
export class ConcatAssembler<T> {
  readonly #groups = new Map<string, Group<T>>();

  /** Adds a part; returns the whole message once its last part is in, else null. A part seen before is ignored. */
  add(part: HeldPart<T>, now: number): Assembled<T> | null {
    const key = groupKey(part.from, part.concat);
    let group = this.#groups.get(key);
    if (!group) {
      group = { firstAt: now, total: part.concat.total, bySeq: new Map() };
      this.#groups.set(key, group);
    }
    if (!group.bySeq.has(part.concat.seq)) group.bySeq.set(part.concat.seq, part);
    if (group.bySeq.size < group.total) return null;
    this.#groups.delete(key);
    return assemble(part.from, group, true);
  }

  /** Removes and returns messages whose first part came more than `maxAgeMs` ago, with what they have. */
  expire(now: number, maxAgeMs: number): Assembled<T>[] {
    const out: Assembled<T>[] = [];
    for (const [key, group] of this.#groups) {
      if (now - group.firstAt < maxAgeMs) continue;
      this.#groups.delete(key);
      out.push(assemble(group.bySeq.values().next().value!.from, group, false));
    }
    return out;
  }

  /** Whether a part with this tag is held (the driver skips SIM indexes it already has). */
  holds(predicate: (tag: T) => boolean): boolean {
    for (const g of this.#groups.values()) for (const p of g.bySeq.values()) if (predicate(p.tag)) return true;
    return false;
  }

  /** The earliest first-part time among held messages, or null when none is held. */
  get oldest(): number | null {
    let oldest: number | null = null;
    for (const g of this.#groups.values()) if (oldest === null || g.firstAt < oldest) oldest = g.firstAt;
    return oldest;
  }

  get size(): number {
    return this.#groups.size;
  }

  clear(): void {
    this.#groups.clear();
  }
}

function groupKey(from: string, c: ConcatInfo): string {
  return `${from}\u0000${c.refBits}:${c.ref}:${c.total}`;
}

function assemble<T>(from: string, group: Group<T>, complete: boolean): Assembled<T> {
  const parts = [...group.bySeq.values()].sort((a, b) => a.concat.seq - b.concat.seq);
  return { from, text: parts.map((p) => p.text).join(''), parts, total: group.total, complete };
}
