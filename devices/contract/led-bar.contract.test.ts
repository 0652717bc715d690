import { afterEach, expect, it } from 'vitest';
import { endpointForUri } from '../endpoint.ts';
import { SimpleBarDriver } from '../led/driver/simple-bar-driver.ts';
import { contractSuite, waitFor } from './hardware.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** The bar's bus address on real hardware. */
const ADDRESS = Number(process.env['HALLQ_TEST_LED_BAR_ADDRESS'] ?? 1);

contractSuite('ledBars', 'LED window bar (simple-bar)', (target) => {
  function rig() {
    const ep = endpointForUri('ledBars', target.uri, { sim: { addresses: [ADDRESS] } });
    const bars = new SimpleBarDriver(ep.transport, { addresses: [ADDRESS], refreshIntervalMs: 0 });
    stops.push(() => bars.stop());
    return { ep, bars };
  }

  it(`answers a ping at address ${ADDRESS}`, async () => {
    const { bars } = rig();
    bars.start();
    await waitFor('link up', () => bars.link.state === 'up', target.patienceMs);
    await bars.ping(ADDRESS);
    expect(bars.statusOf(ADDRESS).state).toBe('ok');
  });

  it('acknowledges a text, then a clear', async () => {
    const { ep, bars } = rig();
    bars.start();
    await bars.show(ADDRESS, 'A012 请到3号窗口');
    if (ep.simulator) expect(ep.simulator.textOf(ADDRESS)).toBe('A012 请到3号窗口');
    await bars.clear(ADDRESS);
    if (ep.simulator) expect(ep.simulator.textOf(ADDRESS)).toBe('');
    expect(bars.statusOf(ADDRESS).state).toBe('ok');
  });
});
