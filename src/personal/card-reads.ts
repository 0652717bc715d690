import { createHmac, randomBytes } from 'node:crypto';
import { holderKeyOf } from './holder-key.ts';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { businessDate } from '../domain/calendar.ts';
import { HallqError } from '../domain/errors.ts';
import type { Holder } from '../domain/state.ts';
import type { Applicant } from '../upstream/record.ts';
import type { Clock } from '../store/handle-command.ts';
import { birthYearOf, isValidIdNumber, maskIdNumber, maskName } from './id-number.ts';

/** What a reader produces (the kiosk issue's driver parses it from the card's text block). */
export interface CardRead {
  name: string;
  idNumber: string;
  /** `YYYYMMDD`, or `长期` for a card that does not expire. */
  validUntil?: string;
}

export interface CardReadResult {
  cardToken: string;
  expiresAt: number;
  holder: Omit<Holder, 'hmac'>;
}

/**
 * Turns a card read into a short-lived `cardToken` (DESIGN §5). The full number stops here: it is
 * hashed with the hall's key, masked, and dropped. Tokens live in memory only, so a hub restart
 * simply asks the resident to place the card again.
 */
export class CardReads {
  readonly #tokens = new Map<string, { holder: Holder; expiresAt: number; applicant: Applicant | null }>();

  /**
   * `keepApplicant`: the hall uploads ratings to a 好差评 platform that files them under the
   * applicant, so the name and full number stay with the token (in memory, for its few minutes)
   * until a ticket is issued with it; the ticket's commit then seals them into the upload outbox.
   */
  constructor(
    private readonly hmacKey: Buffer,
    private readonly clock: Clock,
    private readonly timeZone: string,
    private readonly ttlSec = 300,
    private readonly keepApplicant = false,
  ) {}

  hmacOf(idNumber: string): string {
    return holderKeyOf(createHmac('sha256', this.hmacKey).update(idNumber).digest());
  }

  accept(read: CardRead): CardReadResult {
    const id = read.idNumber.trim().toUpperCase();
    if (!isValidIdNumber(id)) throw new HallqError('HQ_ERR_ID_NUMBER_INVALID');
    if (read.validUntil && read.validUntil !== '长期') {
      const today = businessDate(this.clock.now(), this.timeZone).replaceAll('-', '');
      if (!/^\d{8}$/.test(read.validUntil)) throw new HallqError('HQ_ERR_VALIDATION', { field: 'validUntil' }, { zh: '有效期格式应为YYYYMMDD或长期', en: 'validUntil must be YYYYMMDD or 长期' });
      if (read.validUntil < today) throw new HallqError('HQ_ERR_ID_CARD_EXPIRED');
    }
    this.#sweep();
    const holder = this.holderOf(read);
    const cardToken = `ct_${randomBytes(18).toString('base64url')}`;
    const expiresAt = this.clock.now() + this.ttlSec * 1000;
    this.#tokens.set(cardToken, { holder, expiresAt, applicant: this.keepApplicant ? { type: 'person', name: read.name.trim(), id } : null });
    const { hmac: _hmac, ...visible } = holder;
    return { cardToken, expiresAt, holder: visible };
  }

  /** The holder a card read names (its key, masked ID and name), without issuing a token: for a history generator. */
  holderOf(read: CardRead): Holder {
    const id = read.idNumber.trim().toUpperCase();
    if (!isValidIdNumber(id)) throw new HallqError('HQ_ERR_ID_NUMBER_INVALID');
    return { hmac: this.hmacOf(id), idMasked: maskIdNumber(id), nameMasked: maskName(read.name), birthYear: birthYearOf(id) };
  }

  /** The holder behind a token; one token serves one kiosk session until it expires. */
  resolve(cardToken: string): Holder {
    const entry = this.#tokens.get(cardToken);
    if (!entry || entry.expiresAt < this.clock.now()) throw new HallqError('HQ_ERR_CARD_TOKEN_INVALID');
    return entry.holder;
  }

  /** The card's applicant for the 好差评 record, when the hall keeps it (see the constructor). */
  applicantOf(cardToken: string): Applicant | null {
    const entry = this.#tokens.get(cardToken);
    return entry && entry.expiresAt >= this.clock.now() ? entry.applicant : null;
  }

  #sweep(): void {
    const now = this.clock.now();
    for (const [k, v] of this.#tokens) if (v.expiresAt < now) this.#tokens.delete(k);
  }
}

export interface HmacKey {
  key: Buffer;
  /** Where it came from. `data-dir` is for a demo hall only: see the warning in main.ts. */
  source: 'env' | 'file' | 'data-dir';
  file: string | null;
}

/** The key cannot be used as configured; the hub must not start. */
export class HmacKeyError extends Error {
  override name = 'HmacKeyError';
}

