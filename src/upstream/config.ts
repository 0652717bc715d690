import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { UpstreamError } from './errors.ts';
import { isValidCreditCode } from '../personal/credit-code.ts';

/** A dotted path: `level`, `holder.idMasked`, `data.pjdj`. Segments are anything but dots and spaces. */
const DottedPath = Type.String({ pattern: '^[^.\\s]+(\\.[^.\\s]+)*$', description: 'dotted path, e.g. data.pjdj' });
const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

/** How a source value is written before `values` translation. */
export const FieldFormatSchema = Type.Union([
  /** Milliseconds since the epoch (our timestamps as they are). */
  Type.Literal('epoch-ms'),
  /** Whole seconds since the epoch. */
  Type.Literal('epoch-s'),
  /** `2025-03-01T02:04:05.000Z`. */
  Type.Literal('iso'),
  /** `2025-03-01 10:04:05` in `timeZone` (the usual format of provincial platforms). */
  Type.Literal('datetime'),
  /** An array joined with commas (`reasons` → `服务效率,服务态度`). */
  Type.Literal('join'),
  /** `String(value)`; null stays null. */
  Type.Literal('string'),
]);
export type FieldFormat = Static<typeof FieldFormatSchema>;

/**
 * How our rating record becomes the province's JSON body. Source paths read the record the hub
 * enqueues (the `rating.recorded` event data); target paths may nest (`data.pjdj` makes
 * `{"data":{"pjdj":…}}`). Constants are written first, then fields, in the order given here, so the
 * body's bytes are stable for a given record.
 *
 * ```yaml
 * mapping:
 *   fields: { caseNo: bjbh, itemCode: sxbm, level: data.pjdj, ratedAt: data.pjsj, reasons: data.cpyy }
 *   constants: { data.qdlx: '1', version: '1.0' }
 *   values: { level: { '5': '5', '4': '4', '3': '3', '2': '2', '1': '1' } }
 *   formats: { ratedAt: datetime, reasons: join }
 * ```
 */
