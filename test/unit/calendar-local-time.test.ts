import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localTime, localTimeByIntl } from '../../src/domain/calendar.ts';

// Zones with DST both ways, and offsets of 30 and 45 minutes.
const ZONES = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns'];

describe('localTime by the cached offset', () => {
  it('gives what the formatter gives, for any instant from 1990 to 2060 in any zone', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }), fc.constantFrom(...ZONES), (ms, zone) => {
        expect(localTime(ms, zone)).toEqual(localTimeByIntl(ms, zone));
      }),
      { numRuns: 5000 },
    );
  });

  it('is right on both sides of every DST change of a year, minute by minute', () => {
    const offsetOf = (ms: number, zone: string) => {
      const l = localTimeByIntl(ms, zone);
      return (Date.parse(`${l.date}T00:00:00Z`) + l.minutes * 60_000 - Math.floor(ms / 60_000) * 60_000) / 60_000;
    };
    let changes = 0;
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Chatham']) {
      let before = offsetOf(Date.UTC(2026, 0, 1), zone);
      for (let ms = Date.UTC(2026, 0, 1) + 3600_000; ms < Date.UTC(2027, 0, 1); ms += 3600_000) {
        const after = offsetOf(ms, zone);
        if (after === before) continue;
        changes++;
        before = after;
        for (let t = ms - 2 * 3600_000; t < ms + 3600_000; t += 60_000) expect(localTime(t, zone), `${zone} ${new Date(t).toISOString()}`).toEqual(localTimeByIntl(t, zone));
      }
    }
    expect(changes).toBe(8);
  });
});
