import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError } from './backup/errors.ts';
import { checkBackup, restoreBackup } from './backup/restore.ts';

// npm run restore -- FILE [--data DIR] [--check]
const { values, positionals } = parseArgs({
  options: { data: { type: 'string' }, check: { type: 'boolean', default: false } },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  console.error('用法 / usage: npm run restore -- <backup file> [--data DIR] [--check]');
  process.exit(2);
}
const file = resolve(positionals[0]!);
const dataDir = resolve(values.data ?? process.env.HALLQ_DATA ?? './data');
try {
  if (values.check) {
    const c = checkBackup(file);
    console.log(`备份完好 / the backup is sound: ${file}\n  schema ${c.schemaVersion}, ${c.events} events (1…${c.lastSeq}), hub ${c.hubId ?? '—'}`);
  } else {
    const r = restoreBackup(file, dataDir);
    console.log(
      [
        `已恢复 / restored: ${file}`,
        `  → ${r.dbFile}`,
        `  schema ${r.schemaVersion}, ${r.events} events (1…${r.lastSeq})`,
        r.setAside ? `  原数据库已移至 / the database that was there is now ${r.setAside}` : '  (数据目录中原无数据库 / there was no database in the data directory)',
        `  新的 hub 标识 / new hub identity: ${r.newHubId} (was ${r.hubId ?? '—'}): screens will take a fresh snapshot`,
        '  身份证HMAC密钥不在备份中 / the ID HMAC key is not in the backup: start the hub with the same HALLQ_ID_HMAC_KEY_FILE.',
      ].join('\n'),
    );
  }
} catch (err) {
  if (err instanceof BackupError) {
    console.error(err.message);
    console.error('未做任何更改 / nothing was changed.');
    process.exit(1);
  }
  throw err;
}
