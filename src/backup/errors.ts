/**
 * Errors of backups and restore. They reach the operator (the restore command, the hub's log), not an
 * API reply: the API's own codes are in the domain catalogue.
 */
export const BACKUP_ERRORS = {
  HQ_ERR_BACKUP_UNREADABLE: { zh: '备份文件无法打开，或不是 hallq 数据库', en: 'The backup cannot be opened, or is not a hallq database' },
  HQ_ERR_BACKUP_CORRUPT: { zh: '备份文件已损坏（完整性检查未通过），请改用另一份备份', en: 'The backup is damaged (integrity check failed); use another backup' },
  HQ_ERR_BACKUP_LOG_GAP: { zh: '备份中的事件日志不连续，请改用另一份备份', en: 'The event log in the backup has a gap; use another backup' },
  HQ_ERR_BACKUP_TOO_NEW: { zh: '备份来自更新版本的 hallq，请先升级 hallq', en: 'The backup comes from a newer hallq; upgrade hallq first' },
  HQ_ERR_BACKUP_HUB_RUNNING: { zh: '数据目录正被运行中的 hub 使用，请先停止 hub 再恢复', en: 'A running hub is using the data directory; stop the hub before restoring' },
  HQ_ERR_BACKUP_DIR: { zh: '备份目录无法使用，或与数据目录、密钥目录相同', en: 'The backup directory cannot be used, or is the data or key directory itself' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type BackupErrorCode = keyof typeof BACKUP_ERRORS;

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    detail: string,
  ) {
    super(`${BACKUP_ERRORS[code].zh} / ${BACKUP_ERRORS[code].en}: ${detail}`);
    this.name = 'BackupError';
  }
}
