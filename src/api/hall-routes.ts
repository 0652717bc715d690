import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HallConfig } from '../config/schema.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { idempotencyOf, requireOneOf, send } from './request-context.ts';
import { ErrorSchema, Text } from './schemas.ts';
import { hallView } from '../read-model/hall-view.ts';

export const hallRoutes: FastifyPluginAsyncTypebox<{ handler: CommandHandler; config: HallConfig }> = async (app, { handler, config }) => {
  app.get('/hall', { schema: { tags: ['hall'], summary: 'Categories, windows and notices, masked for public screens' } }, async () => {
    while (handler.uncommitted) await handler.whenCommitted();
    return { seq: handler.seq, ...hallView(handler.state, config, handler.clock.now()) };
  });

  app.get('/hall/priority-groups', { schema: { tags: ['hall'], summary: 'Priority groups (优先人群) and how each is set' } }, async () => ({
    groups: config.priorityGroups.map((g) => ({ id: g.id, name: g.name, source: g.source, ...(g.minAge !== undefined ? { minAge: g.minAge } : {}) })),
  }));

  app.put(
    '/hall/notices',
    {
      schema: {
        tags: ['hall'],
        summary: 'Replace the scrolling notices (manager)',
        body: Type.Object({ notices: Type.Array(Text(300), { maxItems: 50 }) }, { additionalProperties: false }),
        response: { 200: Type.Any(), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request, reply) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin'] });
      const result = await handler.submit(
        { type: 'UpdateNotices', data: { notices: request.body.notices } },
        p.actor,
        (_e, state) => ({ status: 200, body: { notices: state.notices ?? [] } }),
        idempotencyOf(request, p),
      );
      return send(reply, result);
    },
  );
};
