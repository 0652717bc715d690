import type { UpstreamCodes, UpstreamItem } from './config.ts';
import { formatDateTime } from './mapping.ts';
import type { FollowupRecord } from './record.ts';

/** A field and its value; an absent value (null, undefined, '') is left out, never sent empty. */
export type Field = [string, string | null | undefined];

/** The fields with a value: the platforms refuse what is missing in their own words (docs/upstream.md). */
export function presentFields(fields: readonly Field[]): [string, string][] {
  return fields.filter((f): f is [string, string] => typeof f[1] === 'string' && f[1] !== '');
}

/** The item's codes from config, by our item code; null when the item has none. */
export function itemOf(codes: UpstreamCodes, code: string | null): UpstreamItem | null {
  return code !== null && Object.hasOwn(codes.items, code) ? codes.items[code]! : null;
}

/** `evalDetail`: the reasons as indicator codes, comma-separated; null when there are none. */
export function evalDetail(codes: UpstreamCodes, reasons: readonly string[]): string | null {
  return reasons.length > 0 ? reasons.map((x) => codes.reasons[x] ?? x).join(',') : null;
}

/** A follow-up step as both form-style provinces take it (the names are ours, docs/upstream.md). */
export function reviewFields(f: FollowupRecord, timeZone: string): Field[] {
  return [
    ['reviewType', f.step === 'callback' ? '1' : '2'],
    ['reviewContent', f.note],
    ['reviewTime', formatDateTime(f.at, timeZone)],
    ['reviewSatisfaction', f.satisfied === null ? null : f.satisfied ? '1' : '0'],
    ['rectifyStatus', f.step === 'rectification' ? (f.closed ? '1' : '0') : null],
    ['reviewer', f.by],
  ];
}
