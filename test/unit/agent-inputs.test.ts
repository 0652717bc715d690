import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentInputs, DELIVER_WITHIN_MS, type InputPost } from '../../src/agent/agent-inputs.ts';

describe("an agent's keys and scores on their way to the hub", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries one input under one id with its growing age, and refuses it here once the hub stays away past its limit', async () => {
    vi.useFakeTimers();
    const posts: InputPost[] = [];
    const refused: string[] = [];
    const inputs = new AgentInputs(
      async (post) => {
        posts.push(post);
        throw new Error('ECONNREFUSED');
      },
      (device, input, _zh, en) => refused.push(`${device} ${input.kind} ${en}`),
    );
    const at = Date.now();
    const outcome = inputs.deliver('caller-bus', { kind: 'key', address: 1, key: 'call', digits: '' }, at);
    await vi.advanceTimersByTimeAsync(DELIVER_WITHIN_MS.key + 1_000);
    expect(await outcome).toBe('refused');
    expect(refused).toEqual(['caller-bus key the hub cannot be reached: this key press was not used; press again later or use the console']);
    expect(posts.length).toBeGreaterThan(3);
    expect(new Set(posts.map((p) => p.inputId)).size).toBe(1);
    expect(posts.at(-1)!.ageMs).toBeGreaterThan(posts[0]!.ageMs);
    // A score may wait longer than a key before it is refused.
    expect(DELIVER_WITHIN_MS.rating).toBeGreaterThan(DELIVER_WITHIN_MS.key);
  });

  it('is sent once when the hub answers, and refused here with a word when the hub calls it too late', async () => {
    const refused: string[] = [];
    let answer: 'taken' | 'stale' = 'taken';
    let sent = 0;
    const inputs = new AgentInputs(
      async () => {
        sent++;
        return answer;
      },
      (_device, _input, zh) => refused.push(zh),
    );
    expect(await inputs.deliver('pad-bus', { kind: 'rating', address: 9, level: 5 }, Date.now())).toBe('sent');
    expect([sent, refused.length]).toEqual([1, 0]);
    answer = 'stale';
    expect(await inputs.deliver('caller-bus', { kind: 'key', address: 1, key: 'call', digits: '' }, Date.now() - 60_000)).toBe('refused');
    expect(refused).toEqual(['按键后过久才送达，未予受理，请重新按键']);
  });
});
