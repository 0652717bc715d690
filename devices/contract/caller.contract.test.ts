import { afterEach, expect, it } from 'vitest';
import { CallerBus } from '../caller/driver/caller-bus.ts';
import type { CallerKeyEvent } from '../caller/driver/caller-bus-types.ts';
import { endpointForUri } from '../endpoint.ts';
import { contractSuite, needsPerson, waitFor } from './hardware.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** A keypad's bus address on real hardware. */
const ADDRESS = Number(process.env['HALLQ_TEST_CALLER_ADDRESS'] ?? 1);

contractSuite('caller', 'Caller keypad bus (RS-485)', (target) => {
  function rig() {
    const ep = endpointForUri('caller', target.uri);
    const bus = new CallerBus(ep.transport);
    const keys: CallerKeyEvent[] = [];
    bus.on('key', (k) => keys.push(k));
    stops.push(() => bus.stop());
    return { ep, bus, keys };
  }

  it('opens the bus', async () => {
    const { bus } = rig();
    bus.start();
    await waitFor('bus up', () => bus.status?.state === 'up', target.patienceMs);
  });

  it(`writes an LCD and a beep to keypad ${ADDRESS}`, async () => {
    const { ep, bus } = rig();
    bus.start();
    await waitFor('bus up', () => bus.status?.state === 'up', target.patienceMs);
    expect(await bus.showLcd(ADDRESS, { waiting: 7, current: 'A012' })).toBe(true);
    expect(await bus.beep(ADDRESS, 'once')).toBe(true);
    if (ep.simulator) await waitFor('the LCD', () => ep.simulator?.lcd(ADDRESS)?.current === '012', target.patienceMs);
  });

  const person = needsPerson(target, 'HALLQ_TEST_CALLER_PRESS');
  it.skipIf(person.skip)(`a press of 呼叫 on keypad ${ADDRESS} is one key event${person.note}`, async () => {
    const { ep, bus, keys } = rig();
    bus.start();
    await waitFor('bus up', () => bus.status?.state === 'up', target.patienceMs);
    void ep.simulator?.press(ADDRESS, 'call');
    await waitFor('a key', () => keys.length > 0, target.hardware ? 30_000 : target.patienceMs);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(keys.map((k) => [k.address, k.key])).toEqual([[ADDRESS, 'call']]);
  });
});
