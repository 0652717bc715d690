import { networkInterfaces } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildHub } from './app.ts';
import { demoEntries, HallConfigError, loadHallConfig } from './config/load-hall-config.ts';
import { HmacKeyError, loadApplicantKey, loadContactKey, loadHmacKey } from './personal/card-reads.ts';
import { seedDemoHistory } from './simulator/demo-history.ts';
import { BackupError } from './backup/errors.ts';
import { resolveBackupSettings } from './backup/settings.ts';
import { logDestination } from './log-output.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    config: { type: 'string' },
    /** A demo hall's first start without the simulated history. */
    'no-history': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

const port = Number(values.port ?? process.env.PORT ?? 3000);
const host = values.host ?? process.env.HOST ?? '0.0.0.0';
const dataDir = resolve(values.data ?? process.env.HALLQ_DATA ?? './data');
const configFile = resolve(values.config ?? process.env.HALLQ_CONFIG ?? './config/hall.yaml');

let config;
try {
  config = loadHallConfig(configFile, { parsedCacheDir: dataDir });
} catch (err) {
  if (err instanceof HallConfigError) {
    console.error(err.message);
    console.error('hub 未启动 / the hub did not start: fix the config and try again.');
    process.exit(1);
  }
  throw err;
}

/** The address phones on the hall's Wi-Fi reach this hub at (ticket QR codes), unless the config says. */
function lanUrl(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return `http://${a.address}:${port}`;
  }
  return `http://localhost:${port}`;
}

/** Stops the start with one message an operator can act on (no stack trace). */
function refuseToStart(message: string): never {
  console.error(message);
  console.error('hub 未启动 / the hub did not start.');
  process.exit(1);
}

const DATA_DIR_ERRORS = /^(EACCES|EPERM|EROFS|ENOENT|ENOTDIR|EISDIR|ENOSPC|EDQUOT|SQLITE_(CANTOPEN|READONLY|IOERR|FULL|NOTADB|CORRUPT|PERM|AUTH))/;

let hmac;
/** Only a hall that uploads to a 好差评 platform keeps applicants, and so needs this key. */
let applicantKey: ReturnType<typeof loadApplicantKey> | null = null;
/** Only a hall that sends SMS holds phone numbers, and so needs this key. */
let contactKey: ReturnType<typeof loadContactKey> | null = null;
let hub;
let backups;
try {
  hmac = loadHmacKey(dataDir, process.env, { demo: config.hall.demo === true });
  applicantKey = config.upstream ? loadApplicantKey(dataDir, process.env, { demo: config.hall.demo === true }) : null;
  contactKey = config.sms ? loadContactKey(dataDir, process.env, { demo: config.hall.demo === true }) : null;
  backups = resolveBackupSettings(config, { configDir: dirname(configFile), dataDir, keyFiles: [hmac.file, applicantKey?.file ?? null, contactKey?.file ?? null], env: process.env });
  // A demo hall on a fresh data directory starts with simulated history (docs/decisions.md §39).
  if (!values['no-history'] && config.hall.demo === true) {
    const started = performance.now();
    const seeded = seedDemoHistory({ dataDir, config, hmacKey: hmac.key });
    if (seeded) {
      console.log(
        `  演示历史数据 / demo history: ${seeded.days.length} business days (${seeded.startDate} … ${seeded.endDate}), ` +
          `${seeded.totals.issued} tickets, simulated in ${((performance.now() - started) / 1000).toFixed(1)} s. ` +
          'Without it: --no-history, or hall.demoHistoryWeeks: 0.',
      );
    }
  }
  hub = await buildHub({
    config,
    dbFile: resolve(dataDir, 'hallq.db'),
    // A graceful stop keeps the working state here; the next start takes it back if it still matches.
    stateSnapshot: resolve(dataDir, 'state.snapshot'),
    hmacKey: hmac.key,
    ...(applicantKey ? { applicantKey: applicantKey.key } : {}),
    ...(contactKey ? { contactKey: contactKey.key } : {}),
    publicUrl: config.hall.publicUrl ?? lanUrl(),
    voiceCacheDir: resolve(dataDir, 'voice-cache'),
    configDir: dirname(configFile),
    backups,
    // JSON for the journal and pipes, readable lines at a terminal.
    logger: { level: process.env.LOG_LEVEL ?? 'info', ...logDestination() },
  });
} catch (err) {
  if (err instanceof HmacKeyError || err instanceof BackupError) refuseToStart(err.message);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && DATA_DIR_ERRORS.test(code)) {
    refuseToStart(
      `数据目录无法使用 / the data directory cannot be used: ${dataDir}\n` +
        `  ${code}: ${(err as Error).message}\n` +
        '  请确认目录存在、磁盘可写且有剩余空间，并属于运行 hub 的用户 / check that it exists, is on a writable disk with free space,\n' +
        '  and belongs to the user the hub runs as (e.g. chown -R hallq: /var/lib/hallq).',
    );
  }
  throw err;
}

