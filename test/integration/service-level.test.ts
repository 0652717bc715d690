import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffingReport } from '../../src/reports/types.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { KIOSK } from '../support/test-config.ts';

/**
 * The service level a finished day had (the staffing report's `achieved`), on a day made by hand so
 * that every wait is known: who counts, who is left out, and in which half hour.
 */

const DAY = '2026-12-02';
const at = (hhmm: string, date = DAY) => Date.parse(`${date}T${hhmm}:00+08:00`);
let h: RunningHub;
let clock: FakeClock;

beforeAll(async () => {
  clock = new FakeClock(at('09:00'));
  h = await startHub({ clock });
}, 60_000);

afterAll(async () => {
  await h?.dispose();
});

async function issue(hhmm: string, categoryId = 'ZX'): Promise<string> {
  clock.set(at(hhmm));
  const r = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.ticket.id as string;
}

async function step(hhmm: string, token: string, path: string, body?: unknown): Promise<void> {
  clock.set(at(hhmm));
  const r = await api(h.url, 'POST', path, { token, ...(body ? { body } : {}) });
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
}

describe("the day's service level, measured (issue #10 §4)", () => {
  it('counts walk-in waits and transfers in by the half hour they began, and leaves out who left in time', async () => {
    const clerk = await openWindow(h.url, 1);
    const manager = await login(h.url, 'm1');
    await issue('09:02'); // A: called 09:05, within
    await issue('09:03'); // B: called 09:30, 27 minutes: missed
    const c = await issue('09:04'); // C: cancels at 09:12, before 15 minutes: left out
    await step('09:05', clerk, '/windows/1/call-next');
    await step('09:06', clerk, '/windows/1/start');
    // A goes on to SB at 09:10 and is called at 09:11: a wait of its own, within.
    await step('09:10', clerk, '/windows/1/transfer', { toCategoryId: 'SB', placement: 'front' });
    await step('09:11', clerk, '/windows/1/call-next');
    await step('09:12', clerk, '/windows/1/start');
    clock.set(at('09:12'));
    expect((await api(h.url, 'DELETE', `/tickets/${c}`, { token: manager })).status).toBe(200);
    await step('09:20', clerk, '/windows/1/complete');
    await step('09:30', clerk, '/windows/1/call-next');
    await step('09:31', clerk, '/windows/1/start');
    await step('09:35', clerk, '/windows/1/complete');
    const e = await issue('09:40'); // E: cancels at 10:10, after 30 minutes uncalled: missed
    clock.set(at('10:10'));
    expect((await api(h.url, 'DELETE', `/tickets/${e}`, { token: manager })).status).toBe(200);

    // The same day, still running: nothing measured yet.
    const today = await api(h.url, 'GET', `/reports/staffing?date=${DAY}`, { token: manager });
    expect(today.status).toBe(200);
    expect((today.body as StaffingReport).achieved).toBeNull();

    // The next morning (a new sign-in: the evening's has run out).
    clock.set(at('08:00', '2026-12-03'));
    const r = await api(h.url, 'GET', `/reports/staffing?date=${DAY}`, { token: await login(h.url, 'm1') });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const report = r.body as StaffingReport;
    expect(report.groups).toHaveLength(1);
    const slot = (label: string) => report.groups[0]!.slots.find((s) => s.label === label)!.achieved;
    expect(slot('09:00')).toEqual({ waited: 3, within: 2, level: 0.6667 });
    expect(slot('09:30')).toEqual({ waited: 1, within: 0, level: 0 });
    expect(slot('10:00')).toEqual({ waited: 0, within: 0, level: null });
    expect(report.groups[0]!.achieved).toEqual({ waited: 4, within: 2, level: 0.5 });
    expect(report.achieved).toEqual({ waited: 4, within: 2, level: 0.5 });
    expect(report.totals.find((t) => t.label === '09:00')!.achieved).toEqual({ waited: 3, within: 2, level: 0.6667 });
  });
});
