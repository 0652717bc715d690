import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { api, type RunningHub } from './hub.ts';
import { KIOSK } from './test-config.ts';

/**
 * The upload's acceptance tests through the real hub (kept apart from upstream-testing.ts, which the
 * adapters' unit tests import without the hub).
 */

/** A number taken at the kiosk (with a card if given), called at window 1 and completed with what the business system says; the service id. */
export async function serve(h: RunningHub, clerk: string, complete: Record<string, unknown>, card?: { name: string; id: string }): Promise<string> {
  let cardToken: string | undefined;
  if (card) {
    const read = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: card.name, idNumber: card.id, validUntil: '20351231' } });
    expect(read.status).toBe(201);
    cardToken = read.body.card.cardToken;
  }
  expect((await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX', ...(cardToken ? { cardToken } : {}) } })).status).toBe(201);
  expect((await api(h.url, 'POST', '/windows/1/call-next', { token: clerk })).status).toBe(200);
  const done = await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: complete });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body.serviceId as string;
}

/** No applicant's number or name in clear in any file of the data directory (the database, its WAL and shared memory). */
export function expectNoClearApplicant(h: RunningHub, secrets: string[]): void {
  const files = readdirSync(h.dir);
  expect(files.length).toBeGreaterThan(1); // the database and its WAL at least
  for (const f of files) {
    const bytes = readFileSync(join(h.dir, f));
    for (const s of secrets) expect(bytes.includes(Buffer.from(s, 'utf8')), `clear "${s.slice(0, 3)}…" in ${f}`).toBe(false);
  }
}
