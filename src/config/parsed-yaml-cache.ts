import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The hall config's YAML as parsed on the last start, kept beside the database by the text's SHA-256:
 * a city centre's config (312 windows, 160 KB) took the YAML parser 0.3–0.7 s of every start (issue
 * #10 §10, start → serving ≤ 3 s), and the text seldom changes between starts. Only the text → plain
 * object step is kept; the schema and the cross-checks run on every start, so a cached parse can never
 * let a config through that the hub's code would refuse. A value JSON cannot carry exactly (a date,
 * ±Infinity, NaN) is not cached. The file holds what the config does (device tokens, password
 * hashes): it is written for the hub's user alone, in the data directory that is already only theirs.
 */
const FILE = 'config.parsed.json';
/** Bumped when what the parse produces could change (the YAML library, its options). */
const FORMAT = 1;

interface Cached {
  format: number;
  sha256: string;
  value: unknown;
}

export function parseYamlCached(text: string, parse: (text: string) => unknown, dir: string | null): unknown {
  if (dir === null) return parse(text);
  const sha256 = createHash('sha256').update(text).digest('hex');
  const file = join(dir, FILE);
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Cached;
    if (cached.format === FORMAT && cached.sha256 === sha256) return cached.value;
  } catch {
    // none yet, or unreadable: parse
  }
  const value = parse(text);
  if (existsSync(dir) && isPlainJson(value)) {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, sha256, value } satisfies Cached), { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      // A read-only or full data directory: the next start parses again (and the hub finds out about the directory itself).
      try {
        rmSync(tmp, { force: true });
      } catch {
        // nothing more to do
      }
    }
  }
  return value;
}

function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(isPlainJson);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(isPlainJson);
  return false;
}
