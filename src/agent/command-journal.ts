import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type Outcome = 'printed' | 'failed' | 'uncertain' | 'done';
const OUTCOMES: ReadonlySet<Outcome> = new Set(['printed', 'failed', 'uncertain', 'done']);

/**
 * What the agent did with each command, on disk before and after it acts: `S <id>` before a command
 * runs, `D <id> <outcome>` once it has. A command the hub sends again is never run again: done, its
 * outcome is reported again; started but not done (the agent died mid-print), it is reported
 * `uncertain` and the guide desk reprints, because a ticket printed twice is a real cost.
 */
export class CommandJournal {
  readonly #started = new Set<string>();
  readonly #done = new Map<string, Outcome>();
  readonly #fd: number;

  constructor(dir: string) {
    const file = join(dir, 'journal.log');
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    for (const line of text.split('\n')) {
      const [mark, id, outcome] = line.split(' ');
      if (mark === 'S' && id) this.#started.add(id);
      // Only a whole outcome counts: a line cut short by a power loss leaves the command started (uncertain).
      if (mark === 'D' && id && OUTCOMES.has(outcome as Outcome)) this.#done.set(id, outcome as Outcome);
    }
    this.#fd = openSync(file, 'a', 0o600);
    // A torn last line is ended here, so the next record does not run on into it.
    if (text !== '' && !text.endsWith('\n')) this.#append('\n');
  }

  /** `new`: never seen; `done` with its outcome; `interrupted`: started and never finished. */
  state(id: string): { kind: 'new' } | { kind: 'done'; outcome: Outcome } | { kind: 'interrupted' } {
    const outcome = this.#done.get(id);
    if (outcome) return { kind: 'done', outcome };
    return this.#started.has(id) ? { kind: 'interrupted' } : { kind: 'new' };
  }

  started(id: string): void {
    this.#append(`S ${id}\n`);
    this.#started.add(id);
  }

  done(id: string, outcome: Outcome): void {
    this.#append(`D ${id} ${outcome}\n`);
    this.#done.set(id, outcome);
  }

  close(): void {
    closeSync(this.#fd);
  }

  #append(line: string): void {
    writeSync(this.#fd, line);
    fsyncSync(this.#fd);
  }
}
