import { afterEach, expect, it } from 'vitest';
import { endpointForUri } from '../endpoint.ts';
import { renderTicket } from '../printer/codec/ticket.ts';
import { printerForEndpoint } from '../printer/driver/printer-device.ts';
import { PrintQueue } from '../printer/driver/print-queue.ts';
import { sampleTicket } from '../printer/fixtures.ts';
import { contractSuite } from './hardware.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

contractSuite('printer', 'Ticket printer', (target) => {
  async function rig() {
    const ep = endpointForUri('printer', target.uri);
    await ep.ready;
    const queue = new PrintQueue({ device: printerForEndpoint(ep, { statusTimeoutMs: 1_000 }), maxAttempts: 2, backoff: { baseMs: 100, maxMs: 500 } });
    stops.push(async () => {
      await queue.close();
      await ep.close();
    });
    return { ep, queue };
  }

  it('answers a status check: online, with paper (or cannot tell, for a write-only port)', async () => {
    const { queue } = await rig();
    const status = await queue.checkStatus();
    expect(status).toMatchObject({ online: true, lastError: null });
    expect(status.paperOut).toBe(false);
  });

  it('prints a ticket: the job is printed on its first attempt', async () => {
    const { ep, queue } = await rig();
    const id = queue.enqueue({ bytes: renderTicket({ ...sampleTicket, hallName: 'hallq contract test' }), label: sampleTicket.number });
    await queue.idle();
    expect(queue.job(id)).toMatchObject({ state: 'printed', attempts: 1 });
    if (ep.simulator) expect(ep.simulator.receipts.at(-1)?.lines).toContain(sampleTicket.number);
  });
});
