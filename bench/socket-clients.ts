import { io, type Socket } from 'socket.io-client';
import { exitWithParent } from './children.ts';
import type { WorkerReady, WorkerReport } from './fanout-protocol.ts';
import { wallNow } from './wall-clock.ts';

/**
 * Child process: opens `count` socket.io clients (websocket only, no token → room `hall`) to `url`,
 * waits for each one's `snapshot`, prints `{"clients": N, "connectMs": …}`, then reports over IPC
 * when all of them received a given `ticket.called` (first and last receipt, wall time) or
 * `ticket.issued`. Receipt is timestamped in the event handler, i.e. after socket.io decoded it.
 *
 * usage: socket-clients.ts <url> <count>
 */
const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!url || !Number.isInteger(count) || count <= 0) throw new Error('usage: socket-clients.ts <url> <count>');

const BATCH = 50;
const sockets: Socket[] = [];
exitWithParent(() => {
  for (const s of sockets) s.disconnect();
});

const send = (m: WorkerReport) => {
  if (process.connected) process.send?.(m);
};

interface Tally {
  n: number;
  first: number;
  last: number;
  bytes: number;
}
const calls = new Map<string, Tally>();
const issued = new Map<string, number>();
let connected = 0;

function connectOne(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      transports: ['websocket'],
      auth: {},
      forceNew: true, // one Manager (one TCP connection) per client, not one multiplexed socket
      reconnection: false,
      timeout: 20_000,
    });
    const timer = setTimeout(() => reject(new Error('no snapshot within 20 s')), 20_000);
    s.once('snapshot', () => {
      clearTimeout(timer);
      connected++;
      resolve(s);
    });
    s.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    s.on('ticket.called', (env: { data?: { callId?: string } }) => {
      const at = wallNow();
      const callId = env.data?.callId;
      if (!callId) return;
      let t = calls.get(callId);
      if (!t) calls.set(callId, (t = { n: 0, first: at, last: at, bytes: JSON.stringify(env).length }));
      t.n++;
      if (at < t.first) t.first = at;
      if (at > t.last) t.last = at;
      if (t.n === count) {
        calls.delete(callId);
        send({ kind: 'called', callId, clients: t.n, first: t.first, last: t.last, bytes: t.bytes });
      }
    });
    // A public screen is not told the ticket's id (realtime/disclosure.ts): it knows the ticket by its number.
    s.on('ticket.issued', (env: { data?: { ticketId?: string; number?: string } }) => {
      const id = env.data?.ticketId ?? env.data?.number;
      if (!id) return;
      const n = (issued.get(id) ?? 0) + 1;
      if (n === count) {
        issued.delete(id);
        send({ kind: 'issued', ticketId: id });
      } else issued.set(id, n);
    });
    s.on('disconnect', (reason) => {
      connected--;
      send({ kind: 'disconnect', reason: String(reason), connected });
    });
  });
}

const t0 = performance.now();
for (let i = 0; i < count; i += BATCH) {
  const batch = await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, connectOne));
  sockets.push(...batch);
}
const ready: WorkerReady = { clients: sockets.length, connectMs: Math.round(performance.now() - t0) };
process.stdout.write(`${JSON.stringify(ready)}\n`);
