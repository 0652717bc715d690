import { DEFAULT_RATING_ORDER, levelAtPosition, type RatingLevel } from '../../rating-levels.ts';

/**
 * What the bytes mean: one table, so an installer can remap a keypad model in config without code.
 * Defaults follow hardware.md §4.3. Entries marked [unverified] are our choice where the source is
 * silent; README.md lists them.
 */

/** The keys of the keypad (hardware.md §4.3). `digit` is 0–9, typed before a key (transfer target, 6+确认). */
export type CallerKey =
  | 'evaluate' // 评价
  | 'call' // 呼叫 / 叫号
  | 'recall' // 重呼
  | 'cancel' // 取消
  | 'confirm' // 确认
  | 'oneMeterLine' // 一米线
  | 'pause' // 暂停
  | 'transfer' // 转移 / 转号
  | 'digit';

export const CALLER_KEYS: readonly CallerKey[] = ['evaluate', 'call', 'recall', 'cancel', 'confirm', 'oneMeterLine', 'pause', 'transfer', 'digit'];

/** A key preceded by a digit that means something else (hardware.md: 6+确认=弃号, 0+确认=挂起, 3+确认=回呼). */
export type CallerCombo = 'noShow' | 'hold' | 'callBack';

// The levels and the order of an evaluator's keys are stated once, for pads and evaluators alike.
export { RATING_LABELS, type RatingLevel } from '../../rating-levels.ts';

export interface BeepPatternSpec {
  /** Beep frames sent. */
  count: number;
  /** Time between them. */
  gapMs: number;
}

export interface CallerProtocol {
  /** FUNC of key frames from a keypad. [unverified] hardware.md: "not visible in the source". Default 0x01. */
  keyFunc: number;
  /** FUNC of evaluator frames (DATA[0] = score index). Default 0x11. */
  ratingFunc: number;
  /** The evaluator's ACK is its frame with this FUNC (hardware.md: "FUNC 0x01 (CS-0x10)"). Default 0x01. */
  ratingAckFunc: number;
  /** Host → keypad LCD, 6 digit bytes (left 3 waiting, right 3 ticket). Default 0x02. */
  lcdFunc: number;
  /** Host → evaluator star level, 1 data byte. Default 0x02 (told from the LCD by its length). */
  starsFunc: number;
  /** Host → keypad beep, no data. Default 0x03. */
  beepFunc: number;
  /** Host → evaluator "start evaluation": FUNC and DATA. Default 0x01 / [0x0B]. */
  startRating: { func: number; data: readonly number[] };
  /** Last DATA byte of a key frame → key (digits excluded). */
  keyCodes: Readonly<Record<number, Exclude<CallerKey, 'digit'>>>;
  /** `digitCodes[d]` is the code of digit key d. Default 0x00–0x09 [unverified: by analogy with the LCD digit bytes]. */
  digitCodes: readonly number[];
  /** Key + digits typed before it → combo. */
  combos: readonly { key: CallerKey; digits: string; combo: CallerCombo }[];
  /**
   * Evaluator score index (DATA[0]) → level, written in DEFAULT_RATING_ORDER (best-first: index 0 =
   * 非常满意 … 4 = 非常不满意) [unverified which index is which]. An evaluator whose keys run the other
   * way gets `order: worst-first` (CallerBusOptions.ratingOrders), which mirrors this table.
   */
  ratingLevels: Readonly<Record<number, RatingLevel>>;
  /** The LCD byte that shows nothing. Default 0x0A. */
  lcdBlank: number;
  /** LCD numbers are zero-padded (`00 00 07`, as in hardware.md's example) rather than blank-padded. Default true. */
  lcdLeadingZeros: boolean;
  /** Named beep patterns for `beep(address, name)`. The wire has one beep frame; a pattern repeats it. */
  beepPatterns: Readonly<Record<string, BeepPatternSpec>>;
}

