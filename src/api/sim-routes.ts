import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { IdCardHost } from '../devices-bridge/idcard-host.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

/**
 * Simulator controls (`/api/v1/sim/...`), registered only when a simulated device is configured.
 * A card "placed" here goes on the simulated reader and comes back through the same bytes, codec
 * and driver a real reader's read takes: checked, hashed, masked, tokenised, sent to the kiosk.
 */
export const simRoutes: FastifyPluginAsyncTypebox<{ idcard: IdCardHost }> = async (app, { idcard }) => {
  app.post(
    '/sim/idcard/insert',
    {
      schema: {
        tags: ['simulators'],
        summary: 'Simulated ID-card reader: place a card (demo and tests only)',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 30 }),
            idNumber: Type.String({ minLength: 18, maxLength: 18 }),
            validUntil: Type.Optional(Type.String({ maxLength: 8 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request, reply) => {
      requireOneOf(request, { roles: ['guide', 'manager', 'admin'], devices: ['kiosk'] });
      const b = request.body;
      const read = await idcard.insert({ name: b.name, idNumber: b.idNumber, validUntil: b.validUntil });
      return reply.status(201).send({ card: read, kioskId: idcard.config.kioskId });
    },
  );
};
