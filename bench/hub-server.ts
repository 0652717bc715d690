import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHub } from '../src/app.ts';
import { testConfig } from '../test/support/test-config.ts';
import { exitWithParent } from './children.ts';

/**
 * Child process: a real hub (HTTP + socket.io + SQLite file with the production pragmas) on a free
 * port of 127.0.0.1. Prints `{"port": N}` on stdout once listening; removes its data dir on exit.
 */
const dir = mkdtempSync(join(tmpdir(), 'hallq-bench-hub-'));
const hub = await buildHub({
  config: testConfig({ windows: 3, refuseIfWaitPastClose: false }),
  dbFile: join(dir, 'hallq.db'),
  hmacKey: Buffer.alloc(32, 7),
  dayCloser: false,
});
await hub.app.listen({ port: 0, host: '127.0.0.1' });
const addr = hub.app.server.address();
if (!addr || typeof addr !== 'object') throw new Error('hub is not listening on a TCP port');

exitWithParent(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});
process.stdout.write(`${JSON.stringify({ port: addr.port, dir })}\n`);
