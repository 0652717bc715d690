import { describe, expect, it } from 'vitest';
import { RatingPadConfigError } from '../errors.ts';
import { CustomReportDecoder } from './custom-decoder.ts';
import { createDecoder } from './decoder.ts';
import { resolveDecoderConfig } from './decoder-config.ts';
import { idleValue, reportsForLevel } from './encode-report.ts';

const h = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function run(decoder: CustomReportDecoder, reports: Buffer[]): (number | string)[] {
  return reports.map((r) => {
    const res = decoder.decode(r);
    return res.ok ? res.level : res.reason;
  });
}

/** A made-up 5-key pad: report ID 2, key byte 3 with one bit per key. */
const BITS = { kind: 'custom-report', reportId: 2, byteIndex: 3, values: { '0x01': 5, '0x02': 4, '0x04': 3, '0x08': 2, '0x10': 1 } } as const;

describe('CustomReportDecoder', () => {
  it('maps the byte at byteIndex through values', () => {
    const d = new CustomReportDecoder(BITS);
    expect(run(d, [h('02 00 00 01 00'), h('02 00 00 02 00'), h('02 00 00 04 00'), h('02 00 00 08 00'), h('02 00 00 10 00')])).toEqual([5, 4, 3, 2, 1]);
    expect(d.decode(h('02 00 00 01 00'))).toEqual({ ok: true, level: 5, code: 1, detail: 'byte 3 0x01 → 5' });
  });

  it('counts byteIndex from byte 0 of the report, report ID included (as learn hid prints it)', () => {
    const d = new CustomReportDecoder({ kind: 'custom-report', byteIndex: 0, values: { 5: 5 } });
    expect(run(d, [h('05'), h('00')])).toEqual([5, 'release']);
  });

  it('ignores reports with another report ID, too short, idle (0) or unmapped, saying why', () => {
    const d = new CustomReportDecoder(BITS);
    expect(d.decode(h('01 00 00 01 00'))).toEqual({ ok: false, reason: 'wrong-report-id', detail: 'report ID 0x01, want 0x02' });
    expect(d.decode(h('02 00 00'))).toEqual({ ok: false, reason: 'too-short', detail: '3 bytes; byteIndex is 3' });
    expect(d.decode(h('02 00 00 00 00'))).toEqual({ ok: false, reason: 'release', detail: 'byte 3 is 0x00 (idle)' });
    expect(d.decode(h('02 00 00 03 00'))).toEqual({ ok: false, reason: 'unmapped', detail: 'byte 3 0x03 maps to no level' });
    expect(d.decode(h(''))).toMatchObject({ ok: false, reason: 'wrong-report-id' });
  });

  it('applies the mask before the lookup (other bits of the byte carry something else)', () => {
    const d = new CustomReportDecoder({ kind: 'custom-report', byteIndex: 1, mask: 0x0f, values: { 1: 5, 2: 4, 3: 3, 4: 2, 5: 1 } });
    expect(run(d, [h('00 f1'), h('00 83'), h('00 a5'), h('00 f0')])).toEqual([5, 3, 1, 'release']);
    expect(d.decode(h('00 f2')).detail).toBe('byte 1 0xf2 & 0x0f = 0x02 → 4');
  });

  it('counts every report by default: two presses of one key that report only on press are two ratings', () => {
    const d = new CustomReportDecoder({ kind: 'custom-report', byteIndex: 1, values: { 1: 5 } });
    expect(run(d, [h('00 01'), h('00 01')])).toEqual([5, 5]);
  });

  it('with onlyOnChange counts a value once until it changes (pads that stream their state)', () => {
    const d = new CustomReportDecoder({ kind: 'custom-report', byteIndex: 1, values: { 1: 5, 2: 4 }, onlyOnChange: true });
    expect(run(d, [h('00 00'), h('00 01'), h('00 01'), h('00 01'), h('00 02'), h('00 00'), h('00 00'), h('00 02')])).toEqual([
      'release',
      5,
      'repeat',
      'repeat',
      4,
      'release',
      'repeat',
      4,
    ]);
    d.reset();
    expect(d.decode(h('00 02'))).toMatchObject({ ok: true, level: 4 });
  });

  it('a mapped 0x00 is a level, not a release', () => {
    const d = new CustomReportDecoder({ kind: 'custom-report', byteIndex: 0, values: { 0: 3, 1: 5 } });
    expect(run(d, [h('00'), h('01')])).toEqual([3, 5]);
  });

  it('round-trips with the encoder, also with onlyOnChange and a mapped 0', () => {
    const configs = [
      BITS,
      { kind: 'custom-report', byteIndex: 12, values: { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 }, onlyOnChange: true },
      { kind: 'custom-report', byteIndex: 1, mask: 0x07, values: { 0: 1, 1: 2, 2: 3, 3: 4, 4: 5 }, onlyOnChange: true },
    ];
    for (const input of configs) {
      const config = resolveDecoderConfig(input);
      const d = createDecoder(config);
      for (const level of [1, 2, 3, 4, 5, 5, 1] as const) {
        const [press, ...after] = reportsForLevel(config, level) ?? [];
        expect(press && d.decode(press)).toMatchObject({ ok: true, level });
        for (const r of after) expect(d.decode(r).ok).toBe(false);
      }
    }
  });

  it('idleValue picks 0, or the first free masked value', () => {
    expect(idleValue({ mask: 0xff, values: new Map([[1, 5]]) })).toBe(0);
    expect(idleValue({ mask: 0x03, values: new Map([[0, 1], [1, 2], [2, 3]]) })).toBe(3);
    expect(idleValue({ mask: 0x01, values: new Map([[0, 1], [1, 2]]) })).toBeUndefined();
  });

  it('says there is no report for a level the pad lacks (a 4-key pad)', () => {
    expect(reportsForLevel(resolveDecoderConfig({ kind: 'custom-report', byteIndex: 1, values: { 1: 5, 2: 4, 3: 2, 4: 1 } }), 3)).toBeUndefined();
  });
});

