import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RatingPadConfigSchema, RatingPadsConfigSchema, parseRatingPadConfig, parseRatingPadsConfig } from './config.ts';
import { RatingPadConfigError } from './errors.ts';

const YAML = `
ratingPads:
  - windowId: 3
    kind: hid
    vendorId: 0x1a2b
    productId: 0x3c4d
    decoder: { kind: keyboard-wedge, preset: digits }
  - windowId: 4
    kind: hid
    path: /dev/hidraw5
    decoder:
      kind: custom-report
      reportId: 2
      byteIndex: 3
      values: { 0x01: 5, 0x02: 4, 0x04: 3, 0x08: 2, 0x10: 1 }
  - windowId: 5
    kind: hid
    vendorId: "0x1A2B"
    productId: "0x3C4D"
    serialNumber: PAD-05
    interface: 0
    decoder:
      kind: keyboard-wedge
      keys: { F1: 5, F2: 4, F3: 3, F4: 2, F5: 1, 0x28: 5 }
`;

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof RatingPadConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('RatingPadConfigSchema and parseRatingPadsConfig', () => {
  const raw = (parse(YAML) as { ratingPads: unknown[] }).ratingPads;

  it('the README example passes the schema and parses into targets and resolved decoders', () => {
    expect(Value.Check(RatingPadsConfigSchema, raw)).toBe(true);
    const pads = parseRatingPadsConfig(raw);
    expect(pads.map((p) => [p.windowId, p.target])).toEqual([
      [3, { vendorId: 0x1a2b, productId: 0x3c4d }],
      [4, { path: '/dev/hidraw5' }],
      [5, { vendorId: 0x1a2b, productId: 0x3c4d, serialNumber: 'PAD-05', interface: 0 }],
    ]);
    const custom = pads[1]!.decoder;
    expect(custom.kind === 'custom-report' && [...custom.values]).toEqual([
      [1, 5],
      [2, 4],
      [4, 3],
      [8, 2],
      [16, 1],
    ]);
    const keys = pads[2]!.decoder;
    expect(keys.kind === 'keyboard-wedge' && [...keys.keys]).toEqual([
      [0x28, 5],
      [0x3a, 5],
      [0x3b, 4],
      [0x3c, 3],
      [0x3d, 2],
      [0x3e, 1],
    ]);
  });

  it('schema and parser agree on what is wrong (the parser names the field)', () => {
    const bad: [unknown, string][] = [
      [{ windowId: 1, kind: 'hid', decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.vendorId: is required: give path, or both vendorId and productId (see `npm run devices -- learn hid`)'],
      [{ windowId: 1, kind: 'hid', vendorId: 1, decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.productId: is required: give path, or both vendorId and productId (see `npm run devices -- learn hid`)'],
      [{ windowId: 1, kind: 'hid', path: '/dev/hidraw0', vendorId: 1, decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.vendorId: give either path or vendorId/productId, not both'],
      [{ windowId: 0, kind: 'hid', path: '/dev/hidraw0', decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.windowId: must be a window id (integer ≥ 1), not 0'],
      [{ windowId: 1, kind: 'rs485', path: '/dev/hidraw0', decoder: { kind: 'keyboard-wedge' } }, "ratingPad.kind: must be 'hid', not \"rs485\" (RS-485 evaluators are configured under devices.caller)"],
      [{ windowId: 1, kind: 'hid', vendorId: 0x10000, productId: 1, decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.vendorId: must be a 16-bit ID (0x1a2b or 6699), not 65536'],
      [{ windowId: 1, kind: 'hid', path: '/dev/hidraw0', decoder: { kind: 'custom-report', byteIndex: 1, values: { '0x01': 0 } } }, 'ratingPad.decoder.values.0x01: must be a level 1..5 (5 非常满意 … 1 非常不满意), not 0'],
      [{ windowId: 1, kind: 'hid', path: '/dev/hidraw0', decoder: { kind: 'keyboard-wedge', keys: { Digit1: 6 } } }, 'ratingPad.decoder.keys.Digit1: must be a level 1..5 (5 非常满意 … 1 非常不满意), not 6'],
      [{ windowId: 1, kind: 'hid', path: '/dev/hidraw0', decoder: { kind: 'joystick' } }, "ratingPad.decoder.kind: must be 'keyboard-wedge' or 'custom-report', not \"joystick\""],
      [{ windowId: 1, kind: 'hid', path: '/dev/hidraw0', pid: 3, decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.pid: unknown field (known: windowId, kind, path, vendorId, productId, serialNumber, interface, usagePage, decoder)'],
    ];
    for (const [entry, message] of bad) {
      expect(problems(() => parseRatingPadConfig(entry))).toEqual([message]);
      // Path-or-IDs is beyond the schema; everything else it refuses as well.
      if (!message.includes('is required: give path') && !message.includes('not both')) expect(Value.Check(RatingPadConfigSchema, entry), message).toBe(false);
    }
  });

  it('what the parser refuses beyond the schema: a byte value outside its mask', () => {
    const entry = { windowId: 1, kind: 'hid', path: '/dev/hidraw0', decoder: { kind: 'custom-report', byteIndex: 1, mask: 0x0f, values: { '0x10': 5 } } };
    expect(Value.Check(RatingPadConfigSchema, entry)).toBe(true);
    expect(problems(() => parseRatingPadConfig(entry))).toEqual(['ratingPad.decoder.values.0x10: 0x10 has bits outside mask 0x0f, so no report can match it']);
  });

  it('refuses two pads for one window, and two entries for one device', () => {
    const d = { kind: 'keyboard-wedge' };
    expect(
      problems(() =>
        parseRatingPadsConfig([
          { windowId: 1, kind: 'hid', vendorId: 1, productId: 2, decoder: d },
          { windowId: 1, kind: 'hid', path: '/dev/hidraw1', decoder: d },
          { windowId: 2, kind: 'hid', vendorId: 1, productId: 2, decoder: d },
          { windowId: 3, kind: 'hid', vendorId: 1, productId: 2, serialNumber: 'B', decoder: d },
        ]),
      ),
    ).toEqual([
      'devices.ratingPads[1].windowId: window 1 already has a pad (devices.ratingPads[0]); one pad per window',
      'devices.ratingPads[2]: same device as devices.ratingPads[0] (hid:0001:0002); identical pads need path, serialNumber or interface to tell them apart',
    ]);
  });

  it('lists every problem of the file at once, and takes a missing section as no pads', () => {
    expect(parseRatingPadsConfig(undefined)).toEqual([]);
    expect(problems(() => parseRatingPadsConfig({}))).toEqual(['devices.ratingPads: must be a list of pads']);
    expect(problems(() => parseRatingPadsConfig([1, { windowId: 2, kind: 'hid', path: 'x', decoder: { kind: 'custom-report', values: {} } }]))).toEqual([
      'devices.ratingPads[0]: must be an object { windowId, kind: hid, path | vendorId + productId, decoder }',
      'devices.ratingPads[1].decoder.byteIndex: is required: the index of the byte that carries the key (see `npm run devices -- learn hid`)',
      "devices.ratingPads[1].decoder.values: is required: a non-empty map of byte value (0x01 or 1) → level 1..5, e.g. { '0x01': 5, '0x02': 4 }",
    ]);
  });
});
