import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeTcpPrinter } from '../devices/printer/index.ts';
import { buildHub } from '../src/app.ts';
import { parseHallConfig } from '../src/config/load-hall-config.ts';
import { testConfig } from '../test/support/test-config.ts';
import { exitWithParent } from './children.ts';
import { AGENT_KIOSK_TOKEN, type ReceiptReport } from './kiosk-protocol.ts';
import { wallNow } from './wall-clock.ts';

/**
 * Child process for figure 10: a hub with two kiosks. kiosk-1's printer is the fake LAN printer inside
 * the hub (the in-hub path, as figure 3's hub); kiosk-2's printer is marked `agent: true`, and is a
 * fake LAN printer of its own in this process that the device agent (bench/agent-process.ts, another
 * process) prints to over TCP. Prints `{"port": N}` once listening, then reports every receipt either
 * printer cuts over IPC, with `printer` saying which (the last-byte hook as in kiosk-hub-server.ts).
 */
const dir = mkdtempSync(join(tmpdir(), 'hallq-bench-agent-hub-'));
const agentPrinter = await FakeTcpPrinter.start();
const base = testConfig({ windows: 3, refuseIfWaitPastClose: false, simPrinter: true });
const config = parseHallConfig({
  ...base,
  devices: {
    ...base.devices,
    tokens: [...base.devices.tokens, { id: 'kiosk-2', kind: 'kiosk', token: AGENT_KIOSK_TOKEN }],
    printers: [...base.devices.printers, { kioskId: 'kiosk-2', uri: `tcp://127.0.0.1:${agentPrinter.port}`, paperMm: 80, agent: true }],
  },
});
const hub = await buildHub({ config, dbFile: join(dir, 'hallq.db'), hmacKey: Buffer.alloc(32, 7), dayCloser: false });
await hub.app.listen({ port: 0, host: '127.0.0.1' });
const addr = hub.app.server.address();
if (!addr || typeof addr !== 'object') throw new Error('hub is not listening on a TCP port');
const inHub = hub.printers.get('kiosk-1')?.fake;
if (!inHub) throw new Error('kiosk-1 has no fake printer: is simPrinter set in the config?');

for (const [printer, fake] of [
  ['hub', inHub],
  ['agent', agentPrinter],
] as const) {
  let lastChunkAt = 0;
  let chunks = 0;
  let bytes = 0;
  fake.on('data', (chunk: Buffer) => {
    lastChunkAt = wallNow();
    chunks++;
    bytes += chunk.length;
  });
  fake.on('receipt', (r: { lines: string[] }) => {
    const m: ReceiptReport = { kind: 'receipt', printer, lastByteAt: lastChunkAt, decodedAt: wallNow(), lines: r.lines, chunks, bytes };
    chunks = 0;
    bytes = 0;
    if (process.connected) process.send?.(m);
  });
}

exitWithParent(async () => {
  await hub.close();
  await agentPrinter.offline();
  rmSync(dir, { recursive: true, force: true });
});
process.stdout.write(`${JSON.stringify({ port: addr.port, dir })}\n`);
