import type { ChildProcess } from 'node:child_process';

/** What the bench asks the history hub over IPC (bench/history-hub.ts). */
export type HistoryAsk = { id: number } & ({ op: 'delay' } | { op: 'rss' } | { op: 'purge' } | { op: 'seq' });

export type HistoryReply = { id: number } & (
  | { op: 'delay'; maxMs: number; p99Ms: number; meanMs: number }
  | { op: 'rss'; rss: number; memory?: NodeJS.MemoryUsage }
  | { op: 'purge'; steps: number; maxStepMs: number; seconds: number }
  | { op: 'seq'; seq: number; hubId: string }
);

let nextId = 1;

/** Asks the child one question and waits for its answer. */
export function ask<O extends HistoryAsk['op']>(proc: ChildProcess, op: O, timeoutMs = 600_000): Promise<Extract<HistoryReply, { op: O }>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.off('message', on);
      reject(new Error(`history hub did not answer ${op} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m: unknown) => {
      const r = m as HistoryReply;
      if (r.id !== id) return;
      clearTimeout(timer);
      proc.off('message', on);
      resolve(r as Extract<HistoryReply, { op: O }>);
    };
    proc.on('message', on);
    proc.send({ id, op } as HistoryAsk);
  });
}
