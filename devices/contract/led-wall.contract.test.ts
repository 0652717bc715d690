import { afterEach, expect, it } from 'vitest';
import { endpointForUri } from '../endpoint.ts';
import { OnbonBxDriver } from '../led/driver/onbon-bx-driver.ts';
import { contractSuite, waitFor } from './hardware.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** The controller's screen number on real hardware (屏号). */
const SCREEN = Number(process.env['HALLQ_TEST_LED_WALL_SCREEN'] ?? 1);

contractSuite('ledWall', 'LED wall (Onbon BX)', (target) => {
  function rig() {
    const ep = endpointForUri('ledWall', target.uri);
    const wall = new OnbonBxDriver(ep.transport, { screen: SCREEN, areas: { 0: { x: 0, y: 0, width: 64, height: 16 } }, refreshIntervalMs: 0 });
    stops.push(() => wall.stop());
    return { ep, wall };
  }

  it('answers a ping', async () => {
    const { wall } = rig();
    wall.start();
    await waitFor('link up', () => wall.link.state === 'up', target.patienceMs);
    await wall.ping(0);
    expect(wall.statusOf(0).state).toBe('ok');
  });

  it('acknowledges a text in area 0, then a clear', async () => {
    const { ep, wall } = rig();
    wall.start();
    await wall.show(0, 'A012');
    if (ep.simulator) expect(ep.simulator.textOf(0)).toBe('A012');
    await wall.clear(0);
    expect(wall.statusOf(0).state).toBe('ok');
  });
});
