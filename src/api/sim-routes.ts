import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CardReads } from '../personal/card-reads.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

/**
 * Simulator controls (`/api/v1/sim/...`), registered only when a simulated device is configured.
 * A card "placed" here takes the path a real reader's read takes: checked, hashed, masked, tokenised.
 */
export const simRoutes: FastifyPluginAsyncTypebox<{ cardReads: CardReads; onCardRead: (kioskId: string | null, read: unknown) => void }> = async (
  app,
  { cardReads, onCardRead },
) => {
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
            kioskId: Type.Optional(Type.String({ maxLength: 32 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request, reply) => {
      const p = requireOneOf(request, { roles: ['guide', 'manager', 'admin'], devices: ['kiosk'] });
      const b = request.body;
      const read = cardReads.accept({ name: b.name, idNumber: b.idNumber, ...(b.validUntil ? { validUntil: b.validUntil } : {}) });
      const kioskId = b.kioskId ?? (p.kind === 'device' ? p.device.id : null);
      onCardRead(kioskId, read);
      return reply.status(201).send({ card: read });
    },
  );
};
