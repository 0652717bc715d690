import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../scheduler.ts';
import { TimerSet } from '../../timer-set.ts';
import type { CallerFrame } from '../codec/frame.ts';
import { FrameWriter } from './frame-writer.ts';

const frame = (address: number, func = 3): CallerFrame => ({ address, func, data: Buffer.alloc(0) }) as unknown as CallerFrame;

/** A bus that writes one frame per `ms` of the scheduler's time: slower than the hub asks. */
function slowBus(ms: number) {
  const scheduler = new ManualScheduler(0);
  const timers = new TimerSet(scheduler);
  const written: number[] = [];
  const writer = new FrameWriter({
    write: (bytes) => new Promise((resolve) => scheduler.schedule(ms, () => (written.push(bytes.length), resolve()))),
    timers,
    interFrameGapMs: 0,
    now: () => scheduler.now(),
    staleAfterMs: 1_000,
  });
  writer.open();
  return { scheduler, writer, written };
}

describe('the caller bus write queue under a backlog', () => {
  it('sounds one beep for an address however many were asked while one waited', async () => {
    const { scheduler, writer } = slowBus(100);
    const busy = writer.enqueue(frame(9, 2), 'command');
    const beeps = [writer.enqueue(frame(1), 'beep'), writer.enqueue(frame(1), 'beep'), writer.enqueue(frame(2), 'beep'), writer.enqueue(frame(1), 'beep')];
    await scheduler.advance(1_000);
    expect(await busy).toBe(true);
    expect(await Promise.all(beeps)).toEqual([true, true, true, true]);
    expect(writer.written).toBe(3); // the command, one beep at 1, one at 2
  });

  it('drops beeps and commands that waited past their moment, and never LCD text or ACKs', async () => {
    const { scheduler, writer } = slowBus(100);
    const cmds = Array.from({ length: 30 }, (_, i) => writer.enqueue(frame(i + 1, 4), 'command'));
    const lcd = writer.enqueue(frame(1, 2), 'lcd');
    await scheduler.advance(10_000);
    const sent = await Promise.all(cmds);
    // 100 ms a frame, 1 s of patience: the first ~11 went, the rest were stale by their turn.
    expect(sent.filter(Boolean).length).toBeGreaterThanOrEqual(10);
    expect(sent.filter(Boolean).length).toBeLessThanOrEqual(12);
    expect(writer.dropped).toBe(30 - sent.filter(Boolean).length);
    expect(await lcd).toBe(true);
  });
});

describe('what the bus remembers stays small on a bus no keypad speaks on', () => {
  it('the own-echo filter forgets frames past its window as it sends', async () => {
    const { OwnEchoFilter } = await import('./own-echo-filter.ts');
    const f = new OwnEchoFilter(100);
    for (let t = 0; t < 100_000; t += 10) f.sending(frame(1, 2), t);
    expect(f.size).toBeLessThanOrEqual(11);
  });

  it('an in-memory transport keeps only the latest chunks written', async () => {
    const { memoryPair, WRITTEN_KEPT } = await import('../../transport.ts');
    const [a] = memoryPair();
    await a.open();
    for (let i = 0; i < WRITTEN_KEPT * 3; i++) await a.write(Buffer.of(i & 0xff));
    expect(a.written.length).toBeLessThanOrEqual(WRITTEN_KEPT);
    expect(a.written.at(-1)![0]).toBe((WRITTEN_KEPT * 3 - 1) & 0xff);
  });
});
