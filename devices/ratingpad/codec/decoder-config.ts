import { RatingPadConfigError, type RatingPadConfigProblem } from '../errors.ts';
import { DEFAULT_RATING_ORDER, RATING_ORDERS, type RatingOrder, describeOrder, isRatingOrder } from '../../rating-levels.ts';
import { KEY_PRESET_NAMES, type KeyPresetName, type RatingLevel, isRatingLevel, presetTable, usageName, usageOfCode } from './key-levels.ts';

/**
 * A pad that acts as a USB keyboard (键盘模拟 / "免驱"): boot keyboard reports, keys → levels.
 * `keys` entries are merged over the preset; a key is written `0x1E`, `30` or `Digit1`.
 */
export interface KeyboardWedgeDecoderInput {
  kind: 'keyboard-wedge';
  /** Starting table (codec/key-levels.ts). Default `default` (digits, keypad digits, F1–F5), or `none` when `keys` is given. */
  preset?: KeyPresetName | 'none';
  /**
   * How the pad's keys run, for the preset: `best-first` (the default, DEFAULT_RATING_ORDER: key 1
   * / F1 = 5 非常满意) or `worst-first` (key 1 = 1 非常不满意). Does not touch `keys`.
   */
  order?: RatingOrder;
  keys?: Readonly<Record<string, number>>;
  /** The pad prefixes its reports with this report ID (composite keyboards); reports with another ID are ignored. */
  reportId?: number;
}

/**
 * A pad with its own HID reports: one byte of the report (after `mask`) → level. `byteIndex`
 * counts from the first byte node-hid delivers, which is the report ID when the device numbers its
 * reports: the same numbering `learn hid` prints.
 */
export interface CustomReportDecoderInput {
  kind: 'custom-report';
  /** Only reports whose byte 0 is this ID count. */
  reportId?: number;
  byteIndex: number;
  /** ANDed with the byte before lookup. Default 0xFF. */
  mask?: number;
  /** Byte value (`0x01` or `1`) → level. */
  values: Readonly<Record<string, number>>;
  /**
   * The pad repeats its report while idle or while a key is held: count a value only when it
   * differs from the previous report's. Default false (a pad that reports each press once, so two
   * presses of one key are two ratings).
   */
  onlyOnChange?: boolean;
}

export type DecoderConfigInput = KeyboardWedgeDecoderInput | CustomReportDecoderInput;
export type DecoderKind = DecoderConfigInput['kind'];
export const DECODER_KINDS: readonly DecoderKind[] = ['keyboard-wedge', 'custom-report'];

/** A checked keyboard-wedge config. */
export interface KeyboardWedgeDecoderConfig {
  kind: 'keyboard-wedge';
  reportId: number | null;
  /** The order the preset was laid out in (what `learn hid` prints). */
  order: RatingOrder;
  /** Usage → level, in the order given (the simulator presses the first usage of a level). */
  keys: ReadonlyMap<number, RatingLevel>;
}

/** A checked custom-report config. */
export interface CustomReportDecoderConfig {
  kind: 'custom-report';
  reportId: number | null;
  byteIndex: number;
  mask: number;
  values: ReadonlyMap<number, RatingLevel>;
  onlyOnChange: boolean;
}

export type DecoderConfig = KeyboardWedgeDecoderConfig | CustomReportDecoderConfig;

const KEYBOARD_FIELDS = ['kind', 'preset', 'order', 'keys', 'reportId'];
const CUSTOM_FIELDS = ['kind', 'reportId', 'byteIndex', 'mask', 'values', 'onlyOnChange'];
const PRESETS: readonly string[] = [...KEY_PRESET_NAMES, 'none'];
const LEVEL_HINT = 'a level 1..5 (5 非常满意 … 1 非常不满意)';

/** Parses `0x1e`/`0X1E` or `30`; undefined for anything else. */
export function parseByteKey(text: string): number | undefined {
  const n = /^0x[0-9a-f]{1,2}$/i.test(text) ? Number.parseInt(text.slice(2), 16) : /^[0-9]{1,3}$/.test(text) ? Number(text) : undefined;
  return n !== undefined && n <= 0xff ? n : undefined;
}

