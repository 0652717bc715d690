import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { HallqError } from '../domain/errors.ts';
import type { Db } from '../store/db.ts';

export interface AgentRecord {
  id: string;
  code: string;
  hostname: string;
  status: 'pending' | 'approved' | 'revoked';
  name: string | null;
  devices: string[];
  /** Whether the agent has collected its token (it is then paired). */
  paired: boolean;
  requestedAt: number;
  approvedAt: number | null;
  approvedBy: string | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

interface Row {
  id: string;
  code: string;
  secret_sha256: string;
  hostname: string;
  status: AgentRecord['status'];
  name: string | null;
  devices: string;
  token_sha256: string | null;
  requested_at: number;
  approved_at: number | null;
  approved_by: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Requests waiting for a manager at once: a stranger on the LAN cannot fill the table. */
const MAX_PENDING = 20;

/**
 * Device agents and their pairing (issue #14 §1). An agent asks with an id and a secret of its own;
 * the hub gives it a six-digit code to show. A manager approves it by typing that code, naming it and
 * the devices it hosts. The agent then collects its token once, with its secret; the hub keeps only
 * the token's SHA-256. A manager can revoke it; the token then opens nothing.
 */
export class AgentStore {
  readonly #get;
  readonly #byToken;
  readonly #hosts;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.#get = db.prepare('SELECT * FROM agents WHERE id = ?');
    this.#byToken = db.prepare(`SELECT id, name FROM agents WHERE token_sha256 = ? AND status = 'approved'`);
    this.#hosts = db.prepare(`SELECT a.id FROM agents a, json_each(a.devices) d WHERE a.status = 'approved' AND d.value = ? ORDER BY a.requested_at`).pluck();
  }

  list(): AgentRecord[] {
    return (this.db.prepare('SELECT * FROM agents ORDER BY requested_at').all() as Row[]).map(toRecord);
  }

  get(id: string): AgentRecord | null {
    const r = this.#get.get(id) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  /** An agent's (repeated) request. A known agent with the same secret keeps its code; a revoked one must be forgotten first. */
  request(id: string, secret: string, hostname: string): { code: string; status: AgentRecord['status'] } {
    const row = this.#get.get(id) as Row | undefined;
    if (row) {
      if (!sameHash(row.secret_sha256, sha256(secret))) throw new HallqError('HQ_ERR_AGENT_SECRET');
      if (row.status === 'revoked') throw new HallqError('HQ_ERR_AGENT_REVOKED');
      return { code: row.code, status: row.status };
    }
    const pending = (this.db.prepare(`SELECT COUNT(*) AS n FROM agents WHERE status = 'pending'`).get() as { n: number }).n;
    if (pending >= MAX_PENDING) throw new HallqError('HQ_ERR_TOO_MANY_REQUESTS');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.db
      .prepare(`INSERT INTO agents (id, code, secret_sha256, hostname, status, requested_at) VALUES (?, ?, ?, ?, 'pending', ?)`)
      .run(id, code, sha256(secret), hostname, this.clock.now());
    return { code, status: 'pending' };
  }

  approve(id: string, code: string, name: string, devices: string[], by: string): AgentRecord {
    const row = this.#get.get(id) as Row | undefined;
    if (!row) throw new HallqError('HQ_ERR_AGENT_UNKNOWN');
    if (row.status === 'revoked') throw new HallqError('HQ_ERR_AGENT_REVOKED');
    if (!sameHash(sha256(row.code), sha256(code))) throw new HallqError('HQ_ERR_PAIRING_CODE_WRONG');
    this.db.prepare(`UPDATE agents SET status = 'approved', name = ?, devices = ?, approved_at = ?, approved_by = ? WHERE id = ?`).run(name, JSON.stringify(devices), this.clock.now(), by, id);
    return this.get(id)!;
  }

  /**
   * The agent collects its token with its secret: made now, returned this once, kept as a hash.
   * Null while the request waits for a manager.
   */
  collect(id: string, secret: string): { token: string; name: string; devices: string[] } | null {
    const row = this.#get.get(id) as Row | undefined;
    if (!row) throw new HallqError('HQ_ERR_AGENT_UNKNOWN');
    if (!sameHash(row.secret_sha256, sha256(secret))) throw new HallqError('HQ_ERR_AGENT_SECRET');
    if (row.status === 'revoked') throw new HallqError('HQ_ERR_AGENT_REVOKED');
    if (row.status === 'pending') return null;
    if (row.token_sha256 !== null) throw new HallqError('HQ_ERR_AGENT_TOKEN_COLLECTED');
    const token = `ag_${randomBytes(24).toString('base64url')}`;
    this.db.prepare('UPDATE agents SET token_sha256 = ? WHERE id = ?').run(sha256(token), id);
    return { token, name: row.name ?? id, devices: JSON.parse(row.devices) as string[] };
  }

  revoke(id: string, by: string): AgentRecord {
    if (!this.#get.get(id)) throw new HallqError('HQ_ERR_AGENT_UNKNOWN');
    this.db.prepare(`UPDATE agents SET status = 'revoked', revoked_at = ?, revoked_by = ? WHERE id = ?`).run(this.clock.now(), by, id);
    return this.get(id)!;
  }

  /** The ids of the approved agents that host a device (asked per ticket: one prepared read, no list). */
  hostsOf(device: string): string[] {
    return this.#hosts.all(device) as string[];
  }

  /** The approved agent a token's SHA-256 belongs to. */
  byTokenHash(hash: string): { id: string; name: string } | null {
    const r = this.#byToken.get(hash) as { id: string; name: string | null } | undefined;
    return r ? { id: r.id, name: r.name ?? r.id } : null;
  }
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function toRecord(r: Row): AgentRecord {
  return {
    id: r.id,
    code: r.code,
    hostname: r.hostname,
    status: r.status,
    name: r.name,
    devices: JSON.parse(r.devices) as string[],
    paired: r.token_sha256 !== null,
    requestedAt: r.requested_at,
    approvedAt: r.approved_at,
    approvedBy: r.approved_by,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
  };
}
