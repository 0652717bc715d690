import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AgentStore } from '../agents/agent-store.ts';
import type { AgentCommands, PrintOutcome } from '../agents/agent-commands.ts';
import type { RemoteCardReads } from '../agents/remote-card-reads.ts';
import type { RemoteInputs } from '../agents/remote-inputs.ts';
import type { HallConfig } from '../config/schema.ts';
import { readerKioskOf } from '../devices-bridge/device-registry.ts';
import type { AgentPrintCommand, DeviceStatus } from '../realtime/protocol.ts';
import { HallqError } from '../domain/errors.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

const AgentId = Type.String({ pattern: '^ag-[A-Za-z0-9_-]{8,40}$' });
const Secret = Type.String({ minLength: 32, maxLength: 128 });
const Agent = Type.Object({}, { additionalProperties: true });

/**
 * Pairing of device agents (issue #14 §1). The agent's two calls need no token (it has none yet) and
 * prove themselves with the agent's secret; the manager's list, approval and revocation need a manager.
 */
export interface AgentRouteDeps {
  agents: AgentStore;
  commands: AgentCommands;
  config: HallConfig;
  onRevoked: (id: string) => void;
  /** A print command's end, told once (a repeated report is answered but not told again). */
  onOutcome: (message: AgentPrintCommand, outcome: PrintOutcome) => void;
  onStatus: (status: DeviceStatus, agentName: string) => void;
  cardReads: RemoteCardReads;
  inputs: RemoteInputs;
}

/** The kind of a device by its id, as the hosts report it; null for an id no host uses. */
export function kindOfDevice(device: string): DeviceStatus['kind'] | null {
  if (device.startsWith('printer:')) return 'printer';
  if (device.startsWith('idcard:')) return 'idcard';
  if (device === 'led-bars') return 'led';
  if (device === 'caller-bus') return 'caller';
  if (device === 'pad-bus' || device.startsWith('hid-pad:')) return 'pad';
  return null;
}

