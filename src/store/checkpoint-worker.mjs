// The WAL checkpointer's thread (plain JavaScript, like the backup thread: no loader needed under
// tsx, vitest or a bundle). Its own read-write connection copies committed pages from the WAL into
// the database file and syncs that file, which on a big history takes up to a second when a long
// report has held the WAL back. PASSIVE never takes the writer's lock, so the hall's thread goes on
// committing (each commit still syncs the WAL itself: nothing acknowledged waits on this thread).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ dbFile: string, intervalMs: number }} */
const { dbFile, intervalMs } = workerData;
const db = new Database(dbFile, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 0');
// This connection never writes, but it would checkpoint on its own writes: none.
db.pragma('wal_autocheckpoint = 0');

let frames = 0;
let checkpointed = 0;
function checkpoint() {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    frames = r.log;
    checkpointed = r.checkpointed;
  } catch (err) {
    // SQLITE_BUSY (another checkpoint: a backup's, a tool's) is only "not now".
    if (err?.code !== 'SQLITE_BUSY') parentPort.postMessage({ op: 'error', message: String(err?.message ?? err) });
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort.on('message', (m) => {
  if (m.op === 'now') {
    checkpoint();
    parentPort.postMessage({ op: 'done', id: m.id, frames, checkpointed });
  } else if (m.op === 'stop') {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.postMessage({ op: 'stopped' });
    parentPort.close();
  }
});
parentPort.postMessage({ op: 'ready' });