export function hexByte(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

/**
 * Checks a decoder config from the hall config (or code) and resolves it. Throws a
 * RatingPadConfigError listing every problem, each naming its field under `at`
 * (`ratingPads[0].decoder.values.0x07: must be a level 1..5 …`). An already resolved config is
 * returned as is.
 */
export function resolveDecoderConfig(input: unknown, at = 'decoder'): DecoderConfig {
  if (isResolved(input)) return input;
  const problems: RatingPadConfigProblem[] = [];
  const config = checkDecoder(input, at, problems);
  if (!config || problems.length > 0) throw new RatingPadConfigError(problems);
  return config;
}

/** Like resolveDecoderConfig, but adds the problems to `problems` (for a whole config file). */
export function checkDecoder(input: unknown, at: string, problems: RatingPadConfigProblem[]): DecoderConfig | null {
  if (isResolved(input)) return input;
  if (!isObject(input)) {
    problems.push({ path: at, message: `must be an object with kind ${DECODER_KINDS.map((k) => `'${k}'`).join(' or ')}` });
    return null;
  }
  const before = problems.length;
  const kind = input['kind'];
  if (kind === 'keyboard-wedge') {
    const config = checkKeyboard(input, at, problems);
    return problems.length === before ? config : null;
  }
  if (kind === 'custom-report') {
    const config = checkCustom(input, at, problems);
    return problems.length === before ? config : null;
  }
  problems.push({ path: `${at}.kind`, message: `must be ${DECODER_KINDS.map((k) => `'${k}'`).join(' or ')}, not ${JSON.stringify(kind)}` });
  return null;
}

function checkKeyboard(input: Record<string, unknown>, at: string, problems: RatingPadConfigProblem[]): KeyboardWedgeDecoderConfig {
  const start = problems.length;
  if ('reverse' in input) {
    problems.push({ path: `${at}.reverse`, message: `was replaced by order: ${RATING_ORDERS.join(' | ')} (default ${DEFAULT_RATING_ORDER}: ${describeOrder()})` });
  }
  unknownFields(
    Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'reverse')),
    KEYBOARD_FIELDS,
    at,
    problems,
  );
  const reportId = optionalInt(input, 'reportId', 1, 255, at, problems);
  const orderInput = input['order'];
  let order: RatingOrder = DEFAULT_RATING_ORDER;
  if (orderInput !== undefined) {
    if (isRatingOrder(orderInput)) order = orderInput;
    else problems.push({ path: `${at}.order`, message: `must be ${RATING_ORDERS.join(' or ')}, not ${JSON.stringify(orderInput)}` });
  }
  const keysInput = input['keys'];
  const presetInput = input['preset'];
  let preset: KeyPresetName | 'none' = keysInput === undefined ? 'default' : 'none';
  if (presetInput !== undefined) {
    if (typeof presetInput === 'string' && PRESETS.includes(presetInput)) preset = presetInput as KeyPresetName | 'none';
    else problems.push({ path: `${at}.preset`, message: `must be one of ${PRESETS.join(', ')}, not ${JSON.stringify(presetInput)}` });
  }
  const keys = new Map<number, RatingLevel>();
  if (preset !== 'none') {
    for (const [usage, level] of Object.entries(presetTable(preset, order))) keys.set(Number(usage), level);
  }
  if (keysInput !== undefined) {
    if (!isObject(keysInput)) problems.push({ path: `${at}.keys`, message: 'must be a map of key (0x1E, 30 or Digit1) → level 1..5' });
    else {
      const seen = new Map<number, string>();
      for (const [name, level] of Object.entries(keysInput)) {
        const path = `${at}.keys.${name}`;
        const usage = parseByteKey(name) ?? usageOfCode(name);
        if (usage === undefined) {
          problems.push({ path, message: `not a key: write a HID usage (0x1E or 30) or a KeyboardEvent.code (Digit1, F1, Numpad1)` });
          continue;
        }
        if (usage < 0x04 || usage > 0xdf) {
          problems.push({ path, message: `${hexByte(usage)} is not a key usage (0x04..0xDF; 0x00–0x03 are "no key"/error codes, 0xE0+ are modifiers)` });
          continue;
        }
        const twin = seen.get(usage);
        if (twin !== undefined) {
          problems.push({ path, message: `same key as ${twin} (${usageName(usage)})` });
          continue;
        }
        seen.set(usage, name);
        if (!isRatingLevel(level)) {
          problems.push({ path, message: `must be ${LEVEL_HINT}, not ${JSON.stringify(level)}` });
          continue;
        }
        keys.delete(usage); // an override moves to the end: the preset's own key stays first for its level
        keys.set(usage, level);
      }
    }
  }
  if (keys.size === 0 && problems.length === start) problems.push({ path: `${at}.keys`, message: 'no key maps to a level (preset none and no keys)' });
  return { kind: 'keyboard-wedge', reportId: reportId ?? null, order, keys };
}

