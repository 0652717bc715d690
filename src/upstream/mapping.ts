import type { FieldFormat, UpstreamMapping } from './config.ts';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Reads a dotted path; undefined when any step is missing. Own properties only. */
export function getPath(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const seg of path.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, seg)) return undefined;
    at = (at as Record<string, unknown>)[seg];
  }
  return at;
}

/** Writes a dotted path, creating the objects on the way (config checks keep targets from colliding). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.split('.');
  const last = segs.pop()!;
  let at = target;
  for (const seg of segs) {
    const next = Object.hasOwn(at, seg) ? at[seg] : undefined;
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
      at = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      define(at, seg, created);
      at = created;
    }
  }
  define(at, last, value);
}

/** A plain own data property even for a name like `__proto__`. */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:mm:ss` in the zone. */
export function formatDateTime(ms: number, timeZone: string): string {
  let f = dateTimeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    dateTimeFormats.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(ms)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Applies a format; values of another type (null, a string where a time was expected) pass through. */
export function formatValue(value: unknown, format: FieldFormat, timeZone: string): unknown {
  switch (format) {
    case 'epoch-ms':
      return value;
    case 'epoch-s':
      return typeof value === 'number' ? Math.floor(value / 1000) : value;
    case 'iso':
      return typeof value === 'number' ? new Date(value).toISOString() : value;
    case 'datetime':
      return typeof value === 'number' ? formatDateTime(value, timeZone) : value;
    case 'join':
      return Array.isArray(value) ? value.map(String).join(',') : value;
    case 'string':
      return value === null || value === undefined ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    default: {
      const _exhaustive: never = format;
      return _exhaustive;
    }
  }
}

/**
 * The platform's body for one rating record: constants first, then each mapped field (format, then
 * value table). A source field missing from the record is left out; null is sent as null.
 */
export function buildBody(record: unknown, mapping: UpstreamMapping, timeZone: string): Record<string, Json> {
  const body: Record<string, unknown> = {};
  for (const [target, value] of Object.entries(mapping.constants ?? {})) setPath(body, target, value);
  for (const [source, target] of Object.entries(mapping.fields)) {
    let value = getPath(record, source);
    if (value === undefined) continue;
    const format = mapping.formats?.[source];
    if (format) value = formatValue(value, format, timeZone);
    const table = mapping.values?.[source];
    if (table && value !== null && typeof value !== 'object') {
      const key = String(value);
      if (Object.hasOwn(table, key)) value = table[key];
    }
    setPath(body, target, value);
  }
  return body as Record<string, Json>;
}
