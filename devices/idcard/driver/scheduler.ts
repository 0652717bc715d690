/**
 * Time as the driver sees it. The driver never calls Date.now() or setTimeout itself, so tests can
 * drive it with ManualScheduler (virtual time) or with vitest's fake timers over systemScheduler.
 */
export interface Scheduler {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Whatever setTimer returned; only ever handed back to clearTimer. */
export type TimerHandle = unknown;

/** The real clock. Looks the globals up on each call, so vi.useFakeTimers() takes effect. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
