import { afterEach, expect, it } from 'vitest';
import { endpointForUri } from '../endpoint.ts';
import { IdCardReader, type IdCard } from '../idcard/driver/id-card-reader.ts';
import { exampleCard } from '../idcard/simulator/sim-card.ts';
import { contractSuite, needsPerson, waitFor } from './hardware.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

contractSuite('idcard', 'ID-card reader', (target) => {
  function rig() {
    const ep = endpointForUri('idcard', target.uri);
    const reader = new IdCardReader(ep.transport, { pollIntervalMs: 200 });
    const cards: IdCard[] = [];
    let removals = 0;
    reader.on('card', (c) => cards.push(c));
    reader.on('removed', () => (removals += 1));
    stops.push(async () => {
      await reader.stop();
      await ep.close();
    });
    return { ep, reader, cards, removals: () => removals };
  }

  it('opens the port and reports ok once the SAM answers', async () => {
    const { reader } = rig();
    reader.start();
    await waitFor('status ok', () => reader.status?.state === 'ok', target.patienceMs);
    expect(reader.link.isUp).toBe(true);
  });

  const person = needsPerson(target, 'HALLQ_TEST_IDCARD_CARD');
  it.skipIf(person.skip)(`reads a card on the reader exactly once while it stays${person.note}`, async () => {
    const { ep, reader, cards, removals } = rig();
    ep.simulator?.place(exampleCard());
    reader.start();
    await waitFor('a card', () => cards.length > 0, target.hardware ? 30_000 : target.patienceMs);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(cards).toHaveLength(1);
    expect(cards[0]!.idNumber).toMatch(/^(\d{17}[\dX]|[A-Z]{3}\d{12})$/);
    expect(removals()).toBe(0);
  });

  it('stop() closes the port', async () => {
    const { ep, reader } = rig();
    reader.start();
    await waitFor('status ok', () => reader.status?.state === 'ok', target.patienceMs);
    await reader.stop();
    expect(ep.transport.isOpen).toBe(false);
    expect(reader.link.status.state).toBe('stopped');
  });
});
