import { basename } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { BackupService } from '../backup/backup-service.ts';
import { HallqError } from '../domain/errors.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

const Backup = Type.Object({ file: Type.String(), bytes: Type.Integer(), date: Type.String(), time: Type.String(), kind: Type.Union([Type.Literal('regular'), Type.Literal('pre-migration')]) });

/**
 * The backups a manager can see and ask for (before a risky change, say). The files themselves are
 * not served: they hold the hall's personal data and leave the server only by the operator's hand.
 */
export const backupRoutes: FastifyPluginAsyncTypebox<{ backups: BackupService | null }> = async (app, { backups }) => {
  const service = () => {
    if (!backups) throw new HallqError('HQ_ERR_BACKUPS_OFF');
    return backups;
  };
  app.get(
    '/backups',
    { schema: { tags: ['hall'], summary: 'The backups kept, newest first (manager)', response: { 200: Type.Object({ dir: Type.String(), backups: Type.Array(Backup) }), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema } } },
    async (request) => {
      requireOneOf(request, { roles: ['manager', 'admin'] });
      const s = service();
      return { dir: s.settings.dir, backups: s.list() };
    },
  );
  app.post(
    '/backups',
    {
      schema: {
        tags: ['hall'],
        summary: 'Back up the database now (manager); the log up to `lastSeq` is in the file, whole',
        response: { 201: Type.Object({ file: Type.String(), bytes: Type.Integer(), lastSeq: Type.Integer(), ms: Type.Integer(), rotated: Type.Array(Type.String()) }), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request, reply) => {
      requireOneOf(request, { roles: ['manager', 'admin'] });
      const s = service();
      let done;
      try {
        done = await s.backupNow();
      } catch (err) {
        request.log.error({ err }, 'backup failed');
        throw new HallqError('HQ_ERR_BACKUP_FAILED');
      }
      return reply.status(201).send({ file: basename(done.file), bytes: done.bytes, lastSeq: done.lastSeq, ms: done.ms, rotated: done.rotated });
    },
  );
};
