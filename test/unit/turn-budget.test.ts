import { describe, expect, it } from 'vitest';
import { TurnBudget } from '../../src/realtime/turn-budget.ts';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

/** The longest gap between the runs of a setImmediate heartbeat while `work` runs: how long a turn held the loop. */
async function longestTurn(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  let on = true;
  const beat = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (on) setImmediate(beat);
  };
  setImmediate(beat);
  await work();
  on = false;
  return longest;
}

describe('a budget of work per turn of the event loop', () => {
  it('spreads forty callers of 3 ms pieces over many turns, none much past the budget, and runs every piece', async () => {
    const budget = new TurnBudget(8);
    let done = 0;
    const takers = (b: TurnBudget | null) =>
      Promise.all(
        Array.from({ length: 40 }, async () => {
          for (let i = 0; i < 3; i++) {
            if (b) await b.run(() => busy(3));
            else {
              await new Promise((r) => setImmediate(r));
              busy(3);
            }
            done++;
          }
        }),
      );
    const capped = await longestTurn(async () => void (await takers(budget)));
    expect(done).toBe(120);
    // Without a shared budget each of the forty does its part in the same turn: 120 ms.
    const uncapped = await longestTurn(async () => void (await takers(null)));
    expect(uncapped).toBeGreaterThan(100);
    expect(capped).toBeLessThan(40);
  });
});
