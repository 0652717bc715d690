import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AgentStore } from '../agents/agent-store.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

const AgentId = Type.String({ pattern: '^ag-[A-Za-z0-9_-]{8,40}$' });
const Secret = Type.String({ minLength: 32, maxLength: 128 });
const Agent = Type.Object({}, { additionalProperties: true });

/**
 * Pairing of device agents (issue #14 §1). The agent's two calls need no token (it has none yet) and
 * prove themselves with the agent's secret; the manager's list, approval and revocation need a manager.
 */
export const agentRoutes: FastifyPluginAsyncTypebox<{ agents: AgentStore; onRevoked: (id: string) => void }> = async (app, { agents, onRevoked }) => {
  app.post(
    '/agents/pair',
    {
      schema: {
        tags: ['devices'],
        summary: 'A device agent asks to be paired; the reply is the code it shows',
        security: [],
        body: Type.Object({ agentId: AgentId, secret: Secret, hostname: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ code: Type.String(), status: Type.String() }), 400: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request) => agents.request(request.body.agentId, request.body.secret, request.body.hostname),
  );
  app.post(
    '/agents/pair/collect',
    {
      schema: {
        tags: ['devices'],
        summary: 'The agent collects its token once a manager approved it (202 while it waits)',
        security: [],
        body: Type.Object({ agentId: AgentId, secret: Secret }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), name: Type.String(), devices: Type.Array(Type.String()) }), 202: Type.Object({ status: Type.Literal('pending') }), 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const got = agents.collect(request.body.agentId, request.body.secret);
      if (!got) return reply.status(202).send({ status: 'pending' });
      return got;
    },
  );
  app.get('/agents/self', { schema: { tags: ['devices'], summary: 'The calling agent: its name and devices (agent token)', response: { 200: Type.Object({ agent: Agent }), 401: ErrorSchema, 403: ErrorSchema } } }, async (request) => {
    const p = requireOneOf(request, { devices: ['agent'] });
    const agent = agents.get(p.kind === 'device' ? p.device.id : '')!;
    return { agent: { id: agent.id, name: agent.name, devices: agent.devices } };
  });
  app.get('/agents', { schema: { tags: ['devices'], summary: 'Device agents: pending, approved, revoked (manager)', response: { 200: Type.Object({ agents: Type.Array(Agent) }), 401: ErrorSchema, 403: ErrorSchema } } }, async (request) => {
    requireOneOf(request, { roles: ['manager', 'admin'] });
    return { agents: agents.list() };
  });
  app.post(
    '/agents/:id/approve',
    {
      schema: {
        tags: ['devices'],
        summary: 'Approve an agent: the code it shows, its name, the devices it hosts (manager)',
        params: Type.Object({ id: AgentId }),
        body: Type.Object(
          { code: Type.String({ pattern: '^[0-9]{6}$' }), name: Type.String({ minLength: 1, maxLength: 40 }), devices: Type.Array(Type.String({ pattern: '^[A-Za-z0-9:_-]{1,64}$' }), { maxItems: 32 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ agent: Agent }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin'] });
      const agent = agents.approve(request.params.id, request.body.code, request.body.name, request.body.devices, p.kind === 'staff' ? p.staff.id : p.device.id);
      request.log.info({ agent: agent.id, name: agent.name, devices: agent.devices }, 'device agent approved');
      return { agent };
    },
  );
  app.post(
    '/agents/:id/revoke',
    {
      schema: {
        tags: ['devices'],
        summary: "Revoke an agent: its token opens nothing from now on, and its link is closed (manager)",
        params: Type.Object({ id: AgentId }),
        response: { 200: Type.Object({ agent: Agent }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin'] });
      const agent = agents.revoke(request.params.id, p.kind === 'staff' ? p.staff.id : p.device.id);
      onRevoked(agent.id);
      request.log.info({ agent: agent.id }, 'device agent revoked');
      return { agent };
    },
  );
};
