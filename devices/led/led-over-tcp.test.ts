import { afterEach, describe, expect, it } from 'vitest';
import { OnbonBxDriver } from './driver/onbon-bx-driver.ts';
import type { LedLinkState } from './led-driver.ts';
import { FakeTcpOnbon } from './simulator/fake-tcp-onbon.ts';
import { onbonTcpTransport } from './transport/led-transports.ts';

// The Onbon driver over the printer's TcpTransport (real sockets, real timers) against a fake
// controller listening on 127.0.0.1 — the path a wall on TCP 5005 takes.

async function waitFor(what: string, done: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('OnbonBxDriver over TCP', () => {
  let controller: FakeTcpOnbon | null = null;
  let driver: OnbonBxDriver | null = null;

  afterEach(async () => {
    await driver?.stop();
    await controller?.close();
    driver = null;
    controller = null;
  });

  it('shows text, survives the controller going away, and puts the text back when it returns', async () => {
    controller = await FakeTcpOnbon.start();
    const links: LedLinkState[] = [];
    driver = new OnbonBxDriver(onbonTcpTransport('127.0.0.1', { port: controller.port, connectTimeoutMs: 500 }), {
      areas: { 0: { x: 0, y: 0, width: 128, height: 16 } },
      replyTimeoutMs: 300,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    driver.on('link', (l) => links.push(l.state));
    expect(driver.description).toBe(`tcp://127.0.0.1:${controller.port}`);
    driver.start();
    await driver.show(0, 'A012 请到3号窗口');
    expect(controller.simulator.textOf(0)).toBe('A012 请到3号窗口');

    await controller.offline();
    await waitFor('link down', () => driver!.link.state === 'down');
    await expect(driver.show(0, 'A013 请到4号窗口')).rejects.toMatchObject({ code: 'HQ_ERR_LED_DISCONNECTED' });
    controller.simulator.powerCycle(0);

    await controller.online();
    await waitFor('text back', () => controller!.simulator.textOf(0) === 'A013 请到4号窗口');
    await waitFor('area 0 ok', () => driver!.statusOf(0).state === 'ok');
    expect(links.slice(0, 3)).toEqual(['connecting', 'up', 'down']);
    expect(links.at(-1)).toBe('up');
  });
});