export const DEFAULT_PROTOCOL: CallerProtocol = Object.freeze<CallerProtocol>({
  keyFunc: 0x01,
  ratingFunc: 0x11,
  ratingAckFunc: 0x01,
  lcdFunc: 0x02,
  starsFunc: 0x02,
  beepFunc: 0x03,
  startRating: { func: 0x01, data: [0x0b] },
  keyCodes: {
    0x0b: 'evaluate',
    0x0c: 'call',
    0x0d: 'recall',
    0x0e: 'cancel',
    0x0f: 'confirm',
    0x11: 'oneMeterLine',
    0x12: 'pause',
    0x13: 'transfer',
  },
  digitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  combos: [
    { key: 'confirm', digits: '6', combo: 'noShow' }, // 弃号
    { key: 'confirm', digits: '0', combo: 'hold' }, // 挂起
    { key: 'confirm', digits: '3', combo: 'callBack' }, // 回呼
  ],
  ratingLevels: Object.fromEntries([0, 1, 2, 3, 4].map((index) => [index, levelAtPosition(index, DEFAULT_RATING_ORDER)])) as Record<number, RatingLevel>,
  lcdBlank: 0x0a,
  lcdLeadingZeros: true,
  beepPatterns: {
    once: { count: 1, gapMs: 0 },
    ready: { count: 2, gapMs: 300 },
    urgent: { count: 3, gapMs: 200 },
  },
});

/** DEFAULT_PROTOCOL with an installer's overrides (tables replace, they do not merge). Validates bytes. */
export function callerProtocol(overrides: Partial<CallerProtocol> = {}): CallerProtocol {
  const p: CallerProtocol = { ...DEFAULT_PROTOCOL, ...overrides };
  // Config files write codes as "0x0C" or "12": both become the number 12.
  p.keyCodes = numericKeys(p.keyCodes, 'keyCodes');
  p.ratingLevels = numericKeys(p.ratingLevels, 'ratingLevels');
  for (const name of ['keyFunc', 'ratingFunc', 'ratingAckFunc', 'lcdFunc', 'starsFunc', 'beepFunc', 'lcdBlank'] as const) {
    const v = p[name];
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new TypeError(`"${name}" must be a byte (0..255), got ${v}`);
  }
  if (p.keyFunc === p.ratingFunc) throw new TypeError('"keyFunc" and "ratingFunc" must differ');
  for (const [code, key] of Object.entries(p.keyCodes)) {
    if (!CALLER_KEYS.includes(key) || (key as CallerKey) === 'digit') throw new TypeError(`"keyCodes" maps ${code} to unknown key ${String(key)}`);
  }
  if (p.digitCodes.length !== 10 || new Set(p.digitCodes).size !== 10) throw new TypeError('"digitCodes" must list 10 different codes, digit 0 first');
  for (const code of p.digitCodes) {
    if (p.keyCodes[code] !== undefined) throw new TypeError(`code ${code} is both a digit and the key ${p.keyCodes[code]}`);
  }
  for (const [index, level] of Object.entries(p.ratingLevels)) {
    if (![1, 2, 3, 4, 5].includes(level)) throw new TypeError(`"ratingLevels" maps ${index} to ${level}; levels are 1..5`);
  }
  for (const [name, b] of Object.entries(p.beepPatterns)) {
    if (!Number.isInteger(b.count) || b.count < 1 || b.count > 10 || !(b.gapMs >= 0)) throw new TypeError(`"beepPatterns.${name}" needs count 1..10 and gapMs ≥ 0`);
  }
  return p;
}

/** The key code of `key` (the first one in the table), e.g. for the simulator. */
export function codeOfKey(protocol: CallerProtocol, key: Exclude<CallerKey, 'digit'>): number | undefined {
  for (const [code, k] of Object.entries(protocol.keyCodes)) if (k === key) return Number(code);
  return undefined;
}

/** The score index of `level` for the simulator. */
export function indexOfLevel(protocol: CallerProtocol, level: RatingLevel): number | undefined {
  for (const [index, l] of Object.entries(protocol.ratingLevels)) if (l === level) return Number(index);
  return undefined;
}

function numericKeys<V>(table: Readonly<Record<number, V>>, name: string): Record<number, V> {
  const out: Record<number, V> = {};
  for (const [k, v] of Object.entries(table) as [string, V][]) {
    const n = Number(k);
    if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new TypeError(`"${name}" has key ${k}, which is not a byte`);
    out[n] = v;
  }
  return out;
}
