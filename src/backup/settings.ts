import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { HallConfig } from '../config/schema.ts';
import type { BackupSettings } from './backup-service.ts';
import { BackupError } from './errors.ts';

/**
 * Where backups go: `HALLQ_BACKUP_DIR`, else the config's `backups.dir` (relative to the config
 * file). Null when neither is set. A backup holds the hall's personal data but must never hold a key,
 * so the directory may not be, or lie inside, the data directory (a demo hall keeps its key there)
 * or the directory of a key (the ID HMAC key, the applicant key).
 */
export function resolveBackupSettings(
  config: HallConfig,
  where: { configDir: string; dataDir: string; keyFiles: readonly (string | null)[]; env: NodeJS.ProcessEnv },
): BackupSettings | null {
  const fromEnv = where.env.HALLQ_BACKUP_DIR;
  const b = config.backups;
  if (!fromEnv && !b) return null;
  const dir = fromEnv ? resolve(fromEnv) : resolve(where.configDir, b!.dir);
  const within = (parent: string) => {
    const r = relative(parent, dir);
    return r === '' || (!r.startsWith('..') && !isAbsolute(r));
  };
  if (within(resolve(where.dataDir))) throw new BackupError('HQ_ERR_BACKUP_DIR', `${dir} is inside the data directory ${where.dataDir}`);
  for (const key of where.keyFiles) if (key && within(dirname(resolve(key)))) throw new BackupError('HQ_ERR_BACKUP_DIR', `${dir} is inside the key's directory ${dirname(key)}`);
  return { dir, at: b?.at ?? '02:30', keepDaily: b?.keepDaily ?? 14, keepMonthly: b?.keepMonthly ?? 12, keepPreMigration: b?.keepPreMigration ?? 3 };
}
