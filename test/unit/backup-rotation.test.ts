import { describe, expect, it } from 'vitest';
import { backupFileName, backupStamp, filesToRotate, parseBackupName } from '../../src/backup/backup-files.ts';
import { resolveBackupSettings } from '../../src/backup/settings.ts';
import { addDays } from '../../src/domain/calendar.ts';
import { testConfig } from '../support/test-config.ts';

const keep = { keepDaily: 14, keepMonthly: 12, keepPreMigration: 3 };

/** One nightly backup a day from `start`, for `days` days. */
function nightly(start: string, days: number): string[] {
  return Array.from({ length: days }, (_, i) => backupFileName(addDays(start, i), '023000'));
}

describe('backup rotation', () => {
  it('names a backup by the hall’s date and time, and reads the name back', () => {
    expect(backupFileName('2026-12-07', '023000')).toBe('hallq-2026-12-07T023000.db');
    expect(parseBackupName('hallq-2026-12-07T023000-pre-migration-v12.db')).toEqual({ file: 'hallq-2026-12-07T023000-pre-migration-v12.db', date: '2026-12-07', time: '023000', preMigrationFrom: 12 });
    expect(parseBackupName('notes.txt')).toBeNull();
    expect(parseBackupName('hallq-2026-12-07T023000.db.partial')).toBeNull();
    // 2026-12-06 18:30:15 UTC is 02:30:15 on the 7th in Shanghai.
    expect(backupStamp(Date.UTC(2026, 11, 6, 18, 30, 15), 'Asia/Shanghai')).toEqual({ date: '2026-12-07', hhmmss: '023015' });
  });

  it('keeps the last 14 days and the first backup of each of the last 12 months, over two years of nights', () => {
    const files = nightly('2025-01-01', 730);
    const removed = new Set(filesToRotate(files, keep));
    const kept = files.filter((f) => !removed.has(f));
    const last14 = files.slice(-14);
    for (const f of last14) expect(kept).toContain(f);
    const monthly = kept.filter((f) => !last14.includes(f));
    // The newest month's first night is older than 14 days: 12 months, each by its first night.
    expect(monthly.map((f) => parseBackupName(f)!.date)).toEqual([
      '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01',
      '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01', '2026-12-01',
    ]);
    expect(kept).toHaveLength(14 + 12);
    // Rotating again removes nothing more.
    expect(filesToRotate(kept, keep)).toEqual([]);
  });

  it('keeps the newest of several backups of one day, the settings’ counts, the newest pre-migration backups, and never a file it did not make', () => {
    const day = ['hallq-2026-12-07T023000.db', 'hallq-2026-12-07T101500.db', 'hallq-2026-12-07T163000.db'];
    const pre = ['hallq-2026-11-01T080000-pre-migration-v9.db', 'hallq-2026-11-20T080000-pre-migration-v10.db', 'hallq-2026-12-01T080000-pre-migration-v11.db', 'hallq-2026-12-05T080000-pre-migration-v12.db'];
    const others = ['README.txt', 'hallq-2026-12-07T023000.db.partial', 'hallq.db'];
    const removed = filesToRotate([...day, ...pre, ...others], { keepDaily: 1, keepMonthly: 0, keepPreMigration: 2 });
    expect(removed.sort()).toEqual(['hallq-2026-11-01T080000-pre-migration-v9.db', 'hallq-2026-11-20T080000-pre-migration-v10.db', 'hallq-2026-12-07T023000.db', 'hallq-2026-12-07T101500.db'].sort());
    // With months kept, the first backup of December stays as its month's.
    expect(filesToRotate(day, { keepDaily: 1, keepMonthly: 1, keepPreMigration: 1 })).toEqual(['hallq-2026-12-07T101500.db']);
  });
});

describe('where backups may go', () => {
  it('never beside a key: the ID HMAC key’s directory nor the applicant key’s', () => {
    const where = { configDir: '/etc/hallq', dataDir: '/var/lib/hallq', env: { HALLQ_BACKUP_DIR: '/srv/keys/backups' } };
    const config = testConfig();
    expect(resolveBackupSettings(config, { ...where, keyFiles: ['/etc/hallq/keys/id-hmac.key', '/etc/hallq/keys/applicant.key'] })?.dir).toBe('/srv/keys/backups');
    expect(() => resolveBackupSettings(config, { ...where, keyFiles: ['/etc/hallq/keys/id-hmac.key', '/srv/keys/applicant.key'] })).toThrow(/HQ_ERR_BACKUP_DIR|备份目录无法使用/);
    expect(() => resolveBackupSettings(config, { ...where, keyFiles: ['/srv/keys/id-hmac.key', null] })).toThrow(/备份目录无法使用/);
    expect(() => resolveBackupSettings(config, { ...where, env: { HALLQ_BACKUP_DIR: '/var/lib/hallq/b' }, keyFiles: [] })).toThrow(/备份目录无法使用/);
  });
});
