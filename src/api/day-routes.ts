import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CommandHandler } from '../store/handle-command.ts';
import { idempotencyOf, requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

/**
 * The manager closes a business day by hand: after a clock jump held the automatic close back, or
 * at the end of an unusual day. Tickets still open become `abandoned_at_close` and windows are signed
 * out, exactly as the automatic close does.
 */
export const dayRoutes: FastifyPluginAsyncTypebox<{ handler: CommandHandler }> = async (app, { handler }) => {
  app.post(
    '/days/close',
    {
      schema: {
        tags: ['hall'],
        summary: 'Close business days up to a date (manager): what is still open is recorded as abandoned at close',
        body: Type.Object({ businessDate: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ closedTickets: Type.Integer(), signedOutWindows: Type.Integer() }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin'] });
      const { events } = await handler.submit({ type: 'CloseBusinessDay', data: { businessDate: request.body.businessDate } }, p.actor, idempotencyOf(request, p));
      return { closedTickets: events.filter((e) => e.type === 'ticket.abandoned_at_close').length, signedOutWindows: events.filter((e) => e.type === 'window.closed').length };
    },
  );
};
