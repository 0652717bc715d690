import type { DecodeResult, ReportDecoder } from './decode-result.ts';
import { type KeyboardWedgeDecoderConfig, type KeyboardWedgeDecoderInput, hexByte, resolveDecoderConfig } from './decoder-config.ts';
import { type KeyLevelTable, type RatingLevel, usageName } from './key-levels.ts';

/** Usages 0x01–0x03 fill the key array when the keyboard cannot report its state (HID Usage Tables §10). */
const ERROR_USAGES = new Set([0x01, 0x02, 0x03]);

/**
 * Decodes one boot keyboard report: `[reportId?] modifiers reserved key1 … key6` (8 bytes; longer
 * key arrays are read the same way). A level comes from a key that is down in this report and was
 * not in `held`, the keys of the previous report, so a key counts once per press however often the
 * report repeats; modifiers (Shift, Ctrl…) are ignored. Returns the keys now held for the next call.
 */
export function decodeKeyboardReport(
  report: Uint8Array,
  held: ReadonlySet<number>,
  config: KeyboardWedgeDecoderConfig,
): { result: DecodeResult; held: ReadonlySet<number> } {
  let body = report;
  if (config.reportId !== null) {
    if (report[0] !== config.reportId) {
      return { result: { ok: false, reason: 'wrong-report-id', detail: `report ID ${report.length > 0 ? hexByte(report[0]!) : 'none'}, want ${hexByte(config.reportId)}` }, held };
    }
    body = report.subarray(1);
  }
  if (body.length < 3) return { result: { ok: false, reason: 'too-short', detail: `${body.length} bytes; a keyboard report has 8` }, held };
  const down = new Set<number>();
  for (const usage of body.subarray(2)) if (usage !== 0) down.add(usage);
  if ([...down].some((u) => ERROR_USAGES.has(u))) return { result: { ok: false, reason: 'rollover', detail: 'ErrorRollOver: too many keys at once' }, held };
  if (down.size === 0) return { result: { ok: false, reason: 'release', detail: 'all keys up' }, held: down };
  const pressed = [...down].filter((u) => !held.has(u));
  if (pressed.length === 0) return { result: { ok: false, reason: 'repeat', detail: `no new key (${[...down].map(usageName).join(', ')} held)` }, held: down };
  const mapped = pressed.flatMap((u) => {
    const level = config.keys.get(u);
    return level === undefined ? [] : [{ usage: u, level }];
  });
  const first = mapped[0];
  if (!first) return { result: { ok: false, reason: 'unmapped', detail: `key ${pressed.map(usageName).join(', ')} maps to no level` }, held: down };
  if (mapped.some((m) => m.level !== first.level)) {
    return { result: { ok: false, reason: 'ambiguous', detail: `keys ${mapped.map((m) => `${usageName(m.usage)} → ${m.level}`).join(', ')} pressed together` }, held: down };
  }
  return { result: { ok: true, level: first.level, code: first.usage, detail: `${usageName(first.usage)} → ${first.level}` }, held: down };
}

/** A keyboard-wedge pad read through node-hid (hidraw). */
export class KeyboardWedgeDecoder implements ReportDecoder {
  readonly kind = 'keyboard-wedge';
  readonly config: KeyboardWedgeDecoderConfig;
  #held: ReadonlySet<number> = new Set();

  /** Throws RatingPadConfigError naming the bad field. */
  constructor(config: KeyboardWedgeDecoderInput | KeyboardWedgeDecoderConfig = { kind: 'keyboard-wedge' }) {
    const resolved = resolveDecoderConfig(config);
    if (resolved.kind !== 'keyboard-wedge') throw new TypeError('KeyboardWedgeDecoder needs kind keyboard-wedge');
    this.config = resolved;
  }

  decode(report: Uint8Array): DecodeResult {
    const step = decodeKeyboardReport(report, this.#held, this.config);
    this.#held = step.held;
    return step.result;
  }

  reset(): void {
    this.#held = new Set();
  }

  /** The first usage mapped to `level` (what the simulator presses), or undefined. */
  usageFor(level: RatingLevel): number | undefined {
    for (const [usage, l] of this.config.keys) if (l === level) return usage;
    return undefined;
  }
}

/** The config's keys as a plain usage → level object (JSON-safe), for `levelForKeyboardEvent` on the pad page. */
export function keyLevelTable(config: Pick<KeyboardWedgeDecoderConfig, 'keys'>): KeyLevelTable {
  return Object.fromEntries(config.keys);
}
