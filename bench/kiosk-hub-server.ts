import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHub } from '../src/app.ts';
import { testConfig } from '../test/support/test-config.ts';
import { exitWithParent } from './children.ts';
import type { ReceiptReport } from './kiosk-protocol.ts';
import { wallNow } from './wall-clock.ts';

/**
 * Child process: a hub like bench/hub-server.ts, plus the fake LAN printer of kiosk-1 (`simPrinter`),
 * which prints every ticket issued with the kiosk token. Prints `{"port": N}` once listening, then
 * reports every receipt the fake printer cuts over IPC (ReceiptReport).
 *
 * The hook: FakeTcpPrinter feeds each TCP chunk to SimulatedPrinter.attach()'s function, which emits
 * `data` with the chunk and only then tokenizes it; the cut (the ticket's last command) makes the
 * builder emit `receipt` from inside that same call. So the wall time taken in the `data` listener of
 * the chunk that carries the cut is when the printer got the ticket's last byte, read off the socket
 * by this process's event loop (devices/printer/simulator/simulated-printer.ts, attach()).
 */
const dir = mkdtempSync(join(tmpdir(), 'hallq-bench-kiosk-hub-'));
const hub = await buildHub({
  config: testConfig({ windows: 3, refuseIfWaitPastClose: false, simPrinter: true }),
  dbFile: join(dir, 'hallq.db'),
  hmacKey: Buffer.alloc(32, 7),
  dayCloser: false,
});
await hub.app.listen({ port: 0, host: '127.0.0.1' });
const addr = hub.app.server.address();
if (!addr || typeof addr !== 'object') throw new Error('hub is not listening on a TCP port');

const fake = hub.printers.get('kiosk-1')?.fake;
if (!fake) throw new Error('kiosk-1 has no fake printer: is simPrinter set in the config?');
let lastChunkAt = 0;
let chunks = 0;
let bytes = 0;
fake.on('data', (chunk) => {
  lastChunkAt = wallNow();
  chunks++;
  bytes += chunk.length;
});
fake.on('receipt', (r) => {
  const m: ReceiptReport = { kind: 'receipt', lastByteAt: lastChunkAt, decodedAt: wallNow(), lines: r.lines, chunks, bytes };
  chunks = 0;
  bytes = 0;
  if (process.connected) process.send?.(m);
});

exitWithParent(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});
process.stdout.write(`${JSON.stringify({ port: addr.port, dir, printer: fake.uri })}\n`);
