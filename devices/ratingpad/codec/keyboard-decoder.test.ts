import { describe, expect, it } from 'vitest';
import { RatingPadConfigError } from '../errors.ts';
import { createDecoder } from './decoder.ts';
import { keyboardReport, reportsForLevel } from './encode-report.ts';
import { resolveDecoderConfig } from './decoder-config.ts';
import { KeyboardWedgeDecoder } from './keyboard-decoder.ts';

/** `h('00 00 1e 00 00 00 00 00')` → bytes. */
const h = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const UP = h('00 00 00 00 00 00 00 00');

/** Levels (or reasons) for a sequence of reports through one decoder. */
function run(decoder: KeyboardWedgeDecoder, reports: Buffer[]): (number | string)[] {
  return reports.map((r) => {
    const res = decoder.decode(r);
    return res.ok ? res.level : res.reason;
  });
}

describe('KeyboardWedgeDecoder, default table', () => {
  it('maps digits 1–5 (0x1E–0x22), keypad 1–5 (0x59–0x5D) and F1–F5 (0x3A–0x3E) to levels 5–1, best first', () => {
    const d = new KeyboardWedgeDecoder();
    const levels: number[] = [];
    for (const first of [0x1e, 0x59, 0x3a]) {
      for (let i = 0; i < 5; i++) {
        const press = d.decode(keyboardReport({ reportId: null }, [first + i]));
        if (!press.ok) throw new Error(press.detail);
        levels.push(press.level);
        expect(d.decode(UP)).toMatchObject({ ok: false, reason: 'release' });
      }
    }
    expect(levels).toEqual([5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4, 3, 2, 1]);
  });

  it('reports the key usage and a readable detail', () => {
    expect(new KeyboardWedgeDecoder().decode(h('00 00 22 00 00 00 00 00'))).toEqual({ ok: true, level: 1, code: 0x22, detail: 'Digit5 (0x22) → 1' });
  });

  it('counts a held key once: the same report again is a repeat, the all-zero report a release', () => {
    const d = new KeyboardWedgeDecoder();
    const five = h('00 00 22 00 00 00 00 00');
    expect(run(d, [five, five, five, UP, five, UP])).toEqual([1, 'repeat', 'repeat', 'release', 1, 'release']);
  });

  it('ignores modifiers (a pad that sends Shift+digit still rates)', () => {
    const d = new KeyboardWedgeDecoder();
    expect(run(d, [h('02 00 20 00 00 00 00 00'), h('02 00 00 00 00 00 00 00')])).toEqual([3, 'release']);
  });

  it('takes a second key pressed while the first is held, and not the first again when the second is released', () => {
    const d = new KeyboardWedgeDecoder();
    expect(
      run(d, [
        h('00 00 1e 00 00 00 00 00'), // 1 down
        h('00 00 1e 22 00 00 00 00'), // 5 down too
        h('00 00 1e 00 00 00 00 00'), // 5 up, 1 still down
        UP,
      ]),
    ).toEqual([5, 1, 'repeat', 'release']);
  });

  it('refuses to guess when two keys of different levels arrive in one report', () => {
    const d = new KeyboardWedgeDecoder();
    const res = d.decode(h('00 00 1e 22 00 00 00 00'));
    expect(res).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(res.detail).toContain('Digit1 (0x1e) → 5');
    expect(res.detail).toContain('Digit5 (0x22) → 1');
    // Both are now held: releasing one is no new press.
    expect(run(d, [h('00 00 22 00 00 00 00 00'), UP])).toEqual(['repeat', 'release']);
  });

  it('accepts two keys of the same level together (digit 4 and keypad 4)', () => {
    expect(new KeyboardWedgeDecoder().decode(h('00 00 21 5c 00 00 00 00'))).toMatchObject({ ok: true, level: 2 });
  });

  it('ignores unmapped keys (Enter after the digit, letters), naming them', () => {
    const d = new KeyboardWedgeDecoder();
    const enter = d.decode(h('00 00 28 00 00 00 00 00'));
    expect(enter).toEqual({ ok: false, reason: 'unmapped', detail: 'key Enter (0x28) maps to no level' });
    expect(run(d, [UP, h('00 00 22 00 00 00 00 00'), UP, h('00 00 28 00 00 00 00 00'), UP])).toEqual(['release', 1, 'release', 'unmapped', 'release']);
  });

  it('ignores ErrorRollOver reports and keeps the keys it knew', () => {
    const d = new KeyboardWedgeDecoder();
    expect(run(d, [h('00 00 1e 00 00 00 00 00'), h('00 00 01 01 01 01 01 01'), h('00 00 1e 00 00 00 00 00')])).toEqual([5, 'rollover', 'repeat']);
  });

  it('ignores reports too short to hold a key', () => {
    expect(new KeyboardWedgeDecoder().decode(h('00 00'))).toMatchObject({ ok: false, reason: 'too-short' });
    expect(new KeyboardWedgeDecoder().decode(h(''))).toMatchObject({ ok: false, reason: 'too-short' });
  });

  it('reads key arrays longer than six keys the same way', () => {
    expect(new KeyboardWedgeDecoder().decode(h('00 00 00 00 00 00 00 00 00 00 00 3e'))).toMatchObject({ ok: true, level: 1, code: 0x3e });
  });

  it('forgets held keys on reset() (after a reconnect the first press counts)', () => {
    const d = new KeyboardWedgeDecoder();
    const five = h('00 00 22 00 00 00 00 00');
    expect(d.decode(five).ok).toBe(true);
    d.reset();
    expect(d.decode(five).ok).toBe(true);
  });
});

