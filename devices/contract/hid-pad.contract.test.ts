import { afterEach, expect, it } from 'vitest';
import { endpointForUri } from '../endpoint.ts';
import { HidPadDriver, type HidRatingEvent } from '../ratingpad/driver/hid-pad-driver.ts';
import { contractSuite, needsPerson, waitFor } from './hardware.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

contractSuite('ratingPad', 'USB HID rating pad', (target) => {
  function rig() {
    const ep = endpointForUri('ratingPad', target.uri, { sim: { decoder: { kind: 'keyboard-wedge' } } });
    const pad = new HidPadDriver({ transport: ep.transport, decoder: { kind: 'keyboard-wedge' } });
    const ratings: HidRatingEvent[] = [];
    pad.on('rating', (r) => ratings.push(r));
    stops.push(() => pad.stop());
    return { ep, pad, ratings };
  }

  it('opens the pad', async () => {
    const { pad } = rig();
    pad.start();
    await waitFor('status ok', () => pad.status?.state === 'ok', target.patienceMs);
    expect(pad.link.isUp).toBe(true);
  });

  const person = needsPerson(target, 'HALLQ_TEST_HIDPAD_PRESS');
  it.skipIf(person.skip)(`one press is one rating${person.note}`, async () => {
    const { ep, pad, ratings } = rig();
    pad.start();
    await waitFor('status ok', () => pad.status?.state === 'ok', target.patienceMs);
    ep.simulator?.pressLevel(5);
    await waitFor('a rating', () => ratings.length > 0, target.hardware ? 30_000 : target.patienceMs);
    await new Promise((r) => setTimeout(r, 500));
    expect(ratings).toHaveLength(1);
    expect(ratings[0]!.level).toBeGreaterThanOrEqual(1);
  });
});
