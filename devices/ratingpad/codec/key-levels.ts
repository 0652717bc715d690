/**
 * Keyboard-wedge rating pads: which key means which level. Pure data and two lookups; the only
 * import is ../../rating-levels.ts, which imports nothing, so the pad page (display-ui) can import
 * this file as is: a wedge pad plugged into a tablet types its keys into the page, and the page
 * maps them with the same table the hub uses for a pad read through node-hid.
 *
 * Keys are USB HID usage IDs of the Keyboard/Keypad page (0x07), the byte a boot keyboard report
 * carries; `HID_USAGE_CODES` gives each the `KeyboardEvent.code` a browser reports for it.
 */

import { DEFAULT_RATING_ORDER, levelAtPosition, type RatingLevel, type RatingOrder } from '../../rating-levels.ts';

// The levels and their order are stated once, for pads and evaluators alike (devices/rating-levels.ts).
export { DEFAULT_RATING_ORDER, isRatingLevel, RATING_LEVELS, type RatingLevel, type RatingOrder } from '../../rating-levels.ts';

/** A key usage → level table. */
export type KeyLevelTable = Readonly<Record<number, RatingLevel>>;

function build(): Record<number, string> {
  const codes: Record<number, string> = {};
  for (let i = 0; i < 26; i++) codes[0x04 + i] = `Key${String.fromCharCode(65 + i)}`;
  for (let i = 1; i <= 9; i++) codes[0x1d + i] = `Digit${i}`;
  codes[0x27] = 'Digit0';
  Object.assign(codes, { 0x28: 'Enter', 0x29: 'Escape', 0x2a: 'Backspace', 0x2b: 'Tab', 0x2c: 'Space', 0x2d: 'Minus', 0x2e: 'Equal' });
  for (let i = 1; i <= 12; i++) codes[0x39 + i] = `F${i}`;
  Object.assign(codes, { 0x53: 'NumLock', 0x54: 'NumpadDivide', 0x55: 'NumpadMultiply', 0x56: 'NumpadSubtract', 0x57: 'NumpadAdd', 0x58: 'NumpadEnter' });
  for (let i = 1; i <= 9; i++) codes[0x58 + i] = `Numpad${i}`;
  codes[0x62] = 'Numpad0';
  codes[0x63] = 'NumpadDecimal';
  return codes;
}

/** HID usage (page 0x07) → `KeyboardEvent.code`, for the keys a pad plausibly sends. */
export const HID_USAGE_CODES: Readonly<Record<number, string>> = build();

const USAGE_OF_CODE: ReadonlyMap<string, number> = new Map(Object.entries(HID_USAGE_CODES).map(([u, c]) => [c, Number(u)]));

/** `KeyboardEvent.code` (`Digit1`, `F5`, `Numpad3`) → HID usage, or undefined. */
export function usageOfCode(code: string): number | undefined {
  return USAGE_OF_CODE.get(code);
}

/** `Digit1 (0x1e)`; `0xe8` for a usage the table does not name. */
export function usageName(usage: number): string {
  const hex = `0x${usage.toString(16).padStart(2, '0')}`;
  const code = HID_USAGE_CODES[usage];
  return code ? `${code} (${hex})` : hex;
}

/** Five consecutive usages from `first`, the first key first, → levels in `order`. */
function run(first: number, order: RatingOrder): Record<number, RatingLevel> {
  const out: Record<number, RatingLevel> = {};
  for (let position = 0; position < 5; position++) out[first + position] = levelAtPosition(position, order);
  return out;
}

/** The first usage of each preset's five keys: digits 1–5 (0x1E–0x22), keypad 1–5 (0x59–0x5D), F1–F5 (0x3A–0x3E). */
const PRESET_KEYS = { digits: [0x1e], numpad: [0x59], fkeys: [0x3a], default: [0x1e, 0x59, 0x3a] } as const;

export type KeyPresetName = keyof typeof PRESET_KEYS;

export const KEY_PRESET_NAMES: readonly KeyPresetName[] = ['digits', 'numpad', 'fkeys', 'default'];

/**
 * A ready-made table, its five keys in `order` (default best-first: key 1 / F1 / keypad 1 is
 * 5 非常满意 … key 5 is 1 非常不满意). [unverified: no vendor publishes its layout; a pad whose keys
 * run the other way gets `order: worst-first`, and `keys` in config overrides single keys.]
 * - `digits`: the top-row digits 1–5;
 * - `numpad`: keypad 1–5;
 * - `fkeys`: F1–F5;
 * - `default`: all three (they never collide).
 */
export function presetTable(name: KeyPresetName, order: RatingOrder = DEFAULT_RATING_ORDER): KeyLevelTable {
  return Object.assign({}, ...PRESET_KEYS[name].map((first) => run(first, order))) as KeyLevelTable;
}

/** The presets in the default order. */
export const KEY_PRESETS: Readonly<Record<KeyPresetName, KeyLevelTable>> = {
  digits: presetTable('digits'),
  numpad: presetTable('numpad'),
  fkeys: presetTable('fkeys'),
  default: presetTable('default'),
};

/** The table a keyboard-wedge pad gets with no config: digits, keypad digits and F1–F5, in the default order. */
export const DEFAULT_KEY_LEVELS: KeyLevelTable = KEY_PRESETS.default;

/**
 * The level for a browser key event, or null. For the pad page:
 *
 *   window.addEventListener('keydown', (e) => {
 *     if (e.repeat) return;                       // a held key repeats; rate once
 *     const level = levelForKeyboardEvent(e);
 *     if (level === null) return;
 *     e.preventDefault();                         // F5 would reload the page, F1 open help
 *     submit(level);
 *   });
 *
 * Uses `code` (the physical key, layout-independent) and falls back on `key` for virtual keyboards
 * that leave `code` empty; `key` `'1'` counts as the top-row digit.
 */
export function levelForKeyboardEvent(event: { code?: string; key?: string }, table: KeyLevelTable = DEFAULT_KEY_LEVELS): RatingLevel | null {
  let usage = event.code ? usageOfCode(event.code) : undefined;
  if (usage === undefined && event.key) {
    const k = event.key;
    usage = /^[0-9]$/.test(k) ? usageOfCode(`Digit${k}`) : /^F([1-9]|1[0-2])$/.test(k) ? usageOfCode(k) : undefined;
  }
  if (usage === undefined) return null;
  return table[usage] ?? null;
}
