import { createHash, randomBytes } from 'node:crypto';
import type { DeviceTokenConfig, HallConfig, StaffConfig } from '../config/schema.ts';
import type { Actor } from '../domain/commands.ts';
import type { Db } from '../store/open-db.ts';
import type { Clock } from '../store/handle-command.ts';

export type Principal =
  | { kind: 'staff'; staff: StaffConfig; actor: Actor; windows: { id: number; role: 'A' | 'B' }[] }
  | { kind: 'device'; device: DeviceTokenConfig; actor: Actor };

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Resolves bearer tokens: device tokens from config, staff sessions from SQLite (they survive a restart). */
export class Principals {
  readonly #devices = new Map<string, DeviceTokenConfig>();
  readonly #staff = new Map<string, StaffConfig>();
  readonly #insert;
  readonly #find;
  readonly #delete;
  readonly #ended: ((token: string) => void)[] = [];
  /** Paired device agents, by their token's SHA-256 (`AgentStore.byTokenHash`); set by the hub. */
  agentByTokenHash: ((hash: string) => { id: string; name: string } | null) | null = null;

  constructor(
    db: Db,
    private readonly config: HallConfig,
    private readonly clock: Clock,
  ) {
    for (const d of config.devices.tokens) this.#devices.set(d.tokenSha256 ?? sha256(d.token ?? ''), d);
    for (const s of config.staff) this.#staff.set(s.id, s);
    this.#insert = db.prepare('INSERT INTO staff_sessions (token_sha256, staff_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
    this.#find = db.prepare('SELECT staff_id, expires_at FROM staff_sessions WHERE token_sha256 = ?');
    this.#delete = db.prepare('DELETE FROM staff_sessions WHERE token_sha256 = ? OR expires_at < ?');
  }

  staffById(id: string): StaffConfig | undefined {
    return this.#staff.get(id);
  }

  windowsOf(staffId: string): { id: number; role: 'A' | 'B' }[] {
    const out: { id: number; role: 'A' | 'B' }[] = [];
    for (const w of this.config.windows) {
      if (w.staff.a === staffId) out.push({ id: w.id, role: 'A' });
      if (w.staff.b === staffId) out.push({ id: w.id, role: 'B' });
    }
    return out;
  }

  createSession(staffId: string): { token: string; expiresAt: number } {
    const token = `st_${randomBytes(24).toString('base64url')}`;
    const now = this.clock.now();
    const expiresAt = now + SESSION_TTL_MS;
    this.#insert.run(sha256(token), staffId, now, expiresAt);
    return { token, expiresAt };
  }

  endSession(token: string): void {
    this.#delete.run(sha256(token), this.clock.now());
    for (const l of this.#ended) l(token);
  }

  /**
   * A token's SHA-256, remembered for the tokens seen lately: every request and socket presents one,
   * and hashing it each time was a visible share of a ticket's cost. Bounded; the oldest go first.
   */
  readonly #hashes = new Map<string, string>();
  #hashOf(token: string): string {
    let h = this.#hashes.get(token);
    if (h === undefined) {
      h = sha256(token);
      if (this.#hashes.size >= 1024) this.#hashes.delete(this.#hashes.keys().next().value!);
      this.#hashes.set(token, h);
    }
    return h;
  }

  /** Called with the token of every session that ends (logout), so live sockets can be closed. */
  onSessionEnded(listener: (token: string) => void): void {
    this.#ended.push(listener);
  }

  resolve(token: string | undefined): Principal | null {
    if (!token) return null;
    const hash = this.#hashOf(token);
    const device = this.#devices.get(hash);
    if (device) return { kind: 'device', device, actor: { kind: 'device', id: device.id, deviceKind: device.kind, ...(device.windowId !== undefined ? { windowId: device.windowId } : {}) } };
    const agent = token.startsWith('ag_') ? (this.agentByTokenHash?.(hash) ?? null) : null;
    if (agent) return { kind: 'device', device: { id: agent.id, kind: 'agent' }, actor: { kind: 'device', id: agent.id, deviceKind: 'agent' } };
    const row = this.#find.get(hash) as { staff_id: string; expires_at: number } | undefined;
    if (!row || row.expires_at < this.clock.now()) return null;
    const staff = this.#staff.get(row.staff_id);
    if (!staff) return null;
    return { kind: 'staff', staff, actor: { kind: 'staff', id: staff.id, role: staff.role }, windows: this.windowsOf(staff.id) };
  }
}