/**
 * The hall's HMAC key for ID numbers: `HALLQ_ID_HMAC_KEY` (hex), else the file named by
 * `HALLQ_ID_HMAC_KEY_FILE` (made on first start), else — in a demo hall only — `<data>/id-hmac.key`.
 * The key must not travel with the database: with it, the masked number and the birth year narrow
 * an ID to a brute-forceable few thousand candidates. So outside a demo the hub refuses to start
 * while the key would sit inside the data directory (which is what gets copied and backed up).
 */
export function loadHmacKey(dataDir: string, env: NodeJS.ProcessEnv = process.env, opts: { demo?: boolean } = {}): HmacKey {
  return loadHallKey(dataDir, env, opts, { envHex: 'HALLQ_ID_HMAC_KEY', envFile: 'HALLQ_ID_HMAC_KEY_FILE', fileName: 'id-hmac.key', what: { zh: '身份证HMAC密钥', en: 'the ID HMAC key' }, example: '/etc/hallq/id-hmac.key' });
}

/**
 * The AES-256 key the applicant's ID number or credit code is sealed with in the upload outbox
 * (applicant-seal.ts): `HALLQ_APPLICANT_KEY` (hex), else `HALLQ_APPLICANT_KEY_FILE`, else — in a
 * demo hall only — `<data>/applicant.key`. Apart from the data directory for the same reason as the
 * HMAC key: a backup of the database must not carry what opens it.
 */
export function loadApplicantKey(dataDir: string, env: NodeJS.ProcessEnv = process.env, opts: { demo?: boolean } = {}): HmacKey {
  return loadHallKey(dataDir, env, opts, { envHex: 'HALLQ_APPLICANT_KEY', envFile: 'HALLQ_APPLICANT_KEY_FILE', fileName: 'applicant.key', what: { zh: '申请人信息加密密钥', en: 'the applicant encryption key' }, example: '/etc/hallq/applicant.key' });
}

/**
 * The AES-256 key phone numbers are sealed with while SMS may still go to them (contact-vault.ts):
 * `HALLQ_CONTACT_KEY` (hex), else `HALLQ_CONTACT_KEY_FILE`, else — in a demo hall only —
 * `<data>/contact.key`. Its own key, not the applicant's: a hall may send SMS without uploading to a
 * 好差评 platform, and the two are erased on different clocks.
 */
export function loadContactKey(dataDir: string, env: NodeJS.ProcessEnv = process.env, opts: { demo?: boolean } = {}): HmacKey {
  return loadHallKey(dataDir, env, opts, { envHex: 'HALLQ_CONTACT_KEY', envFile: 'HALLQ_CONTACT_KEY_FILE', fileName: 'contact.key', what: { zh: '手机号加密密钥', en: 'the phone number encryption key' }, example: '/etc/hallq/contact.key' });
}

interface KeySpec {
  envHex: string;
  envFile: string;
  fileName: string;
  what: { zh: string; en: string };
  example: string;
}

function loadHallKey(dataDir: string, env: NodeJS.ProcessEnv, opts: { demo?: boolean }, spec: KeySpec): HmacKey {
  const fromEnv = env[spec.envHex];
  if (fromEnv) return { key: parseKey(fromEnv, spec.envHex, spec.what), source: 'env', file: null };
  const named = env[spec.envFile];
  const file = resolve(named ?? join(dataDir, spec.fileName));
  if (!opts.demo && isInside(file, resolve(dataDir))) {
    throw new HmacKeyError(
      `${spec.what.zh}不能放在数据目录中 / ${spec.what.en} must not be inside the data directory (${file}).\n` +
        `  Set ${spec.envFile} to a file outside it and its backups, for example ${spec.example};\n` +
        '  the hub creates it (mode 0600) on its first start. Only a demo hall (hall.demo: true) may keep it in the data directory.',
    );
  }
  // An empty file was left by a start that failed while writing it; it never keyed anything.
  if (!existsSync(file) || statSync(file).size === 0) writeKeyAtomically(file);
  return { key: parseKey(readFileSync(file, 'utf8').trim(), file, spec.what), source: named ? 'file' : 'data-dir', file };
}

/**
 * Writes a new key to a temporary file, syncs it, then renames it into place: a full disk or a
 * power cut leaves either no key or a whole one, never the empty file that kept the hub from
 * ever starting again.
 */
function writeKeyAtomically(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const hex = randomBytes(32).toString('hex');
      if (writeSync(fd, hex) !== hex.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  const dirFd = openSync(dirname(file), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

function isInside(file: string, dir: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function parseKey(hex: string, where: string, what: { zh: string; en: string }): Buffer {
  if (!/^[0-9a-fA-F]{64,}$/.test(hex)) throw new HmacKeyError(`${what.zh}格式错误 / ${what.en} in ${where} must be at least 64 hex characters (32 bytes)`);
  return Buffer.from(hex, 'hex');
}
