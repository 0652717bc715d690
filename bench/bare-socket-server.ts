import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { exitWithParent } from './children.ts';

/**
 * Child process, baseline of figure 2: a bare socket.io server. Every client joins `hall` and gets a
 * small `snapshot`; `POST /call {"callId": "..."}` makes the server emit to `hall` a `ticket.called`
 * envelope shaped like the hub's (same keys, values of the same length) and answer 200 with it.
 */
let seq = 0;
const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/call') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let callId = `c_${randomBytes(12).toString('base64url')}`;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { callId?: unknown };
      if (typeof body.callId === 'string') callId = body.callId;
    } catch {
      // no body: server-made callId
    }
    const at = Date.now();
    seq++;
    const envelope = {
      seq,
      at,
      type: 'ticket.called',
      data: {
        ticketId: `t_${randomBytes(16).toString('base64url')}`,
        serviceId: `s_${randomBytes(12).toString('base64url')}`,
        number: `A${String(seq).padStart(3, '0')}`,
        categoryId: 'ZX',
        windowId: 1,
        staffId: 'c1',
        callId,
        recall: false,
        recalls: 0,
        reason: { rule: 'category_order', categoryId: 'ZX', detail: { zh: '按窗口业务顺序', en: 'Category order of this window' } },
        calledAt: at,
      },
    };
    io.to('hall').emit('ticket.called', envelope);
    const json = JSON.stringify({ callId, envelope });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
  });
});

const io = new Server(server, { path: '/socket.io', serveClient: false, cors: { origin: false } });
io.on('connection', (socket) => {
  socket.emit('snapshot', { seq, hubId: 'bare', rooms: ['hall'], state: {} });
  socket.join('hall');
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const addr = server.address();
if (!addr || typeof addr !== 'object') throw new Error('bare socket.io server is not listening on a TCP port');

exitWithParent(async () => {
  io.disconnectSockets(true);
  await new Promise<void>((resolve) => io.close(() => resolve()));
});
process.stdout.write(`${JSON.stringify({ port: addr.port })}\n`);