describe('KeyboardWedgeDecoder, configured', () => {
  it('uses a preset alone', () => {
    const d = new KeyboardWedgeDecoder({ kind: 'keyboard-wedge', preset: 'fkeys' });
    expect(run(d, [h('00 00 3a 00 00 00 00 00'), UP, h('00 00 1e 00 00 00 00 00')])).toEqual([5, 'release', 'unmapped']);
  });

  it('lays a preset out best first by default: key 1 = 5 非常满意', () => {
    const d = new KeyboardWedgeDecoder({ kind: 'keyboard-wedge', preset: 'digits' });
    expect(run(d, [h('00 00 1e 00 00 00 00 00'), UP, h('00 00 22 00 00 00 00 00')])).toEqual([5, 'release', 1]);
    expect(d.config.order).toBe('best-first');
  });

  it('flips a preset with order: worst-first (key 1 = 1 非常不满意), leaving explicit keys as written', () => {
    const d = new KeyboardWedgeDecoder({ kind: 'keyboard-wedge', preset: 'digits', order: 'worst-first', keys: { F1: 5 } });
    expect(run(d, [h('00 00 1e 00 00 00 00 00'), UP, h('00 00 22 00 00 00 00 00'), UP, h('00 00 3a 00 00 00 00 00')])).toEqual([1, 'release', 5, 'release', 5]);
  });

  it('refuses the old reverse flag, naming its replacement, and a bad order', () => {
    expect(() => new KeyboardWedgeDecoder({ kind: 'keyboard-wedge', reverse: true } as never)).toThrow(
      'decoder.reverse: was replaced by order: best-first | worst-first (default best-first: key 1 = 5 非常满意',
    );
    expect(() => new KeyboardWedgeDecoder({ kind: 'keyboard-wedge', order: 'ascending' } as never)).toThrow('decoder.order: must be best-first or worst-first, not "ascending"');
  });

  it('maps keys given as usage hex, decimal or KeyboardEvent.code; without a preset only those', () => {
    const d = new KeyboardWedgeDecoder({ kind: 'keyboard-wedge', keys: { '0x04': 5, '5': 4, KeyC: 3, Space: 1 } });
    expect(run(d, [h('00 00 04 00 00 00 00 00'), h('00 00 05 00 00 00 00 00'), h('00 00 06 00 00 00 00 00'), h('00 00 2c 00 00 00 00 00'), UP, h('00 00 1e 00 00 00 00 00')])).toEqual([
      5,
      4,
      3,
      1,
      'release',
      'unmapped',
    ]);
  });

  it('merges keys over a preset (override one key, add another)', () => {
    const d = new KeyboardWedgeDecoder({ kind: 'keyboard-wedge', preset: 'digits', keys: { Digit1: 2, Enter: 5 } });
    expect(run(d, [h('00 00 1e 00 00 00 00 00'), UP, h('00 00 28 00 00 00 00 00'), UP, h('00 00 1f 00 00 00 00 00')])).toEqual([2, 'release', 5, 'release', 4]);
  });

  it('strips a configured report ID and ignores reports with another ID', () => {
    const d = new KeyboardWedgeDecoder({ kind: 'keyboard-wedge', reportId: 1 });
    expect(run(d, [h('01 00 00 22 00 00 00 00 00'), h('02 00 00 1e 00 00 00 00 00'), h('01 00 00 00 00 00 00 00 00')])).toEqual([1, 'wrong-report-id', 'release']);
  });

  it('round-trips with the encoder for every level of every preset', () => {
    for (const preset of ['default', 'digits', 'numpad', 'fkeys'] as const) {
      for (const reportId of [undefined, 3]) {
        const config = resolveDecoderConfig({ kind: 'keyboard-wedge', preset, ...(reportId === undefined ? {} : { reportId }) });
        const d = createDecoder(config);
        for (const level of [1, 2, 3, 4, 5] as const) {
          const [press, release] = reportsForLevel(config, level) ?? [];
          expect(press && d.decode(press)).toMatchObject({ ok: true, level });
          expect(release && d.decode(release)).toMatchObject({ ok: false, reason: 'release' });
        }
      }
    }
  });
});

