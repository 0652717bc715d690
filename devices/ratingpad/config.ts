import { Type, type Static } from '@sinclair/typebox';
import { type DecoderConfig, checkDecoder } from './codec/decoder-config.ts';
import { RatingPadConfigError, type RatingPadConfigProblem } from './errors.ts';
import { type HidTarget, describeTarget } from './transport/hid-device.ts';

/**
 * The hall config for USB HID rating pads, one entry per window. The schema checks the shape;
 * `parseRatingPadsConfig` also checks what a schema cannot say (a target is a path or both IDs, a
 * byte value fits its mask, two pads are not one device) and names the field of each problem.
 *
 *   devices:
 *     ratingPads:
 *       - windowId: 3
 *         kind: hid
 *         vendorId: 0x1a2b          # or path: /dev/hidraw3
 *         productId: 0x3c4d
 *         decoder: { kind: keyboard-wedge, preset: digits }
 *       - windowId: 4
 *         kind: hid
 *         path: /dev/hidraw5
 *         decoder: { kind: custom-report, reportId: 2, byteIndex: 3, values: { 0x01: 5, 0x02: 4, 0x04: 3, 0x08: 2, 0x10: 1 } }
 */

const Level = Type.Integer({ minimum: 1, maximum: 5, description: 'level: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意' });
// YAML turns an unquoted `0x01:` key into "1"; both spellings are accepted.
const ByteKey = Type.String({ pattern: '^(0[xX][0-9a-fA-F]{1,2}|[0-9]{1,3})$' });
const KeyName = Type.String({ pattern: '^(0[xX][0-9a-fA-F]{1,2}|[0-9]{1,3}|[A-Za-z][A-Za-z0-9]*)$' });
/** 0x1a2b in YAML is already a number; "0x1a2b" (quoted, or from JSON) is accepted too. */
const UsbId = Type.Union([Type.Integer({ minimum: 0, maximum: 0xffff }), Type.String({ pattern: '^0[xX][0-9a-fA-F]{1,4}$' })]);
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

/** One window's USB HID pad. Give `path`, or `vendorId` and `productId` (narrowed by serialNumber / interface / usagePage). */
export const RatingPadConfigSchema = Type.Object(
  {
    windowId: Type.Integer({ minimum: 1 }),
    kind: Type.Literal('hid'),
    path: Type.Optional(Type.String({ minLength: 1 })),
    vendorId: Type.Optional(UsbId),
    productId: Type.Optional(UsbId),
    serialNumber: Type.Optional(Type.String({ minLength: 1 })),
    interface: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    usagePage: Type.Optional(UsbId),
    decoder: RatingPadDecoderSchema,
  },
  { additionalProperties: false },
);

export const RatingPadsConfigSchema = Type.Array(RatingPadConfigSchema, { default: [] });

export type RatingPadConfigInput = Static<typeof RatingPadConfigSchema>;

/** A checked pad entry, ready for `new HidPadDriver({ target, decoder, windowId })`. */
export interface RatingPadConfig {
  windowId: number;
  kind: 'hid';
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
      problems.push({ path: `${at}[${i}]`, message: `same device as ${at}[${sameDevice}] (${key}); identical pads need path, serialNumber or interface to tell them apart` });
    }
    targets.set(key, i);
    pads.push(pad);
  });
  if (problems.length > 0) throw new RatingPadConfigError(problems);
  return pads;
}

const PAD_FIELDS = ['windowId', 'kind', 'path', 'vendorId', 'productId', 'serialNumber', 'interface', 'usagePage', 'decoder'];

function checkPad(raw: unknown, at: string, problems: RatingPadConfigProblem[]): RatingPadConfig | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ path: at, message: 'must be an object { windowId, kind: hid, path | vendorId + productId, decoder }' });
    return null;
  }
  const before = problems.length;
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!PAD_FIELDS.includes(key)) problems.push({ path: `${at}.${key}`, message: `unknown field (known: ${PAD_FIELDS.join(', ')})` });
  const windowId = r['windowId'];
  if (!(typeof windowId === 'number' && Number.isInteger(windowId) && windowId >= 1)) problems.push({ path: `${at}.windowId`, message: `must be a window id (integer ≥ 1), not ${JSON.stringify(windowId)}` });
  if (r['kind'] !== 'hid') problems.push({ path: `${at}.kind`, message: `must be 'hid', not ${JSON.stringify(r['kind'])} (RS-485 evaluators are configured under devices.caller)` });
  const target = checkTarget(r, at, problems);
  const decoder = checkDecoder(r['decoder'], `${at}.decoder`, problems);
  if (problems.length > before || !target || !decoder) return null;
  return { windowId: windowId as number, kind: 'hid', target, decoder };
}

function checkTarget(r: Record<string, unknown>, at: string, problems: RatingPadConfigProblem[]): HidTarget | null {
  const before = problems.length;
  const path = r['path'];
  const vendorId = usbId(r, 'vendorId', at, problems);
  const productId = usbId(r, 'productId', at, problems);
  const usagePage = usbId(r, 'usagePage', at, problems);
  const serialNumber = r['serialNumber'];
  const iface = r['interface'];
  if (serialNumber !== undefined && (typeof serialNumber !== 'string' || serialNumber === '')) problems.push({ path: `${at}.serialNumber`, message: 'must be a non-empty string' });
  if (iface !== undefined && !(typeof iface === 'number' && Number.isInteger(iface) && iface >= 0 && iface <= 255)) problems.push({ path: `${at}.interface`, message: `must be an interface number 0..255, not ${JSON.stringify(iface)}` });
  if (path !== undefined) {
    if (typeof path !== 'string' || path === '') problems.push({ path: `${at}.path`, message: 'must be a device path from `npm run devices -- learn hid`' });
    for (const f of ['vendorId', 'productId', 'serialNumber', 'interface', 'usagePage']) {
      if (r[f] !== undefined) problems.push({ path: `${at}.${f}`, message: 'give either path or vendorId/productId, not both' });
    }
    return problems.length > before ? null : { path: path as string };
  }
  if (r['vendorId'] === undefined || r['productId'] === undefined) {
    problems.push({ path: `${at}.${r['vendorId'] === undefined ? 'vendorId' : 'productId'}`, message: 'is required: give path, or both vendorId and productId (see `npm run devices -- learn hid`)' });
  }
  if (problems.length > before || vendorId === undefined || productId === undefined) return null;
  return {
    vendorId,
    productId,
    ...(serialNumber === undefined ? {} : { serialNumber: serialNumber as string }),
    ...(iface === undefined ? {} : { interface: iface as number }),
    ...(usagePage === undefined ? {} : { usagePage }),
  };
}

function usbId(r: Record<string, unknown>, field: string, at: string, problems: RatingPadConfigProblem[]): number | undefined {
  const v = r[field];
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff) return v;
  if (typeof v === 'string' && /^0x[0-9a-f]{1,4}$/i.test(v)) return Number.parseInt(v.slice(2), 16);
  problems.push({ path: `${at}.${field}`, message: `must be a 16-bit ID (0x1a2b or 6699), not ${JSON.stringify(v)}` });
  return undefined;
}
