import { Worker } from 'node:worker_threads';
import type { Db } from './open-db.ts';

const WORKER_URL = new URL('./checkpoint-worker.mjs', import.meta.url);
/** SQLite's own default: a checkpoint once the WAL holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface WalCheckpointerOptions {
  /** How often the thread checkpoints (default 1 s). */
  intervalMs?: number;
  /** Told when the thread fails; the hub's connection then checkpoints by itself again. */
  onError?: (err: Error) => void;
}

/**
 * Checkpoints the hub's WAL from a thread of its own (issue #11: no job blocks the hall for more
 * than 50 ms). With SQLite's automatic checkpoint, the commit that crosses 1,000 WAL pages copies
 * them into the database file and syncs it, on the hall's thread: on a city year, after a report
 * thread had held the WAL back for a few seconds, that sync took 0.9–1.1 s (strace). Here the hub's
 * connection no longer checkpoints; this thread does, every second, PASSIVE (it never waits for or
 * blocks the writer). If the thread fails, the hub's connection goes back to checkpointing itself,
 * so the WAL never grows without bound.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #db: Db;
  #stopped = false;
  #nextId = 1;
  readonly #waiting = new Map<number, (r: { frames: number; checkpointed: number }) => void>();

  constructor(db: Db, dbFile: string, opts: WalCheckpointerOptions = {}) {
    this.#db = db;
    db.pragma('wal_autocheckpoint = 0');
    // A WAL that a long export made large is cut back to this when it starts over.
    db.pragma('journal_size_limit = 67108864');
    this.#worker = new Worker(WORKER_URL, { workerData: { dbFile, intervalMs: opts.intervalMs ?? 1000 } });
    this.#worker.unref();
    this.#worker.on('message', (m: { op: string; id?: number; frames?: number; checkpointed?: number; message?: string }) => {
      if (m.op === 'done' && m.id !== undefined) {
        this.#waiting.get(m.id)?.({ frames: m.frames ?? 0, checkpointed: m.checkpointed ?? 0 });
        this.#waiting.delete(m.id);
      } else if (m.op === 'error') {
        // A checkpoint that fails for another reason than "busy" (I/O, a full disk) will fail again:
        // the hub's own connection takes over, so the WAL cannot grow for ever, and the thread ends.
        fallBack(new Error(`WAL checkpoint: ${m.message}`));
      }
    });
    const fallBack = (err: unknown) => {
      if (this.#stopped) return;
      this.#stopped = true;
      this.#selfCheckpoint();
      void this.#worker.terminate();
      for (const resolve of this.#waiting.values()) resolve({ frames: 0, checkpointed: 0 });
      this.#waiting.clear();
      // An error thrown in the thread arrives cloned, not always as an Error with its message.
      const e = err as { message?: unknown; code?: unknown } | null;
      opts.onError?.(err instanceof Error && err.message ? err : new Error(`the checkpoint thread failed: ${String(e?.message ?? e?.code ?? err)}`));
    };
    this.#worker.on('error', fallBack);
    this.#worker.on('exit', (code) => fallBack(new Error(`the checkpoint thread stopped (exit ${code})`)));
  }

  /** A checkpoint now, in the thread (tests, tools): the WAL's pages and how many are in the file. */
  now(): Promise<{ frames: number; checkpointed: number }> {
    if (this.#stopped) return Promise.resolve({ frames: 0, checkpointed: 0 });
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#worker.postMessage({ op: 'now', id });
    });
  }

  /** Ends the thread after a last checkpoint; the hub's connection checkpoints by itself again. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const ended = new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
    });
    // Held by the thread until it has ended: an unref'd thread and timer would let the process leave mid-await.
    this.#worker.ref();
    this.#worker.postMessage({ op: 'stop' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([ended, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    await this.#worker.terminate();
    this.#selfCheckpoint();
    for (const resolve of this.#waiting.values()) resolve({ frames: 0, checkpointed: 0 });
    this.#waiting.clear();
  }

  #selfCheckpoint(): void {
    if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  }
}