describe('keyboard-wedge config validation', () => {
  function problems(config: unknown): string[] {
    try {
      createDecoder(config);
    } catch (err) {
      if (err instanceof RatingPadConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
    return [];
  }

  it('accepts the minimal config', () => {
    expect(problems({ kind: 'keyboard-wedge' })).toEqual([]);
  });

  it('names each bad field', () => {
    expect(problems({ kind: 'keyboard-wedge', keys: { Digit1: 7, Foo: 2, '0x02': 3, '0xE1': 1 }, preset: 'stars', reportId: 0, colour: 'red' })).toEqual([
      "decoder.colour: unknown field for kind 'keyboard-wedge' (known: kind, preset, order, keys, reportId)",
      'decoder.reportId: must be an integer 1..255 (0x01..0xff), not 0',
      'decoder.preset: must be one of digits, numpad, fkeys, default, none, not "stars"',
      'decoder.keys.Digit1: must be a level 1..5 (5 非常满意 … 1 非常不满意), not 7',
      'decoder.keys.Foo: not a key: write a HID usage (0x1E or 30) or a KeyboardEvent.code (Digit1, F1, Numpad1)',
      'decoder.keys.0x02: 0x02 is not a key usage (0x04..0xDF; 0x00–0x03 are "no key"/error codes, 0xE0+ are modifiers)',
      'decoder.keys.0xE1: 0xe1 is not a key usage (0x04..0xDF; 0x00–0x03 are "no key"/error codes, 0xE0+ are modifiers)',
    ]);
  });

  it('refuses one key written twice', () => {
    expect(problems({ kind: 'keyboard-wedge', keys: { Digit1: 1, '0x1e': 2 } })).toEqual(['decoder.keys.0x1e: same key as Digit1 (Digit1 (0x1e))']);
  });

  it('refuses a table that maps nothing', () => {
    expect(problems({ kind: 'keyboard-wedge', preset: 'none' })).toEqual(['decoder.keys: no key maps to a level (preset none and no keys)']);
  });

  it('refuses a missing or unknown kind', () => {
    expect(problems({ preset: 'digits' })).toEqual(["decoder.kind: must be 'keyboard-wedge' or 'custom-report', not undefined"]);
    expect(problems('digits')).toEqual(["decoder: must be an object with kind 'keyboard-wedge' or 'custom-report'"]);
  });

  it('says so in both languages', () => {
    try {
      createDecoder({ kind: 'keyboard-wedge', keys: { Digit1: 0 } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RatingPadConfigError);
      const e = err as RatingPadConfigError;
      expect(e.code).toBe('HQ_ERR_RATINGPAD_CONFIG');
      expect(e.bilingual).toMatch(/^评价器配置有误：decoder\.keys\.Digit1: .* \/ Invalid rating pad config: decoder\.keys\.Digit1: /);
    }
  });
});