const shutdown = async (signal: string) => {
  hub.app.log.info({ signal }, 'shutting down');
  await hub.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await hub.app.listen({ port, host });
} catch (err) {
  if ((err as { code?: string }).code === 'EADDRINUSE') refuseToStart(`端口 ${port} 已被占用 / port ${port} is in use: another hub, or another program, listens there. Use --port.`);
  throw err;
}
const base = `http://localhost:${port}`;
const demo = demoEntries(config);
const lines = [
  '',
  `  ${config.hall.name} — hallq hub`,
  `  Kiosk      ${base}/kiosk/   (first visit: ?token=<kiosk device token>)`,
  `  Hall wall  ${base}/display/wall.html`,
  `  Window     ${base}/display/window.html?w=1`,
  `  Console    ${base}/display/console.html`,
  `  Pad        ${base}/display/pad.html?token=<pad device token>`,
  `  API        ${base}/api/v1/hall`,
  `  API docs   ${base}/docs`,
  `  Health     ${base}/healthz`,
  `  Data       ${dataDir}`,
  `  State      ${hub.handler.startedFrom === 'snapshot' ? '上次正常停止时保存 / kept at the last graceful stop' : '从数据库载入 / loaded from the database'}`,
  `  Backups    ${backups ? `${backups.dir} (nightly at ${backups.at}, ${backups.keepDaily} daily, ${backups.keepMonthly} monthly)` : '无 / none: set backups.dir in the config or HALLQ_BACKUP_DIR'}`,
  '',
];
if (demo.length > 0) {
  lines.push(
    '  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    `  !! 警告：正在使用演示账号和设备令牌 / WARNING: ${demo.length} DEMO credentials are active.`,
    '  !! Replace every `demo: true` entry in the config before a real hall uses this hub.',
    '  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '  Demo staff (password hallq-demo): clerk 1001 (window 1 A), guide 2001, manager 3001, admin 9001',
    '  Demo kiosk token: demo-kiosk-token-0001   wall: demo-wall-token-0001   pad of window N: demo-pad-token-000N',
    `  Kiosk (demo): ${base}/kiosk/?token=demo-kiosk-token-0001   Pad of window 1: ${base}/display/pad.html?token=demo-pad-token-0001`,
    '  好差评 mock platform: npm run mock-upstream (port 3900; --platform zhejiang|anhui for those provinces); without it ratings wait in the outbox.',
    '',
  );
  hub.app.log.warn({ demo }, 'demo credentials in use');
}
if (hmac.source === 'data-dir') {
  // Only a demo hall gets here (loadHmacKey refuses otherwise).
  lines.push(
    `  !! 身份证HMAC密钥与数据库放在一起 / The ID HMAC key is stored beside the database (${hmac.file}).`,
    '  !! Whoever copies the data directory can recover ID numbers from it. For a real hall set',
    '  !! HALLQ_ID_HMAC_KEY_FILE to a file outside the data directory and its backups.',
    '',
  );
  hub.app.log.warn({ file: hmac.file }, 'ID HMAC key stored in the data directory');
}
if (applicantKey?.source === 'data-dir') {
  lines.push(
    `  !! 申请人信息加密密钥与数据库放在一起 / The applicant key is stored beside the database (${applicantKey.file}).`,
    '  !! Whoever copies the data directory can open the applicants waiting for upload. For a real hall set',
    '  !! HALLQ_APPLICANT_KEY_FILE to a file outside the data directory and its backups.',
    '',
  );
  hub.app.log.warn({ file: applicantKey.file }, 'applicant key stored in the data directory');
}
if (contactKey?.source === 'data-dir') {
  lines.push(
    `  !! 手机号加密密钥与数据库放在一起 / The phone number key is stored beside the database (${contactKey.file}).`,
    '  !! Whoever copies the data directory can read the phone numbers of live tickets. For a real hall set',
    '  !! HALLQ_CONTACT_KEY_FILE to a file outside the data directory and its backups.',
    '',
  );
  hub.app.log.warn({ file: contactKey.file }, 'phone number key stored in the data directory');
}
console.log(lines.join('\n'));
