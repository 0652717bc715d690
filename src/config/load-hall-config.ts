import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { checkSmsGatewayConfig } from '../sms/gateway-config.ts';
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { parseDocument } from 'yaml';
import { DEVICE_URI_RULES, parseDeviceUri, type DeviceUriRules } from '../../devices/device-uri.ts';
import { parseYamlCached } from './parsed-yaml-cache.ts';
import { HallConfigSchema, type HallConfig, type Week } from './schema.ts';

export interface ConfigProblem {
  /** `windows[2].categories[0]`, or `(root)`. */
  path: string;
  message: string;
}

/** Thrown when the hall config is unusable; the hub must not start half-configured. */
export class HallConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `配置文件有误 / invalid hall config: ${file}\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'HallConfigError';
  }
}

function pointerToPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/**
 * Reads and checks the hall config. `parsedCacheDir` (the hub's data directory) keeps the YAML's parse
 * for the next start of the same text (`parsed-yaml-cache.ts`); the checks run every time.
 */
export function loadHallConfig(file: string, opts: { parsedCacheDir?: string } = {}): HallConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HallConfigError(file, [{ path: '(file)', message: `cannot read: ${(err as Error).message}` }]);
  }
  const raw = parseYamlCached(text, (t) => parseYaml(t, file), opts.parsedCacheDir ?? null);
  return parseHallConfig(raw, file);
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new HallConfigError(
      file,
      doc.errors.map((e) => ({ path: '(yaml)', message: e.message.split('\n')[0] ?? e.message })),
    );
  }
  try {
    // An alias bomb (billion laughs) stops at the alias limit with an error, not at the memory's end.
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new HallConfigError(file, [{ path: '(yaml)', message: (err as Error).message.split('\n')[0] ?? String(err) }]);
  }
}

/** Validates a parsed config object: schema first, then the references between its parts. */
export function parseHallConfig(raw: unknown, file = '(inline)'): HallConfig {
  const withDefaults = Value.Default(HallConfigSchema, structuredClone(raw ?? {}));
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(HallConfigSchema, withDefaults)) {
    const path = pointerToPath(e.path);
    // A failed union reports each branch; the first line per path is the useful one.
    if (seen.has(path)) continue;
    seen.add(path);
    problems.push({ path, message: e.message });
  }
  if (problems.length > 0) throw new HallConfigError(file, problems);
  const config = withDefaults as HallConfig;
  problems.push(...crossCheck(config));
  if (problems.length > 0) throw new HallConfigError(file, problems);
  return config;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function checkWeek(week: Week, base: string, out: ConfigProblem[]): void {
  for (const [day, sessions] of Object.entries(week)) {
    let lastEnd = -1;
    sessions.forEach((s, i) => {
      const start = minutes(s.start);
      const end = minutes(s.end);
      if (end <= start) out.push({ path: `${base}.${day}[${i}]`, message: `session ends (${s.end}) before it starts (${s.start})` });
      if (start < lastEnd) out.push({ path: `${base}.${day}[${i}]`, message: 'sessions overlap or are out of order' });
      lastEnd = end;
    });
  }
}

function duplicates<T>(items: T[], key: (t: T) => string, base: string, what: string, out: ConfigProblem[]): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const prev = first.get(k);
    if (prev !== undefined) out.push({ path: `${base}[${i}]`, message: `duplicate ${what} "${k}" (also at ${base}[${prev}])` });
    else first.set(k, i);
  });
}

function crossCheck(c: HallConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: c.hall.timeZone });
  } catch {
    out.push({ path: 'hall.timeZone', message: `unknown time zone "${c.hall.timeZone}" (use an IANA name such as Asia/Shanghai)` });
  }
  checkWeek(c.schedule.week, 'schedule.week', out);
  c.limits.trustedProxies.forEach((p, i) => {
    if (!isAddressOrRange(p)) out.push({ path: `limits.trustedProxies[${i}]`, message: `"${p}" is not an IP address or a CIDR range (such as 10.1.2.3 or 10.1.0.0/16)` });
  });
  duplicates(c.categories, (x) => x.id, 'categories', 'category id', out);
  duplicates(c.categories, (x) => x.prefix, 'categories', 'prefix', out);
  duplicates(c.windows, (x) => String(x.id), 'windows', 'window id', out);
  duplicates(c.staff, (x) => x.id, 'staff', 'staff id', out);
  duplicates(c.priorityGroups, (x) => x.id, 'priorityGroups', 'priority group id', out);
  duplicates(c.devices.tokens, (x) => x.id, 'devices.tokens', 'device id', out);
  // Two devices with one token: the hub could not tell them apart (and the last would silently win).
  duplicates(c.devices.tokens, (x) => x.tokenSha256 ?? createHash('sha256').update(x.token ?? '').digest('hex'), 'devices.tokens', 'token (the same secret)', out);
  c.categories.forEach((cat, i) => {
    if (cat.week) checkWeek(cat.week, `categories[${i}].week`, out);
  });
  c.priorityGroups.forEach((g, i) => {
    if (g.source === 'age' && g.minAge === undefined) out.push({ path: `priorityGroups[${i}]`, message: 'an age group needs minAge' });
  });
  const categoryIds = new Set(c.categories.map((x) => x.id));
  const staffById = new Map(c.staff.map((s) => [s.id, s]));
  const windowIds = new Set(c.windows.map((w) => w.id));
  c.windows.forEach((w, i) => {
    w.categories.forEach((wc, j) => {
      if (!categoryIds.has(wc.id)) out.push({ path: `windows[${i}].categories[${j}]`, message: `unknown category "${wc.id}"` });
    });
    duplicates(w.categories, (x) => x.id, `windows[${i}].categories`, 'category', out);
    for (const role of ['a', 'b'] as const) {
      const id = w.staff[role];
      if (id === undefined) continue;
      const s = staffById.get(id);
      if (!s) out.push({ path: `windows[${i}].staff.${role}`, message: `unknown staff "${id}"` });
      else if (s.role !== 'clerk') out.push({ path: `windows[${i}].staff.${role}`, message: `staff "${id}" is a ${s.role}, not a clerk` });
    }
  });
  c.devices.tokens.forEach((d, i) => {
    if (!d.token && !d.tokenSha256) out.push({ path: `devices.tokens[${i}]`, message: 'needs token or tokenSha256' });
    if (d.token && !d.demo && d.token.length < 24) out.push({ path: `devices.tokens[${i}].token`, message: 'a real token needs at least 24 characters' });
    if (d.windowId !== undefined && !windowIds.has(d.windowId)) out.push({ path: `devices.tokens[${i}].windowId`, message: `unknown window ${d.windowId}` });
    if ((d.kind === 'pad' || d.kind === 'integration') && d.windowId === undefined)
      out.push({ path: `devices.tokens[${i}]`, message: `a ${d.kind} token must name its windowId` });
  });
  c.booking.walkInOnly.forEach((id, i) => {
    if (!categoryIds.has(id)) out.push({ path: `booking.walkInOnly[${i}]`, message: `unknown category "${id}"` });
  });
  c.devices.tokens.forEach((d, i) => {
    // The provincial app reaches the hub from outside the hall: its secret is kept hashed, a plain one only in a demo.
    if (d.kind === 'booking' && d.token && !d.demo) out.push({ path: `devices.tokens[${i}].token`, message: 'a booking integration token is configured as tokenSha256 (a plain token only with demo: true)' });
  });
  const kiosks = new Set(c.devices.tokens.filter((d) => d.kind === 'kiosk').map((d) => d.id));
  c.devices.printers.forEach((p, i) => {
    if (!kiosks.has(p.kioskId)) out.push({ path: `devices.printers[${i}].kioskId`, message: `no kiosk token "${p.kioskId}"` });
    checkUri(p.uri, DEVICE_URI_RULES.printer, `devices.printers[${i}].uri`, out);
  });
  duplicates(c.devices.printers, (p) => p.kioskId, 'devices.printers', 'printer for kiosk', out);
  const led = c.devices.led;
  if (led?.bars) checkUri(led.bars.uri, DEVICE_URI_RULES.ledBars, 'devices.led.bars.uri', out);
  if (led?.wall) checkUri(led.wall.uri, DEVICE_URI_RULES.ledWall, 'devices.led.wall.uri', out);
  if (led?.bars) duplicates(c.windows.filter((w) => w.ledAddress !== undefined), (w) => String(w.ledAddress), 'windows', 'ledAddress', out);
  const caller = c.devices.caller;
  if (caller) {
    checkUri(caller.uri, DEVICE_URI_RULES.caller, 'devices.caller.uri', out);
    caller.keypads.forEach((k, i) => {
      if (!windowIds.has(k.windowId)) out.push({ path: `devices.caller.keypads[${i}].windowId`, message: `unknown window ${k.windowId}` });
    });
    duplicates(caller.keypads, (k) => String(k.address), 'devices.caller.keypads', 'keypad address', out);
    duplicates(caller.keypads, (k) => String(k.windowId), 'devices.caller.keypads', 'window', out);
  }
  const padBus = c.devices.padBus;
  if (padBus) {
    checkUri(padBus.uri, DEVICE_URI_RULES.caller, 'devices.padBus.uri', out);
    padBus.pads.forEach((k, i) => {
      if (!windowIds.has(k.windowId)) out.push({ path: `devices.padBus.pads[${i}].windowId`, message: `unknown window ${k.windowId}` });
    });
    duplicates(padBus.pads, (k) => String(k.address), 'devices.padBus.pads', 'pad address', out);
  }
  const idcard = c.devices.idcard;
  if (idcard) {
    if (idcard.kioskId !== undefined && !kiosks.has(idcard.kioskId)) out.push({ path: 'devices.idcard.kioskId', message: `no kiosk token "${idcard.kioskId}"` });
    if (idcard.kioskId === undefined && kiosks.size === 0) out.push({ path: 'devices.idcard', message: 'a reader needs a kiosk: add a kiosk token or set kioskId' });
    checkUri(idcard.uri, DEVICE_URI_RULES.idcard, 'devices.idcard.uri', out);
  }
  if (c.sms) {
    if (c.sms.modem && c.sms.gateway) out.push({ path: 'sms', message: 'a modem or a gateway, not both' });
    if (c.sms.modem) checkUri(c.sms.modem.uri, DEVICE_URI_RULES.smsModem, 'sms.modem.uri', out);
    if (c.sms.gateway) out.push(...checkSmsGatewayConfig(c.sms.gateway));
  }
  c.categories.forEach((cat, i) => {
    if (!c.windows.some((w) => w.categories.some((wc) => wc.id === cat.id)))
      out.push({ path: `categories[${i}]`, message: `no window serves category "${cat.id}"` });
  });
  return out;
}

function isAddressOrRange(s: string): boolean {
  const [ip = '', bits, extra] = s.split('/');
  const v = isIP(ip);
  if (v === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128);
}

/** A device address: `sim`, or what its rules allow (the same parser the hub connects with). */
function checkUri(uri: string, rules: DeviceUriRules, path: string, out: ConfigProblem[]): void {
  if (uri === 'sim') return;
  try {
    parseDeviceUri(uri, rules);
  } catch (err) {
    out.push({ path, message: `${(err as Error).message} (or sim)` });
  }
}

/** Demo credentials and demo switches in use: the hub warns loudly at start-up. */
export function demoEntries(c: HallConfig): string[] {
  return [
    ...(c.hall.demo ? ['hall.demo: simulator controls on /api/v1/sim/..., ID key allowed in the data directory'] : []),
    ...simulatorControls(c).map((s) => `simulator controls: ${s}`),
    ...c.staff.filter((s) => s.demo).map((s) => `staff ${s.id} (${s.name})`),
    ...c.devices.tokens.filter((d) => d.demo).map((d) => `device ${d.id} (${d.kind})`),
  ];
}

/**
 * The simulated devices whose controls (`/api/v1/sim/...`) the hub serves: a `sim` device in a demo
 * hall, or one marked `demo: true` itself. A `sim` device in a real hall runs, but nobody can drive it.
 */
export function simulatorControls(c: HallConfig): ('idcard' | 'printer' | 'caller' | 'led' | 'sms')[] {
  const on = (d: { demo?: boolean | undefined } | undefined, isSim: boolean) => !!d && isSim && (c.hall.demo === true || d.demo === true);
  const d = c.devices;
  const out: ('idcard' | 'printer' | 'caller' | 'led' | 'sms')[] = [];
  if (on(d.idcard, isSimDevice(d.idcard))) out.push('idcard');
  if (d.printers.some((p) => on(p, p.uri === 'sim'))) out.push('printer');
  if (on(d.caller, d.caller?.uri === 'sim')) out.push('caller');
  if (on(d.led?.bars, d.led?.bars?.uri === 'sim') || on(d.led?.wall, d.led?.wall?.uri === 'sim')) out.push('led');
  if (on(c.sms?.modem, c.sms?.modem?.uri === 'sim')) out.push('sms');
  return out;
}

function isSimDevice(d: HallConfig['devices']['idcard']): boolean {
  if (!d) return false;
  const any = d as { uri?: string; driver?: string };
  return any.uri === 'sim' || any.driver === 'sim';
}