function checkCustom(input: Record<string, unknown>, at: string, problems: RatingPadConfigProblem[]): CustomReportDecoderConfig {
  unknownFields(input, CUSTOM_FIELDS, at, problems);
  const reportId = optionalInt(input, 'reportId', 1, 255, at, problems);
  const byteIndex = optionalInt(input, 'byteIndex', 0, 63, at, problems);
  if (input['byteIndex'] === undefined) problems.push({ path: `${at}.byteIndex`, message: 'is required: the index of the byte that carries the key (see `npm run devices -- learn hid`)' });
  if (reportId !== undefined && byteIndex === 0) problems.push({ path: `${at}.byteIndex`, message: 'byte 0 is the report ID when reportId is set; the key byte comes after it' });
  const mask = optionalInt(input, 'mask', 1, 255, at, problems) ?? 0xff;
  const onlyOnChange = optionalBool(input, 'onlyOnChange', at, problems) ?? false;
  const values = new Map<number, RatingLevel>();
  const valuesInput = input['values'];
  if (!isObject(valuesInput) || Object.keys(valuesInput).length === 0) {
    problems.push({ path: `${at}.values`, message: "is required: a non-empty map of byte value (0x01 or 1) → level 1..5, e.g. { '0x01': 5, '0x02': 4 }" });
  } else {
    const seen = new Map<number, string>();
    for (const [name, level] of Object.entries(valuesInput)) {
      const path = `${at}.values.${name}`;
      const value = parseByteKey(name);
      if (value === undefined) {
        problems.push({ path, message: 'not a byte value: write 0x00..0xFF or 0..255' });
        continue;
      }
      const twin = seen.get(value);
      if (twin !== undefined) {
        problems.push({ path, message: `same byte value as ${twin} (${hexByte(value)})` });
        continue;
      }
      seen.set(value, name);
      if ((value & ~mask & 0xff) !== 0) {
        problems.push({ path, message: `${hexByte(value)} has bits outside mask ${hexByte(mask)}, so no report can match it` });
        continue;
      }
      if (!isRatingLevel(level)) {
        problems.push({ path, message: `must be ${LEVEL_HINT}, not ${JSON.stringify(level)}` });
        continue;
      }
      values.set(value, level);
    }
  }
  return { kind: 'custom-report', reportId: reportId ?? null, byteIndex: byteIndex ?? 0, mask, values, onlyOnChange };
}

function isResolved(input: unknown): input is DecoderConfig {
  if (!isObject(input)) return false;
  return (input['kind'] === 'keyboard-wedge' && input['keys'] instanceof Map) || (input['kind'] === 'custom-report' && input['values'] instanceof Map);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map);
}

function unknownFields(input: Record<string, unknown>, known: readonly string[], at: string, problems: RatingPadConfigProblem[]): void {
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) problems.push({ path: `${at}.${key}`, message: `unknown field for kind '${String(input['kind'])}' (known: ${known.join(', ')})` });
  }
}

function optionalInt(input: Record<string, unknown>, field: string, min: number, max: number, at: string, problems: RatingPadConfigProblem[]): number | undefined {
  const v = input[field];
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  problems.push({ path: `${at}.${field}`, message: `must be an integer ${min}..${max}${max === 0xff ? ` (${hexByte(min)}..0xff)` : ''}, not ${JSON.stringify(v)}` });
  return undefined;
}

function optionalBool(input: Record<string, unknown>, field: string, at: string, problems: RatingPadConfigProblem[]): boolean | undefined {
  const v = input[field];
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  problems.push({ path: `${at}.${field}`, message: `must be true or false, not ${JSON.stringify(v)}` });
  return undefined;
}
