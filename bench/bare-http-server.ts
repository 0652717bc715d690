import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { PRAGMAS } from '../src/store/open-db.ts';
import { exitWithParent } from './children.ts';

/**
 * Child process, baseline of figure 1: bare fastify, one POST route that inserts one row into a
 * SQLite file opened with exactly the hub's pragmas and answers 201 JSON. No auth, no schema, no
 * domain logic: the floor the hub is compared to.
 *
 * `group` (argv[2]): commit the way the hub does, every insert of one event-loop turn in one
 * transaction (one fsync), each reply sent after its commit. This is the fair baseline: without it
 * the comparison is group commit against one fsync per request. `single`: one commit per request.
 */
const mode = process.argv[2] === 'single' ? 'single' : 'group';
const dir = mkdtempSync(join(tmpdir(), 'hallq-bench-bare-http-'));
const db = new Database(join(dir, 'bare.db'));
for (const p of PRAGMAS) db.pragma(p);
db.exec('CREATE TABLE tickets (id TEXT PRIMARY KEY, category_id TEXT NOT NULL, serial INTEGER NOT NULL, issued_at INTEGER NOT NULL)');
const insert = db.prepare('INSERT INTO tickets (id, category_id, serial, issued_at) VALUES (?, ?, ?, ?)');

interface Row {
  id: string;
  categoryId: string;
  serial: number;
  at: number;
  done: (err: unknown) => void;
}
let group: Row[] = [];
const commitGroup = db.transaction((rows: Row[]) => {
  for (const r of rows) insert.run(r.id, r.categoryId, r.serial, r.at);
});
function flush(): void {
  const rows = group;
  group = [];
  let err: unknown = null;
  try {
    commitGroup(rows);
  } catch (e) {
    err = e;
  }
  for (const r of rows) r.done(err);
}
function write(id: string, categoryId: string, serial: number, at: number): Promise<void> {
  if (mode === 'single') {
    insert.run(id, categoryId, serial, at);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    if (group.length === 0) setImmediate(flush);
    group.push({ id, categoryId, serial, at, done: (err) => (err ? reject(err) : resolve()) });
  });
}

let serial = 0;
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
app.post('/api/v1/tickets', async (request, reply) => {
  const body = (request.body ?? {}) as { categoryId?: unknown };
  const categoryId = typeof body.categoryId === 'string' ? body.categoryId : 'ZX';
  const id = `t_${randomBytes(16).toString('base64url')}`;
  serial++;
  const at = Date.now();
  await write(id, categoryId, serial, at);
  return reply.status(201).send({ ticket: { id, number: `A${String(serial).padStart(3, '0')}`, categoryId, issuedAt: at } });
});

await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
if (!addr || typeof addr !== 'object') throw new Error('baseline is not listening on a TCP port');

exitWithParent(async () => {
  await app.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
process.stdout.write(`${JSON.stringify({ port: addr.port, dir, mode })}\n`);
