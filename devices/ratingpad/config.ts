import { Type, type Static } from '@sinclair/typebox';
import { DEVICE_URI_RULES, parseDeviceUri } from '../device-uri.ts';
import { type DecoderConfig, checkDecoder } from './codec/decoder-config.ts';
import { RatingPadConfigError, type RatingPadConfigProblem } from './errors.ts';
import { type HidTarget, describeTarget } from './transport/hid-device.ts';

/**
 * The hall config for USB HID rating pads, one entry per window. The pad's address is a `uri`, the
 * one address form of every device (devices/device-uri.ts): `hid:<vendor>:<product>` in hex,
 * narrowed with `?serial=…&interface=…&usagePage=…`, or `hid:<path>`. The schema checks the shape;
 * `parseRatingPadsConfig` also checks what a schema cannot say (the uri parses, a byte value fits
 * its mask, two pads are not one device) and names the field of each problem.
 *
 *   devices:
 *     ratingPads:
 *       - windowId: 3
 *         kind: hid
 *         uri: hid:1a2b:3c4d         # or hid:/dev/hidraw3
 *         decoder: { kind: keyboard-wedge, preset: digits }
 *       - windowId: 4
 *         kind: hid
 *         uri: hid:/dev/hidraw5
 *         decoder: { kind: custom-report, reportId: 2, byteIndex: 3, values: { 0x01: 5, 0x02: 4, 0x04: 3, 0x08: 2, 0x10: 1 } }
 */

const Level = Type.Integer({ minimum: 1, maximum: 5, description: 'level: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意' });
// YAML turns an unquoted `0x01:` key into "1"; both spellings are accepted.
const ByteKey = Type.String({ pattern: '^(0[xX][0-9a-fA-F]{1,2}|[0-9]{1,3})$' });
const KeyName = Type.String({ pattern: '^(0[xX][0-9a-fA-F]{1,2}|[0-9]{1,3}|[A-Za-z][A-Za-z0-9]*)$' });
const ReportId = Type.Integer({ minimum: 1, maximum: 255, description: "byte 0 of the pad's reports, when it numbers them" });

export const KeyboardWedgeDecoderSchema = Type.Object(
  {
    kind: Type.Literal('keyboard-wedge'),
    /** default (digits + keypad + F1–F5) unless `keys` is given; then none. */
    preset: Type.Optional(Type.Union([Type.Literal('default'), Type.Literal('digits'), Type.Literal('numpad'), Type.Literal('fkeys'), Type.Literal('none')])),
    /** How the keys run: best-first (default: key 1 / F1 = 5 非常满意) or worst-first. */
    order: Type.Optional(Type.Union([Type.Literal('best-first'), Type.Literal('worst-first')])),
    /** Key (0x1E, 30 or a KeyboardEvent.code such as Digit1, F1, Numpad1) → level, over the preset. */
    keys: Type.Optional(Type.Record(KeyName, Level, { additionalProperties: false })),
    reportId: Type.Optional(ReportId),
  },
  { additionalProperties: false },
);

