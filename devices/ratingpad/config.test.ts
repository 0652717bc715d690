import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RatingPadConfigSchema, RatingPadsConfigSchema, parseRatingPadConfig, parseRatingPadsConfig } from './config.ts';
import { RatingPadConfigError } from './errors.ts';

const YAML = `
ratingPads:
  - windowId: 3
    kind: hid
    uri: hid:1a2b:3c4d
    decoder: { kind: keyboard-wedge, preset: digits }
  - windowId: 4
    kind: hid
    uri: hid:/dev/hidraw5
    decoder:
      kind: custom-report
      reportId: 2
      byteIndex: 3
      values: { 0x01: 5, 0x02: 4, 0x04: 3, 0x08: 2, 0x10: 1 }
  - windowId: 5
    kind: hid
    uri: hid:0x1A2B:0x3C4D?serial=PAD-05&interface=0
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
      [{ windowId: 1, kind: 'hid', decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.uri: is required: hid:<vendor>:<product> or hid:<path> (see `npm run devices -- learn hid`)'],
      [{ windowId: 1, kind: 'hid', uri: 'serial:/dev/ttyUSB0', decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.uri: "serial:/dev/ttyUSB0": rating pad address must start with hid:'],
      [{ windowId: 1, kind: 'hid', uri: 'hid:1a2b', decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.uri: "hid:1a2b": write hid:<vendor>:<product> in hex (hid:1a2b:3c4d) or hid:<path> (hid:/dev/hidraw3)'],
      [{ windowId: 1, kind: 'hid', uri: 'hid:1a2b:3c4d?iface=0', decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.uri: "hid:1a2b:3c4d?iface=0": unknown parameter "iface" (known: serial, interface, usagePage)'],
      [{ windowId: 0, kind: 'hid', uri: 'hid:/dev/hidraw0', decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.windowId: must be a window id (integer ≥ 1), not 0'],
      [{ windowId: 1, kind: 'rs485', uri: 'hid:/dev/hidraw0', decoder: { kind: 'keyboard-wedge' } }, "ratingPad.kind: must be 'hid', not \"rs485\" (RS-485 evaluators are configured under devices.caller or devices.padBus)"],
      [{ windowId: 1, kind: 'hid', uri: 'hid:/dev/hidraw0', agent: 'yes', decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.agent: must be true or false, not "yes"'],
      [{ windowId: 1, kind: 'hid', uri: 'hid:/dev/hidraw0', decoder: { kind: 'custom-report', byteIndex: 1, values: { '0x01': 0 } } }, 'ratingPad.decoder.values.0x01: must be a level 1..5 (5 非常满意 … 1 非常不满意), not 0'],
      [{ windowId: 1, kind: 'hid', uri: 'hid:/dev/hidraw0', decoder: { kind: 'keyboard-wedge', keys: { Digit1: 6 } } }, 'ratingPad.decoder.keys.Digit1: must be a level 1..5 (5 非常满意 … 1 非常不满意), not 6'],
      [{ windowId: 1, kind: 'hid', uri: 'hid:/dev/hidraw0', decoder: { kind: 'joystick' } }, "ratingPad.decoder.kind: must be 'keyboard-wedge' or 'custom-report', not \"joystick\""],
      [{ windowId: 1, kind: 'hid', uri: 'hid:/dev/hidraw0', pid: 3, decoder: { kind: 'keyboard-wedge' } }, 'ratingPad.pid: unknown field (known: windowId, kind, uri, decoder, agent)'],
    ];
    for (const [entry, message] of bad) {
      expect(problems(() => parseRatingPadConfig(entry))).toEqual([message]);
      // What the uri says is beyond the schema; everything else it refuses as well.
      if (!message.startsWith('ratingPad.uri: "')) expect(Value.Check(RatingPadConfigSchema, entry), message).toBe(false);
    }
  });

  it('refuses the old address fields, naming the uri to write instead', () => {
    expect(problems(() => parseRatingPadConfig({ windowId: 1, kind: 'hid', vendorId: 0x1a2b, productId: '0x3C4D', serialNumber: 'B', interface: 1, decoder: { kind: 'keyboard-wedge' } }))).toEqual([
      'ratingPad.vendorId: the address is now one uri: write uri: hid:1a2b:3c4d?serial=B&interface=1 instead of vendorId, productId, serialNumber, interface',
    ]);
    expect(problems(() => parseRatingPadConfig({ windowId: 1, kind: 'hid', path: '/dev/hidraw0', decoder: { kind: 'keyboard-wedge' } }))).toEqual([
      'ratingPad.path: the address is now one uri: write uri: hid:/dev/hidraw0 instead of path',
    ]);
    expect(problems(() => parseRatingPadConfig({ windowId: 1, kind: 'hid', uri: 'sim', decoder: { kind: 'keyboard-wedge' } }))[0]).toContain('a simulated pad has no controls in the hub');
  });

  it('what the parser refuses beyond the schema: a byte value outside its mask', () => {
    const entry = { windowId: 1, kind: 'hid', uri: 'hid:/dev/hidraw0', decoder: { kind: 'custom-report', byteIndex: 1, mask: 0x0f, values: { '0x10': 5 } } };
    expect(Value.Check(RatingPadConfigSchema, entry)).toBe(true);
    expect(problems(() => parseRatingPadConfig(entry))).toEqual(['ratingPad.decoder.values.0x10: 0x10 has bits outside mask 0x0f, so no report can match it']);
  });

  it('refuses two pads for one window, and two entries for one device', () => {
    const d = { kind: 'keyboard-wedge' };
    expect(
      problems(() =>
        parseRatingPadsConfig([
          { windowId: 1, kind: 'hid', uri: 'hid:0001:0002', decoder: d },
          { windowId: 1, kind: 'hid', uri: 'hid:/dev/hidraw1', decoder: d },
          { windowId: 2, kind: 'hid', uri: 'hid:1:2', decoder: d },
          { windowId: 3, kind: 'hid', uri: 'hid:1:2?serial=B', decoder: d },
        ]),
      ),
    ).toEqual([
      'devices.ratingPads[1].windowId: window 1 already has a pad (devices.ratingPads[0]); one pad per window',
      'devices.ratingPads[2]: same device as devices.ratingPads[0] (hid:0001:0002); identical pads need a path, or ?serial= or ?interface= in the uri, to tell them apart',
    ]);
  });

  it('lists every problem of the file at once, and takes a missing section as no pads', () => {
    expect(parseRatingPadsConfig(undefined)).toEqual([]);
    expect(problems(() => parseRatingPadsConfig({}))).toEqual(['devices.ratingPads: must be a list of pads']);
    expect(problems(() => parseRatingPadsConfig([1, { windowId: 2, kind: 'hid', uri: 'hid:/x', decoder: { kind: 'custom-report', values: {} } }]))).toEqual([
      'devices.ratingPads[0]: must be an object { windowId, kind: hid, uri: hid:…, decoder }',
      'devices.ratingPads[1].decoder.byteIndex: is required: the index of the byte that carries the key (see `npm run devices -- learn hid`)',
      "devices.ratingPads[1].decoder.values: is required: a non-empty map of byte value (0x01 or 1) → level 1..5, e.g. { '0x01': 5, '0x02': 4 }",
    ]);
  });
});
