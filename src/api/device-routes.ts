import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { DeviceRegistry } from '../devices-bridge/device-registry.ts';
import type { PrintAttentionMessage } from '../realtime/protocol.ts';
import { HallqError } from '../domain/errors.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

/**
 * The device health board: every device, how it is, what the guide desk should fix, and the alarms
 * of devices down too long. Clearing an alarm says someone has seen to it; it is logged with who.
 */
export const deviceRoutes: FastifyPluginAsyncTypebox<{ devices: DeviceRegistry; reprints: () => PrintAttentionMessage[] }> = async (app, { devices, reprints }) => {
  app.get(
    '/devices/reprints',
    { schema: { tags: ['hall'], summary: 'Tickets an agent could not print, or is not sure it printed: for the guide desk to reprint', response: { 200: Type.Object({ tickets: Type.Array(Type.Object({}, { additionalProperties: true })) }), 401: ErrorSchema, 403: ErrorSchema } } },
    async (request) => {
      requireOneOf(request, { roles: ['manager', 'admin', 'guide'] });
      return { tickets: reprints() };
    },
  );
  app.get(
    '/devices',
    { schema: { tags: ['hall'], summary: 'The device health board (manager, guide desk, monitoring token)', response: { 200: Type.Object({ devices: Type.Array(Type.Object({}, { additionalProperties: true })) }), 401: ErrorSchema, 403: ErrorSchema } } },
    async (request) => {
      requireOneOf(request, { roles: ['manager', 'admin', 'guide'], devices: ['monitor'] });
      return { devices: devices.list() };
    },
  );
  app.post(
    '/devices/:id/alarm/clear',
    {
      schema: {
        tags: ['hall'],
        summary: "Clear a device's alarm once someone has seen to it (manager, guide desk)",
        params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9:_-]{1,64}$' }) }),
        response: { 200: Type.Object({ device: Type.Object({}, { additionalProperties: true }) }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin', 'guide'] });
      const before = devices.get(request.params.id);
      if (!before) throw new HallqError('HQ_ERR_NOT_FOUND', { reason: 'no such device' });
      const device = devices.clearAlarm(request.params.id)!;
      if (before.alarm) request.log.info({ device: device.id, by: p.kind === 'staff' ? p.staff.id : p.device.id, alarm: before.alarm }, 'device alarm cleared');
      return { device };
    },
  );
};