describe('custom-report config validation', () => {
  function problems(config: unknown, at?: string): string[] {
    try {
      resolveDecoderConfig(config, at);
    } catch (err) {
      if (err instanceof RatingPadConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
    return [];
  }

  it('accepts hex and decimal byte keys (YAML turns an unquoted 0x01 key into "1")', () => {
    expect(problems({ kind: 'custom-report', byteIndex: 1, values: { '0x01': 5, '2': 4, '0XFF': 1 } })).toEqual([]);
  });

  it('names each bad field under the given path', () => {
    expect(problems({ kind: 'custom-report', byteIndex: 64, mask: 0, values: { '0x1ff': 5, x: 4, '0x03': 6 }, onlyOnChange: 'yes', reportID: 1 }, 'ratingPads[2].decoder')).toEqual([
      "ratingPads[2].decoder.reportID: unknown field for kind 'custom-report' (known: kind, reportId, byteIndex, mask, values, onlyOnChange)",
      'ratingPads[2].decoder.byteIndex: must be an integer 0..63, not 64',
      'ratingPads[2].decoder.mask: must be an integer 1..255 (0x01..0xff), not 0',
      'ratingPads[2].decoder.onlyOnChange: must be true or false, not "yes"',
      'ratingPads[2].decoder.values.0x1ff: not a byte value: write 0x00..0xFF or 0..255',
      'ratingPads[2].decoder.values.x: not a byte value: write 0x00..0xFF or 0..255',
      'ratingPads[2].decoder.values.0x03: must be a level 1..5 (5 非常满意 … 1 非常不满意), not 6',
    ]);
  });

  it('requires byteIndex and a non-empty values map', () => {
    expect(problems({ kind: 'custom-report', values: {} })).toEqual([
      'decoder.byteIndex: is required: the index of the byte that carries the key (see `npm run devices -- learn hid`)',
      "decoder.values: is required: a non-empty map of byte value (0x01 or 1) → level 1..5, e.g. { '0x01': 5, '0x02': 4 }",
    ]);
  });

  it('refuses a value that can never match the mask, a value written twice, and byteIndex 0 with a report ID', () => {
    // JavaScript lists integer-like keys first: `1` is seen before `0x01`.
    expect(problems({ kind: 'custom-report', reportId: 1, byteIndex: 0, mask: 0x0f, values: { '0x10': 5, '0x01': 4, 1: 3 } })).toEqual([
      'decoder.byteIndex: byte 0 is the report ID when reportId is set; the key byte comes after it',
      'decoder.values.0x10: 0x10 has bits outside mask 0x0f, so no report can match it',
      'decoder.values.0x01: same byte value as 1 (0x01)',
    ]);
  });
});
