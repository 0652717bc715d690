import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { eventsIn } from '../support/hub.ts';
import { spawnHub, type HubProcess } from '../support/hub-process.ts';
import { KIOSK, MONITOR, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/**
 * Crash test (DESIGN §2, "nothing acknowledged is ever lost"): a spawned hub process takes concurrent
 * ticket requests and is killed with SIGKILL mid-load. After a restart, every ticket whose 201 was
 * received exists, no number is reused, and seq has no gap.
 */

interface Acked {
  id: string;
  number: string;
  categoryId: string;
  businessDate: string;
  idemKey: string | null;
  body: { categoryId: string };
}

const IN_FLIGHT = 20;
const KILL_AFTER_ACKS = 150;
const MAX_REQUESTS_PER_WORKER = 400;

const serialOf = (number: string) => Number(number.slice(1));
const prefixOf = (number: string) => number.slice(0, 1);

async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('crash: SIGKILL mid-load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-crash-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'hall.yaml');
  const procs: HubProcess[] = [];

  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged ticket, reuses no number and leaves no seq gap', { timeout: 120_000 }, async () => {
    // testConfig(): ZX/SB/MZ open 00:00–24:00 every day, no quota, no refusal past closing.
    writeFileSync(configFile, stringify(testConfig()));
    const first = await spawnHub({ dataDir, configFile });
    procs.push(first);

    const loginRes = await post(first.url, '/auth/login', { jobNo: 'c1', password: TEST_PASSWORD });
    expect(loginRes.status).toBe(200);
    const clerk = { authorization: `Bearer ${loginRes.body.token as string}` };
    expect((await post(first.url, '/windows/1/open', { role: 'A' }, clerk)).status).toBe(200);

    const acked: Acked[] = [];
    const ackedCompletions: string[] = [];
    const unexpected: string[] = [];
    let killed = false;
    const killNow = () => {
      if (killed) return;
      killed = true;
      first.child.kill('SIGKILL');
    };

    const ticketWorker = async (w: number) => {
      for (let i = 0; i < MAX_REQUESTS_PER_WORKER && !killed; i++) {
        const body = { categoryId: (w + i) % 3 === 0 ? 'SB' : 'ZX' };
        // Half the kiosks retry-proof their requests: the stored reply must survive the crash too.
        const idemKey = w % 2 === 0 ? `w${w}-r${i}` : null;
        try {
          const r = await post(first.url, '/tickets', body, { authorization: `Bearer ${KIOSK}`, ...(idemKey ? { 'idempotency-key': idemKey } : {}) });
          if (r.status !== 201) {
            unexpected.push(`ticket ${r.status} ${JSON.stringify(r.body)}`);
            continue;
          }
          const t = r.body.ticket;
          acked.push({ id: t.id, number: t.number, categoryId: t.categoryId, businessDate: t.businessDate, idemKey, body });
          if (acked.length >= KILL_AFTER_ACKS) killNow();
        } catch (err) {
          if (!killed) unexpected.push(`ticket request failed before the kill: ${String(err)}`);
          return;
        }
      }
    };

    // A clerk calls and completes at the same time, so the log holds more than issues.
    const clerkWorker = async () => {
      for (let i = 0; i < MAX_REQUESTS_PER_WORKER && !killed; i++) {
        try {
          const call = await post(first.url, '/windows/1/call-next', undefined, clerk);
          if (call.status === 204) continue;
          if (call.status !== 200) {
            unexpected.push(`call-next ${call.status} ${JSON.stringify(call.body)}`);
            return;
          }
          const done = await post(first.url, '/windows/1/complete', { caseNo: `K${i}` }, clerk);
          if (done.status !== 200) {
            unexpected.push(`complete ${done.status} ${JSON.stringify(done.body)}`);
            return;
          }
          ackedCompletions.push(done.body.ticket.id as string);
        } catch (err) {
          if (!killed) unexpected.push(`clerk request failed before the kill: ${String(err)}`);
          return;
        }
      }
    };

    await Promise.all([...Array.from({ length: IN_FLIGHT }, (_, w) => ticketWorker(w)), clerkWorker()]);
    killNow(); // bounded: if the load ran out before the target, kill anyway
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(unexpected, unexpected.join('\n')).toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(new Set(acked.map((a) => a.id)).size).toBe(acked.length);

    // --- restart on the same data -------------------------------------------------------------
    const second = await spawnHub({ dataDir, configFile });
    procs.push(second);
    const health = (await (await fetch(`${second.url}/api/v1/health`, { headers: { authorization: `Bearer ${MONITOR}` } })).json()) as { seq: number };

    for (const a of acked) {
      const r = await fetch(`${second.url}/api/v1/tickets/${encodeURIComponent(a.id)}`);
      expect(r.status, `acknowledged ticket ${a.number} (${a.id}) lost`).toBe(200);
      const t = ((await r.json()) as { ticket: { number: string; categoryId: string; businessDate: string } }).ticket;
      expect(t.number).toBe(a.number);
      expect(t.businessDate).toBe(a.businessDate);
      expect(t.categoryId).toBe(a.categoryId);
    }
    for (const id of ackedCompletions) {
      const r = await fetch(`${second.url}/api/v1/tickets/${encodeURIComponent(id)}`);
      expect(r.status).toBe(200);
      expect(((await r.json()) as { ticket: { status: string } }).ticket.status, `acknowledged completion of ${id} lost`).toBe('done');
    }

    // A kiosk retrying an acknowledged request after the crash gets the same ticket, not a new one.
    const retried = acked.filter((a) => a.idemKey !== null).slice(0, 10);
    expect(retried.length).toBeGreaterThan(0);
    for (const a of retried) {
      const r = await post(second.url, '/tickets', a.body, { authorization: `Bearer ${KIOSK}`, 'idempotency-key': a.idemKey! });
      expect(r.status).toBe(201);
      expect(r.body.ticket.id).toBe(a.id);
      expect(r.body.ticket.number).toBe(a.number);
    }
    expect(((await (await fetch(`${second.url}/api/v1/health`, { headers: { authorization: `Bearer ${MONITOR}` } })).json()) as { seq: number }).seq).toBe(health.seq);

    // Numbers after the restart continue past everything committed before, acknowledged or not.
    const db0 = new Database(join(dataDir, 'hallq.db'), { readonly: true, fileMustExist: true });
    const maxBefore = new Map(
      (db0.prepare('SELECT business_date AS d, number FROM tickets').all() as { d: string; number: string }[]).reduce((m, r) => {
        const k = `${r.d}|${prefixOf(r.number)}`;
        m.set(k, Math.max(m.get(k) ?? 0, serialOf(r.number)));
        return m;
      }, new Map<string, number>()),
    );
    db0.close();
    const fresh: Acked[] = [];
    for (const categoryId of ['ZX', 'SB']) {
      const r = await post(second.url, '/tickets', { categoryId }, { authorization: `Bearer ${KIOSK}` });
      expect(r.status).toBe(201);
      const t = r.body.ticket;
      fresh.push({ id: t.id, number: t.number, categoryId, businessDate: t.businessDate, idemKey: null, body: { categoryId } });
      const sameDate = acked.filter((a) => a.businessDate === t.businessDate && prefixOf(a.number) === prefixOf(t.number));
      for (const a of sameDate) expect(serialOf(t.number), `${t.number} after ${a.number}`).toBeGreaterThan(serialOf(a.number));
      expect(serialOf(t.number)).toBeGreaterThan(maxBefore.get(`${t.businessDate}|${prefixOf(t.number)}`) ?? 0);
    }
    const finalSeq = ((await (await fetch(`${second.url}/api/v1/health`, { headers: { authorization: `Bearer ${MONITOR}` } })).json()) as { seq: number }).seq;
    expect(finalSeq).toBe(health.seq + 2);

    const exit2 = await second.kill('SIGTERM');
    expect(exit2.code, second.output().slice(-2000)).toBe(0);

    // --- the file itself -----------------------------------------------------------------------
    const db = new Database(join(dataDir, 'hallq.db'), { readonly: true, fileMustExist: true });
    try {
      const seqs = (db.prepare('SELECT seq FROM events ORDER BY seq').all() as { seq: number }[]).map((r) => r.seq);
      expect(seqs.length).toBe(finalSeq);
      expect(seqs).toEqual(Array.from({ length: finalSeq }, (_, i) => i + 1));

      const tickets = db.prepare('SELECT id, business_date AS d, number FROM tickets').all() as { id: string; d: string; number: string }[];
      const keys = tickets.map((t) => `${t.d}|${t.number}`);
      expect(new Set(keys).size, 'a number was used twice on one date').toBe(keys.length);
      const byId = new Map(tickets.map((t) => [t.id, t]));
      for (const a of [...acked, ...fresh]) {
        expect(byId.get(a.id)?.number, `ticket ${a.id} missing from the file`).toBe(a.number);
      }

      // The log agrees with the projection: one ticket.issued per ticket, numbers never repeated.
      const issued = eventsIn(db, `type = 'ticket.issued'`).map(
        (e) => e.data as { ticketId: string; number: string; businessDate: string; serial: number; prefix: string },
      );
      expect(issued.length).toBe(tickets.length);
      const issuedKeys = issued.map((e) => `${e.businessDate}|${e.number}`);
      expect(new Set(issuedKeys).size).toBe(issuedKeys.length);
      for (const e of issued) expect(byId.get(e.ticketId)?.number).toBe(e.number);
      // Per date and prefix the serials are 1..n in log order: nothing skipped, nothing reused.
      const serials = new Map<string, number[]>();
      for (const e of issued) {
        const k = `${e.businessDate}|${e.prefix}`;
        serials.set(k, [...(serials.get(k) ?? []), e.serial]);
      }
      for (const [k, list] of serials) expect(list, k).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
      const counters = db.prepare('SELECT business_date AS d, prefix, last FROM counters').all() as { d: string; prefix: string; last: number }[];
      for (const c of counters) expect(c.last, `counter ${c.d}|${c.prefix}`).toBe(serials.get(`${c.d}|${c.prefix}`)?.length ?? 0);
    } finally {
      db.close();
    }
  });
});
