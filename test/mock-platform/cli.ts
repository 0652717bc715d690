import { parseArgs } from 'node:util';
import { DEMO_SECRET, MOCK_MODES, MOCK_PLATFORMS, MockUpstream, type MockMode, type MockPlatform } from './mock-upstream.ts';

// Usage: npm run mock-upstream -- [--platform generic|zhejiang|anhui] [--callback <hub>/api/v1/upstream/page-results] [--port 3900] [--host 127.0.0.1] [--secret <key>] [--mode ok] [--delay 3000]
// Env: HALLQ_MOCK_UPSTREAM_PORT, HALLQ_MOCK_UPSTREAM_SECRET. A bare number is taken as the port.

const { values, positionals } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    secret: { type: 'string' },
    mode: { type: 'string', default: 'ok' },
    delay: { type: 'string', default: '2000' },
    quiet: { type: 'boolean', default: false },
    platform: { type: 'string', default: 'generic' },
    callback: { type: 'string' },
  },
  allowPositionals: true,
});

const rawPort = values.port ?? positionals[0] ?? process.env.HALLQ_MOCK_UPSTREAM_PORT ?? '3900';
const port = Number(rawPort);
const secret = values.secret ?? process.env.HALLQ_MOCK_UPSTREAM_SECRET ?? DEMO_SECRET;
const mode = values.mode as MockMode;
const delayMs = Number(values.delay);
const platform = values.platform as MockPlatform;
if (!MOCK_PLATFORMS.includes(platform)) fail(`平台无效 / bad platform: ${values.platform} (one of ${MOCK_PLATFORMS.join(', ')})`);
if (!/^\d+$/.test(rawPort) || port > 65535) fail(`端口无效 / bad port: ${rawPort}`);
if (!MOCK_MODES.includes(mode)) fail(`模式无效 / bad mode: ${mode} (one of ${MOCK_MODES.join(', ')})`);
if (!Number.isInteger(delayMs) || delayMs < 0) fail(`延时无效 / bad delay: ${values.delay}`);

const mock = await MockUpstream.start({
  port,
  host: values.host,
  secret,
  mode,
  delayMs,
  platform,
  ...(values.callback ? { callbackUrl: values.callback } : {}),
  onPost: values.quiet
    ? undefined
    : (p) => console.log(`${new Date(p.at).toISOString()}  ${p.ratingId ?? '(no key)'}  ${p.result}${p.repeat ? '  (repeat key)' : ''}`),
});

const control = `${mock.origin}/_control`;
console.log(
  [
    `好差评 mock platform (模拟省好差评平台)`,
    `  endpoint:  ${mock.url}`,
    `  secret:    ${secret}${secret === DEMO_SECRET ? '   (demo secret: never use it for a real platform)' : ''}`,
    `  platform:  ${platform}`,
    ...(platform === 'anhui' ? [`  page:      ${mock.origin}/page?param=…   (ratings reported to ${values.callback ?? '(no --callback given)'})`] : []),
    `  expects:   POST ${platform === 'zhejiang' ? 'form parameters (offlinereport, every field checked)' : platform === 'anhui' ? 'JSON {"params":{...}} (the case and applicant first, every field checked)' : 'JSON'}, X-Idempotency-Key: <ratingId>, X-Signature: hex HMAC-SHA256(secret, body bytes)`,
    `  mode:      ${mode}${mode === 'slow' ? ` (${delayMs} ms)` : ''}`,
    ``,
    `controls:`,
    `  curl -s -X POST ${control} -H 'content-type: application/json' -d '{"mode":"fail"}'`,
    `     modes: ok | fail (500) | stall (never answers) | slow (answers after delayMs) | reject (400) | ack-lost (records, drops the answer)`,
    `  curl -s -X POST ${control} -H 'content-type: application/json' -d '{"mode":"slow","delayMs":5000}'`,
    `  curl -s -X POST ${control} -H 'content-type: application/json' -d '{"poison":["<ratingId>"]}'   # 400 for that rating only`,
    `  curl -s -X POST ${control} -H 'content-type: application/json' -d '{"reset":true}'`,
    `  curl -s ${control}         # mode and counts`,
    `  curl -s ${mock.origin}/_received        # ratings received, in order, each once`,
  ].join('\n'),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void mock.close().then(() => process.exit(0));
  });
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