export const CustomReportDecoderSchema = Type.Object(
  {
    kind: Type.Literal('custom-report'),
    reportId: Type.Optional(ReportId),
    /** Index of the key byte in the report as `learn hid` prints it (report ID included). */
    byteIndex: Type.Integer({ minimum: 0, maximum: 63 }),
    mask: Type.Optional(Type.Integer({ minimum: 1, maximum: 255 })),
    /** Byte value (0x01 or 1) → level. */
    values: Type.Record(ByteKey, Level, { additionalProperties: false, minProperties: 1 }),
    /** The pad repeats its report: count a value only when it changes. */
    onlyOnChange: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RatingPadDecoderSchema = Type.Union([KeyboardWedgeDecoderSchema, CustomReportDecoderSchema]);

/** One window's USB HID pad: its address (`uri: hid:1a2b:3c4d`, `hid:/dev/hidraw3`) and its decoder. */
export const RatingPadConfigSchema = Type.Object(
  {
    windowId: Type.Integer({ minimum: 1 }),
    kind: Type.Literal('hid'),
    /** `hid:<vendor>:<product>[?serial=…&interface=…&usagePage=…]` (hex IDs) or `hid:<path>`. */
    uri: Type.String({ pattern: '^hid:', minLength: 5 }),
    decoder: RatingPadDecoderSchema,
    /** Plugged into a window PC and run by the device agent approved with `hid-pad:<windowId>`; `uri` is on that PC. */
    agent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RatingPadsConfigSchema = Type.Array(RatingPadConfigSchema, { default: [] });

export type RatingPadConfigInput = Static<typeof RatingPadConfigSchema>;

/** A checked pad entry, ready for `new HidPadDriver({ target, decoder, windowId })`. */
export interface RatingPadConfig {
  windowId: number;
  kind: 'hid';
  uri: string;
  target: HidTarget;
  decoder: DecoderConfig;
}

/** Checks one entry; throws RatingPadConfigError (every problem, each with its field path). */
export function parseRatingPadConfig(raw: unknown, at = 'ratingPad'): RatingPadConfig {
  const problems: RatingPadConfigProblem[] = [];
  const pad = checkPad(raw, at, problems);
  if (!pad || problems.length > 0) throw new RatingPadConfigError(problems);
  return pad;
}

/** Checks the whole list (`devices.ratingPads`); also refuses two entries for one window or one device. */
export function parseRatingPadsConfig(raw: unknown, at = 'devices.ratingPads'): RatingPadConfig[] {
  const problems: RatingPadConfigProblem[] = [];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new RatingPadConfigError([{ path: at, message: 'must be a list of pads' }]);
  const pads: RatingPadConfig[] = [];
  const windows = new Map<number, number>();
  const targets = new Map<string, number>();
  raw.forEach((entry, i) => {
    const pad = checkPad(entry, `${at}[${i}]`, problems);
    if (!pad) return;
    const sameWindow = windows.get(pad.windowId);
    if (sameWindow !== undefined) problems.push({ path: `${at}[${i}].windowId`, message: `window ${pad.windowId} already has a pad (${at}[${sameWindow}]); one pad per window` });
    windows.set(pad.windowId, i);
    const key = describeTarget(pad.target);
    const sameDevice = targets.get(key);
    if (sameDevice !== undefined) {
      problems.push({ path: `${at}[${i}]`, message: `same device as ${at}[${sameDevice}] (${key}); identical pads need a path, or ?serial= or ?interface= in the uri, to tell them apart` });
    }
    targets.set(key, i);
    pads.push(pad);
  });
  if (problems.length > 0) throw new RatingPadConfigError(problems);
  return pads;
}

const PAD_FIELDS = ['windowId', 'kind', 'uri', 'decoder', 'agent'];
/** The address fields before there was one `uri` form: refused with the uri to write instead. */
const OLD_ADDRESS_FIELDS = ['path', 'vendorId', 'productId', 'serialNumber', 'interface', 'usagePage'];

function checkPad(raw: unknown, at: string, problems: RatingPadConfigProblem[]): RatingPadConfig | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ path: at, message: 'must be an object { windowId, kind: hid, uri: hid:…, decoder }' });
    return null;
  }
  const before = problems.length;
  const r = raw as Record<string, unknown>;
  const old = Object.keys(r).filter((k) => OLD_ADDRESS_FIELDS.includes(k));
  if (old.length > 0) problems.push({ path: `${at}.${old[0]}`, message: `the address is now one uri: write uri: ${oldFieldsAsUri(r)} instead of ${old.join(', ')}` });
  for (const key of Object.keys(r)) {
    if (!PAD_FIELDS.includes(key) && !OLD_ADDRESS_FIELDS.includes(key)) problems.push({ path: `${at}.${key}`, message: `unknown field (known: ${PAD_FIELDS.join(', ')})` });
  }
  const windowId = r['windowId'];
  if (!(typeof windowId === 'number' && Number.isInteger(windowId) && windowId >= 1)) problems.push({ path: `${at}.windowId`, message: `must be a window id (integer ≥ 1), not ${JSON.stringify(windowId)}` });
  if (r['kind'] !== 'hid') problems.push({ path: `${at}.kind`, message: `must be 'hid', not ${JSON.stringify(r['kind'])} (RS-485 evaluators are configured under devices.caller or devices.padBus)` });
  if (r['agent'] !== undefined && typeof r['agent'] !== 'boolean') problems.push({ path: `${at}.agent`, message: `must be true or false, not ${JSON.stringify(r['agent'])}` });
  const target = checkTarget(r, at, problems);
  const decoder = checkDecoder(r['decoder'], `${at}.decoder`, problems);
  if (problems.length > before || !target || !decoder) return null;
  return { windowId: windowId as number, kind: 'hid', uri: r['uri'] as string, target, decoder };
}

function checkTarget(r: Record<string, unknown>, at: string, problems: RatingPadConfigProblem[]): HidTarget | null {
  const uri = r['uri'];
  if (uri === undefined) {
    if (!Object.keys(r).some((k) => OLD_ADDRESS_FIELDS.includes(k))) problems.push({ path: `${at}.uri`, message: 'is required: hid:<vendor>:<product> or hid:<path> (see `npm run devices -- learn hid`)' });
    return null;
  }
  if (typeof uri !== 'string') {
    problems.push({ path: `${at}.uri`, message: `must be a string such as hid:1a2b:3c4d, not ${JSON.stringify(uri)}` });
    return null;
  }
  if (uri === 'sim') {
    problems.push({ path: `${at}.uri`, message: 'a simulated pad has no controls in the hub; tests open FakeHidBus pads through a hid: uri' });
    return null;
  }
  try {
    const parsed = parseDeviceUri(uri, DEVICE_URI_RULES.ratingPad);
    if (parsed.kind === 'hid') return parsed.target;
  } catch (err) {
    problems.push({ path: `${at}.uri`, message: (err as Error).message });
  }
  return null;
}

/** The uri that says what the old path / vendorId / productId / … fields said. */
function oldFieldsAsUri(r: Record<string, unknown>): string {
  if (typeof r['path'] === 'string') return `hid:${r['path']}`;
  const hex = (v: unknown): string => (typeof v === 'number' ? v.toString(16).padStart(4, '0') : typeof v === 'string' ? v.replace(/^0x/i, '').toLowerCase() : '?');
  const query = [
    r['serialNumber'] === undefined ? null : `serial=${String(r['serialNumber'])}`,
    r['interface'] === undefined ? null : `interface=${String(r['interface'])}`,
    r['usagePage'] === undefined ? null : `usagePage=0x${hex(r['usagePage'])}`,
  ].filter((q) => q !== null);
  return `hid:${hex(r['vendorId'])}:${hex(r['productId'])}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}
