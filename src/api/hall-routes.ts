import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HallConfig } from '../config/schema.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { eventOf, idempotencyOf, requireOneOf } from './request-context.ts';
import { ErrorSchema, Text } from './schemas.ts';
import { hallView } from '../read-model/hall-view.ts';

export const hallRoutes: FastifyPluginAsyncTypebox<{ handler: CommandHandler; config: HallConfig }> = async (app, { handler, config }) => {
  app.get('/hall', { schema: { tags: ['hall'], summary: 'Categories, windows and notices, masked for public screens' } }, async () =>
    handler.read((state, now) => ({ seq: handler.seq, ...hallView(state, config, now) })),
  );

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
        response: { 200: Type.Object({ notices: Type.Array(Type.String()) }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin'] });
      const { events } = await handler.submit({ type: 'UpdateNotices', data: { notices: request.body.notices } }, p.actor, idempotencyOf(request, p));
      return { notices: eventOf(events, 'notice.updated').data.notices };
    },
  );
};