export const agentRoutes: FastifyPluginAsyncTypebox<AgentRouteDeps> = async (app, { agents, commands, config, onRevoked, onOutcome, onStatus, cardReads, inputs }) => {
  /** The calling agent, approved (its token resolved). */
  const self = (request: Parameters<typeof requireOneOf>[0]) => {
    const p = requireOneOf(request, { devices: ['agent'] });
    return agents.get(p.kind === 'device' ? p.device.id : '')!;
  };
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
  const Printer = Type.Object({ device: Type.String(), kioskId: Type.String(), uri: Type.String() });
  const Unit = Type.Object({ address: Type.Integer(), order: Type.Optional(Type.String()) });
  const Bus = Type.Object({ device: Type.String(), uri: Type.String(), units: Type.Array(Unit) });
  const Bars = Type.Object({ device: Type.String(), uri: Type.String(), addresses: Type.Array(Type.Integer()) });
  const HidPad = Type.Object({ device: Type.String(), entry: Type.Object({}, { additionalProperties: true }) });
  app.get(
    '/agents/self',
    {
      schema: {
        tags: ['devices'],
        summary: 'The calling agent: its name, devices and how to open those on its PC (agent token)',
        response: {
          200: Type.Object({ agent: Agent, printers: Type.Array(Printer), readers: Type.Array(Printer), ledBars: Type.Array(Bars), buses: Type.Array(Bus), hidPads: Type.Array(HidPad) }),
          401: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (request) => {
      const agent = self(request);
      const mine = (device: string) => agent.devices.includes(device);
      // What it needs to open its devices: their addresses on its PC.
      const printers = config.devices.printers.filter((p) => p.agent && mine(`printer:${p.kioskId}`)).map((p) => ({ device: `printer:${p.kioskId}`, kioskId: p.kioskId, uri: p.uri }));
      const ic = config.devices.idcard;
      const readerKiosk = ic?.agent ? readerKioskOf(config) : undefined;
      const readers = ic && readerKiosk && mine(`idcard:${readerKiosk}`) ? [{ device: `idcard:${readerKiosk}`, kioskId: readerKiosk, uri: ic.uri }] : [];
      const bars = config.devices.led?.bars;
      const ledBars = bars?.agent && mine('led-bars') ? [{ device: 'led-bars', uri: bars.uri, addresses: config.windows.flatMap((w) => (w.ledAddress !== undefined ? [w.ledAddress] : [])) }] : [];
      const { caller, padBus } = config.devices;
      const buses = [
        ...(caller?.agent && mine('caller-bus') ? [{ device: 'caller-bus', uri: caller.uri, units: caller.keypads.map((k) => ({ address: k.address, ...(k.order ? { order: k.order } : {}) })) }] : []),
        ...(padBus?.agent && mine('pad-bus') ? [{ device: 'pad-bus', uri: padBus.uri, units: padBus.pads.map((k) => ({ address: k.address, ...(k.order ? { order: k.order } : {}) })) }] : []),
      ];
      const hidPads = config.devices.ratingPads.filter((p) => p.agent && mine(`hid-pad:${p.windowId}`)).map((p) => ({ device: `hid-pad:${p.windowId}`, entry: p as unknown as Record<string, unknown> }));
      return { agent: { id: agent.id, name: agent.name, devices: agent.devices }, printers, readers, ledBars, buses, hidPads };
    },
  );
  app.post(
    '/agents/self/commands/:id',
    {
      schema: {
        tags: ['devices'],
        summary: 'The agent reports how a command ended (printed, failed, uncertain; a device command done); a repeat changes nothing',
        params: Type.Object({ id: Type.String({ pattern: '^cmd_[A-Za-z0-9_-]{8,40}$' }) }),
        body: Type.Object({ outcome: Type.Union([Type.Literal('printed'), Type.Literal('failed'), Type.Literal('uncertain'), Type.Literal('done')]) }, { additionalProperties: false }),
        response: { 200: Type.Object({ id: Type.String(), outcome: Type.String() }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const agent = self(request);
      const r = commands.report(agent.devices, request.params.id, request.body.outcome);
      if (r.first && r.message.kind === 'print') onOutcome(r.message, r.outcome === 'done' ? 'printed' : r.outcome);
      return { id: r.message.id, outcome: r.outcome };
    },
  );
  app.post(
    '/agents/self/card-reads',
    {
      schema: {
        tags: ['devices'],
        summary: "A card read at the agent's reader: applied once (by readId), refused when it arrives late",
        body: Type.Object(
          {
            device: Type.String({ pattern: '^idcard:[A-Za-z0-9_-]{1,48}$' }),
            readId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,40}$' }),
            ageMs: Type.Integer({ minimum: 0 }),
            card: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), idNumber: Type.String({ minLength: 15, maxLength: 18 }), validUntil: Type.Optional(Type.String({ maxLength: 16 })) }, { additionalProperties: false }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ applied: Type.Boolean(), duplicate: Type.Optional(Type.Boolean()), code: Type.Optional(Type.String()) }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const agent = self(request);
      const { device, readId, ageMs, card } = request.body;
      if (!agent.devices.includes(device)) throw new HallqError('HQ_ERR_NOT_FOUND', { reason: 'not a device of this agent' });
      return cardReads.apply(device.slice('idcard:'.length), readId, ageMs, card);
    },
  );
  app.post(
    '/agents/self/inputs',
    {
      schema: {
        tags: ['devices'],
        summary: "A key or a score at one of the agent's bus devices: applied once (by inputId); a key that arrives late is refused, a score counts at the time it was given",
        body: Type.Object(
          {
            device: Type.String({ pattern: '^(caller-bus|pad-bus|hid-pad:[0-9]{1,6})$' }),
            inputId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,40}$' }),
            ageMs: Type.Integer({ minimum: 0 }),
            input: Type.Union([
              Type.Object(
                { kind: Type.Literal('key'), address: Type.Integer({ minimum: 1, maximum: 254 }), key: Type.String({ pattern: '^[A-Za-z]{1,24}$' }), digits: Type.String({ pattern: '^[0-9]{0,8}$' }), combo: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,24}$' })) },
                { additionalProperties: false },
              ),
              Type.Object({ kind: Type.Literal('rating'), address: Type.Integer({ minimum: 0, maximum: 254 }), level: Type.Integer({ minimum: 1, maximum: 5 }) }, { additionalProperties: false }),
            ]),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ applied: Type.Boolean(), duplicate: Type.Optional(Type.Boolean()), code: Type.Optional(Type.String()) }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const agent = self(request);
      const { device, inputId, ageMs, input } = request.body;
      if (!agent.devices.includes(device)) throw new HallqError('HQ_ERR_NOT_FOUND', { reason: 'not a device of this agent' });
      return inputs.apply(device, inputId, ageMs, input);
    },
  );
  app.post(
    '/agents/self/status',
    {
      schema: {
        tags: ['devices'],
        summary: "The agent reports one of its devices' state, as the hub's own hosts do",
        body: Type.Object({ device: Type.String({ pattern: '^[A-Za-z0-9:_-]{1,64}$' }), state: Type.String({ minLength: 1, maxLength: 32 }), detail: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const agent = self(request);
      const { device, state, detail } = request.body;
      const kind = kindOfDevice(device);
      if (!agent.devices.includes(device) || !kind) throw new HallqError('HQ_ERR_NOT_FOUND', { reason: 'not a device of this agent' });
      const kiosk = kind === 'printer' || kind === 'idcard' ? { kioskId: device.slice(kind.length + 1) } : {};
      onStatus({ device, kind, ...kiosk, state, detail, at: Date.now() }, agent.name ?? agent.id);
      return reply.status(204).send(null);
    },
  );
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
