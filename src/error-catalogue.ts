import { DEVICE_ERRORS } from '../devices/errors.ts';
import { VOICE_ERRORS } from './announcer/errors.ts';
import { STATUS_OF } from './api/http-errors.ts';
import { ERRORS } from './domain/errors.ts';
import { UPSTREAM_ERRORS } from './upstream/errors.ts';
import { BACKUP_ERRORS } from './backup/errors.ts';

/** One error code of hallq, wherever it is raised. */
export interface CatalogueEntry {
  code: string;
  /** Where it comes from: the hub's rules and API, voice, the 好差评 upload, or a device kind. */
  area: string;
  zh: string;
  en: string;
  /** The HTTP status when it can reach an API reply; null for the operator's log or a device status. */
  httpStatus: number | null;
}

/** Every code in one list: the hub's (with their HTTP status), voice, upload and device codes. */
export const ERROR_CATALOGUE: readonly CatalogueEntry[] = [
  ...Object.entries(ERRORS).map(([code, t]) => ({ code, area: 'hub', zh: t.zh, en: t.en, httpStatus: STATUS_OF[code as keyof typeof ERRORS] })),
  ...Object.entries(VOICE_ERRORS).map(([code, t]) => ({ code, area: 'voice', zh: t.zh, en: t.en, httpStatus: null })),
  ...Object.entries(UPSTREAM_ERRORS).map(([code, t]) => ({ code, area: 'upstream', zh: t.zh, en: t.en, httpStatus: null })),
  ...Object.entries(BACKUP_ERRORS).map(([code, t]) => ({ code, area: 'backup', zh: t.zh, en: t.en, httpStatus: null })),
  ...DEVICE_ERRORS.map((e) => ({ code: e.code, area: `device: ${e.area}`, zh: e.zh, en: e.en, httpStatus: null })),
];

/** `docs/errors.md`, generated: `npm run docs:errors` writes it, a test checks it is current. */
export function errorsMarkdown(): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const lines = [
    '# Error codes',
    '',
    'Generated from the catalogues by `npm run docs:errors`; a test fails when this file is out of date. Every',
    'code is unique and never reused. An API error reply is `{error: {code, message, zh, en, detail?}}` with the',
    'status below; codes without a status reach the operator\'s log or a device\'s status, not an API reply.',
    '',
    '| code | area | HTTP | 中文 | English |',
    '|---|---|---|---|---|',
    ...ERROR_CATALOGUE.map((e) => `| \`${e.code}\` | ${e.area} | ${e.httpStatus ?? '—'} | ${cell(e.zh)} | ${cell(e.en)} |`),
    '',
  ];
  return lines.join('\n');
}