export const UpstreamMappingSchema = Type.Object(
  {
    /** Our field (source path) → the platform's field (target path). At least one. */
    fields: Type.Record(DottedPath, DottedPath, { minProperties: 1, additionalProperties: false }),
    /** Target path → a fixed value (channel codes, API version, the hall's platform code). */
    constants: Type.Optional(Type.Record(DottedPath, Scalar, { additionalProperties: false })),
    /** Our field → a table from our value (as a string) to the platform's; values not listed pass through. */
    values: Type.Optional(Type.Record(DottedPath, Type.Record(Type.String(), Scalar), { additionalProperties: false })),
    /** Our field → how to write it. */
    formats: Type.Optional(Type.Record(DottedPath, FieldFormatSchema, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type UpstreamMapping = Static<typeof UpstreamMappingSchema>;

/** Which protocol the hall's province speaks (docs/upstream.md has each one's fields). */
export const AdapterKindSchema = Type.Union([
  /** Our record as JSON, shaped by `mapping`, signed (the first upload, issue #5). */
  Type.Literal('generic-json'),
  /** A pushed evaluation report of form parameters, like Zhejiang's `offlinereport`. */
  Type.Literal('zhejiang-form'),
  /** The province's own rating page on the pad (like Anhui's): we push the case, its page takes the rating and reports it back. */
  Type.Literal('anhui-page'),
]);
export type AdapterKind = Static<typeof AdapterKindSchema>;

/** A service item (事项) as the platform knows it: codes it files the rating under. */
export const UpstreamItemSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** The owning department's 18-character unified social credit code (GB 32100). */
    deptCode: Type.String({ pattern: '^[0-9A-Z]{18}$' }),
    /** The department's administrative division code: 6 or 12 digits. */
    areaCode: Type.String({ pattern: '^(\\d{6}|\\d{12})$' }),
    /** 即办件 (immediate) or 承诺件 (promised, with its working days). */
    caseType: Type.Union([Type.Literal('immediate'), Type.Literal('promised')]),
    promisedDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    /** 事项主题, e.g. 户籍办理. */
    subMatter: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    deptName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    areaName: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  },
  { additionalProperties: false },
);
export type UpstreamItem = Static<typeof UpstreamItemSchema>;

/** Codes from the province's lists: never free text on the record (docs/upstream.md). */
export const UpstreamCodesSchema = Type.Object(
  {
    /** Rating channel (评价渠道 `pf`) per source: a counter tablet is 4, any other hall terminal 5. */
    channels: Type.Object(
      {
        pad: Type.String({ pattern: '^\\d{1,2}$', default: '4' }),
        hid: Type.String({ pattern: '^\\d{1,2}$', default: '5' }),
        rs485: Type.String({ pattern: '^\\d{1,2}$', default: '5' }),
        /** The province's own page shown on the counter tablet (the province files it; we only name it in the URL). */
        page: Type.String({ pattern: '^\\d{1,2}$', default: '4' }),
        /** The platform's own default for an unrated service (系统默认评价). */
        systemDefault: Type.String({ pattern: '^\\d{1,2}$', default: '7' }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Indicator code (测评内容代码, `evalDetail`) for each rating reason the pads offer. */
    reasons: Type.Record(Type.String({ minLength: 1 }), Type.String({ pattern: '^[0-9A-Za-z_-]{1,32}$' }), { default: {} }),
    /** The items (事项) by our item code: code, name, department, area, case type, promised time. */
    items: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), UpstreamItemSchema, { default: {} }),
    /** `dataSource`: three digits naming the sending system's province (Zhejiang: 133). */
    dataSource: Type.String({ pattern: '^\\d{3}$', default: '133' }),
  },
  { additionalProperties: false },
);
export type UpstreamCodes = Static<typeof UpstreamCodesSchema>;

/**
 * The `upstream:` section of the hall config (好差评 upload). Every field but `endpoint`, `mapping`
 * (generic-json only) and one of `secret`/`secretFile` has a default; `resolveUpstreamConfig` fills
 * them, loads the secret and checks the mapping and the codes.
 */
export const UpstreamConfigSchema = Type.Object(
  {
    adapter: Type.Optional(AdapterKindSchema),
    /** The platform's URL for one record (a rating, an unrated service, a follow-up result). */
    endpoint: Type.String({ pattern: '^https?://[\\x21-\\x7e]+$' }),
    /** HMAC-SHA256 key for `X-Signature`. Prefer `secretFile` outside the data directory and its backups. */
    secret: Type.Optional(Type.String({ minLength: 16 })),
    /** File holding the key (trimmed); relative paths are from the config file's directory. */
    secretFile: Type.Optional(Type.String({ minLength: 1 })),
    /** generic-json: how our record becomes the province's JSON. */
    mapping: Type.Optional(UpstreamMappingSchema),
    /** generic-json: the body of a follow-up result (回访, 整改); without it results are not uploaded. */
    followupMapping: Type.Optional(UpstreamMappingSchema),
    /** generic-json: the body of an unrated service, with `unrated: platform-default`. */
    unratedMapping: Type.Optional(UpstreamMappingSchema),
    /**
     * anhui-page: the province's rating page. The pad shows it (and its QR) with the case in the URL,
     * base64 applied twice as the province's page expects; never the applicant.
     */
    pageUrl: Type.Optional(Type.String({ pattern: '^https?://[\\x21-\\x7e]+$' })),
    /** Where follow-up results go, when the platform takes them at another URL than ratings. */
    followupEndpoint: Type.Optional(Type.String({ pattern: '^https?://[\\x21-\\x7e]+$' })),
    /** zhejiang-form and anhui-page: the province's codes. */
    codes: Type.Optional(UpstreamCodesSchema),
    /** zhejiang-form: the `result` values of the platform's reply that mean "accepted". */
    acceptResults: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, default: ['0'] }),
    /**
     * An unrated service: `none` sends nothing (our record says unrated, and so does nobody else);
     * `platform-default` sends the service without a level, and the platform records its own default
     * (channel 7), which is the platform's act, shown as such. We never invent a level.
     */
    unrated: Type.Union([Type.Literal('none'), Type.Literal('platform-default')], { default: 'none' }),
    /** The applicant's ID or credit code, held encrypted in the outbox row until acknowledged. */
    applicant: Type.Object(
      {
        /** Erased after this long even if never delivered; the record becomes a dead letter. */
        eraseAfterHours: Type.Number({ minimum: 0.001, maximum: 24 * 90, default: 72 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * Where the platform can be asked what it received (`GET ?from=&to=`, ms since the epoch, signed
     * like a post): the daily reconciliation runs only where this is set. The public interfaces name
     * no such query; a province that offers one is configured here (docs/upstream.md).
     */
    reconcile: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://[\\x21-\\x7e]+$' }),
          /** Local hour at which yesterday is compared. */
          atHour: Type.Integer({ minimum: 0, maximum: 23, default: 2 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Extra fixed request headers (an app key, say). Cannot replace the four hallq sets. */
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" }), Type.String(), { additionalProperties: false }),
    ),
    /**
     * Platforms that answer 200 with an error code in the body: the path and the values meaning
     * "accepted". A 2xx whose body does not match is retried, never taken as delivered.
     */
    ackWhen: Type.Optional(
      Type.Object({ path: DottedPath, equals: Type.Array(Scalar, { minItems: 1 }) }, { additionalProperties: false }),
    ),
    /** Zone for `datetime` formats. */
    timeZone: Type.String({ minLength: 1, default: 'Asia/Shanghai' }),
    /** One POST, response body included; past it the attempt counts as failed and is retried. */
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
    /** With nothing to send, look for new rows this often (the hub also wakes the worker on each rating). */
    pollMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 5000 }),
    /** Wait after failed attempt n: min(maxMs, baseMs × 2^(n−1)). */
    backoff: Type.Object(
      {
        baseMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 1000 }),
        maxMs: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 300_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Records the platform refuses as malformed (400, 413, 422); see worker.ts. */
    deadLetter: Type.Object(
      {
        /** Refusals of one record before it is parked and the queue moves on. */
        afterAttempts: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
        /** Parked records in a row after which no more are parked: the config is wrong, not the records. */
        maxInARow: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type UpstreamConfig = Static<typeof UpstreamConfigSchema>;

/** The config with defaults filled and the secret loaded. */
export type ResolvedUpstreamConfig = Omit<UpstreamConfig, 'secret' | 'secretFile' | 'adapter'> & { secret: string; adapter: AdapterKind };

/** Which records besides ratings this config uploads (the projections write rows only for those). */
export function uploadChoices(config: Pick<UpstreamConfig, 'adapter' | 'unrated' | 'followupMapping'> | undefined): { unrated: boolean; followups: boolean; cases: boolean } {
  if (!config) return { unrated: false, followups: false, cases: false };
  const generic = (config.adapter ?? 'generic-json') === 'generic-json';
  // The province's page takes the rating itself: what we send is the case, pushed when the service ends.
  const page = config.adapter === 'anhui-page';
  return { unrated: config.unrated === 'platform-default', followups: !generic || config.followupMapping !== undefined, cases: page };
}

/** What of the hall config the code check needs: the items a completion may name, the reasons a pad offers. */
export interface HallCodesContext {
  items: readonly string[];
  reasons: readonly string[];
}

export interface ResolveOptions {
  /** Check the codes against the hall: every item and reason must have its codes. */
  hall?: HallCodesContext;
  /** Where a relative `secretFile` is looked up. Default: the working directory. */
  baseDir?: string;
  readFile?: (file: string) => string;
}

/** Fills defaults, checks the schema and the mapping, loads the secret; throws HQ_ERR_UPSTREAM_CONFIG. */
export function resolveUpstreamConfig(input: unknown, opts: ResolveOptions = {}): ResolvedUpstreamConfig {
  const filled: unknown = Value.Default(UpstreamConfigSchema, structuredClone(input ?? {}));
  const problems = [...Value.Errors(UpstreamConfigSchema, filled)].map((e) => `${e.path || '/'}: ${e.message}`);
  if (problems.length > 0 || !Value.Check(UpstreamConfigSchema, filled)) throw configError(problems);
  const config = filled;

  if ((config.secret === undefined) === (config.secretFile === undefined)) {
    problems.push('/secret: give exactly one of secret and secretFile');
  }
  if (config.backoff.baseMs > config.backoff.maxMs) problems.push('/backoff: baseMs is greater than maxMs');
  const adapter = config.adapter ?? 'generic-json';
  if (adapter === 'generic-json') {
    if (config.mapping === undefined) problems.push('/mapping: the generic-json adapter needs a field mapping');
    else problems.push(...mappingProblems(config.mapping));
    if (config.followupMapping) problems.push(...mappingProblems(config.followupMapping, '/followupMapping'));
    if (config.unratedMapping) problems.push(...mappingProblems(config.unratedMapping, '/unratedMapping'));
    if (config.unrated === 'platform-default' && !config.unratedMapping) problems.push('/unratedMapping: unrated: platform-default needs the body of an unrated record');
  } else {
    if (config.codes === undefined) problems.push(`/codes: the ${adapter} adapter needs the province's codes (channels, reasons, items)`);
    else problems.push(...codeProblems(config.codes, opts.hall));
    if (adapter === 'anhui-page' && config.pageUrl === undefined) problems.push('/pageUrl: the anhui-page adapter needs the province rating page');
    // The province's page records a default (or nothing) itself; we have nothing of our own to send.
    if (adapter === 'anhui-page' && config.unrated === 'platform-default') problems.push('/unrated: with anhui-page the province records unrated services itself: use none');
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: config.timeZone });
  } catch {
    problems.push(`/timeZone: unknown time zone ${config.timeZone}`);
  }
  for (const name of Object.keys(config.headers ?? {})) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) problems.push(`/headers/${name}: set by hallq, cannot be configured`);
  }
  if (problems.length > 0) throw configError(problems);

  const { secret, secretFile, ...rest } = config;
  let key = secret;
  if (secretFile !== undefined) {
    const file = isAbsolute(secretFile) ? secretFile : resolve(opts.baseDir ?? process.cwd(), secretFile);
    try {
      key = (opts.readFile ?? ((f) => readFileSync(f, 'utf8')))(file).trim();
    } catch (err) {
      throw configError([`/secretFile: cannot read ${file}: ${(err as Error).message}`]);
    }
    if (key.length < 16) throw configError([`/secretFile: ${file} holds fewer than 16 characters`]);
  }
  return { ...rest, adapter, secret: key ?? '' };
}

/**
 * Every item uploaded must carry its department and area codes, and every reason its indicator
 * code: a record the platform would file under no department, or with a free-text reason, is
 * refused at start-up rather than at 3 a.m. by the platform.
 */
export function codeProblems(codes: UpstreamCodes, hall?: HallCodesContext): string[] {
  const problems: string[] = [];
  for (const [code, item] of Object.entries(codes.items)) {
    if (!isValidCreditCode(item.deptCode)) problems.push(`/codes/items/${code}/deptCode: ${item.deptCode} fails the GB 32100 check`);
    if (item.caseType === 'promised' && item.promisedDays === undefined) problems.push(`/codes/items/${code}/promisedDays: a promised item (承诺件) needs its working days`);
  }
  if (hall) {
    for (const code of hall.items) {
      if (!Object.hasOwn(codes.items, code)) problems.push(`/codes/items/${code}: item ${code} (ratings.items) has no entry with deptCode, areaCode and case type`);
    }
    for (const reason of hall.reasons) {
      if (!Object.hasOwn(codes.reasons, reason)) problems.push(`/codes/reasons: the reason ${reason} has no indicator code`);
    }
  }
  return problems;
}

export const RESERVED_HEADERS = new Set(['content-type', 'x-idempotency-key', 'x-signature', 'x-timestamp', 'content-length', 'host']);

/**
 * Target paths must not collide: two fields writing `pjdj`, or `data` written as a value and also
 * used as the parent of `data.pjdj`, would make a body that loses one of them.
 */
/** `where`: the mapping's path in the config, for the messages. */
export function mappingProblems(mapping: UpstreamMapping, where = '/mapping'): string[] {
  const problems: string[] = [];
  const targets = [...Object.keys(mapping.constants ?? {}), ...Object.values(mapping.fields)];
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(t)) problems.push(`${where}: target ${t} is written twice`);
    seen.add(t);
  }
  for (const t of seen) {
    for (const u of seen) {
      if (u.startsWith(`${t}.`)) problems.push(`${where}: target ${t} is a value and also the parent of ${u}`);
    }
  }
  for (const source of [...Object.keys(mapping.values ?? {}), ...Object.keys(mapping.formats ?? {})]) {
    if (!(source in mapping.fields)) problems.push(`${where}: ${source} has a value table or format but is not in fields`);
  }
  return problems;
}

function configError(problems: string[]): UpstreamError {
  return new UpstreamError('HQ_ERR_UPSTREAM_CONFIG', `好差评上报配置有误 / invalid upstream config:\n  - ${problems.join('\n  - ')}`);
}
