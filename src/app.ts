import { join } from 'node:path';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { appRoot } from './app-root.ts';
import { bookingRoutes } from './api/booking-routes.ts';
import { authRoutes } from './api/auth-routes.ts';
import { hallRoutes } from './api/hall-routes.ts';
import { requireOneOf, requireSameOriginForCookie, tokenOf } from './api/request-context.ts';
import { reportStatus, type DeviceStatus, type Emit } from './devices-bridge/device-status.ts';
import { ErrorSchema } from './api/schemas.ts';
import { simRoutes } from './api/sim-routes.ts';
import { ticketRoutes } from './api/ticket-routes.ts';
import { uiRoutes } from './api/ui-routes.ts';
import { windowRoutes } from './api/window-routes.ts';
import { dayRoutes } from './api/day-routes.ts';
import { assessmentRoutes } from './api/assessment-routes.ts';
import { quietTimeRoutes, rankingRoutes, reportRoutes } from './api/report-routes.ts';
import { ReportRunner } from './reports/runner.ts';
import { Principals } from './auth/principals.ts';
import type { HallConfig } from './config/schema.ts';
import { simulatorControls } from './config/load-hall-config.ts';
import { startDayCloser } from './day-closer.ts';
import { checkCongestion, expireBookings, recordDueFlowSlots } from './hub-jobs.ts';
import { ClockGuard } from './clock-guard.ts';
import { startRatingTimeouts } from './rating-timeouts.ts';
import { ratingRoutes } from './api/rating-routes.ts';
import { upstreamRoutes } from './api/upstream-routes.ts';
import { provincePageRoutes } from './api/province-page-routes.ts';
import { AnhuiPageAdapter } from './upstream/anhui-page-adapter.ts';
import { kioskRoutes } from './api/kiosk-routes.ts';
import { Type } from '@sinclair/typebox';
import { createAnnouncer, missingClipsSummary, type ZonedAnnouncer } from './announcer/index.ts';
import { errorBody, installErrorHandler } from './api/http-errors.ts';
import { HallqError } from './domain/errors.ts';
import { CallerHost } from './devices-bridge/caller-host.ts';
import { createUpstream, resolveUpstreamConfig } from './upstream/index.ts';
import { BASE_BAD_REASONS } from './domain/ratings.ts';
import { parseRatingPadsConfig, type OpenHid } from '../devices/ratingpad/index.ts';
import { HidPadDevice } from './devices-bridge/hosts/hid-pad.ts';
import { DeviceInputs, hidPadRatings } from './devices-bridge/device-inputs.ts';
import type { DeviceLink } from './devices-bridge/device-link.ts';
import { RemoteInputs } from './agents/remote-inputs.ts';
import { LedHost } from './devices-bridge/led-host.ts';
import { IdCardHost } from './devices-bridge/idcard-host.ts';
import { PrinterHost, ticketBytes, ticketToPrint, type TicketToPrint } from './devices-bridge/printer-host.ts';
import { CardReads } from './personal/card-reads.ts';
import { ApplicantSeal } from './personal/applicant-seal.ts';
import { attachRealtime, type HubServer, type SocketData } from './realtime/realtime-server.ts';
import type { SideMessages } from './realtime/protocol.ts';
import { hubIdOf } from './store/hub-identity.ts';
import { CommandHandler, systemClock, type Clock, type SnapshotIdentity } from './store/handle-command.ts';
import { openDb, type Db } from './store/open-db.ts';
import { WalCheckpointer } from './store/wal-checkpointer.ts';
import { codeId } from './store/state-snapshot.ts';
import { codecContext } from './store/event-log.ts';
import { lazyCompilers } from './api/schema-compilers.ts';
import { HistoryReader } from './store/history.ts';
import { backupRoutes } from './api/backup-routes.ts';
import { deviceRoutes } from './api/device-routes.ts';
import { agentRoutes } from './api/agent-routes.ts';
import { AgentStore } from './agents/agent-store.ts';
import { AgentCommands, attentionOf } from './agents/agent-commands.ts';
import { RemoteCardReads } from './agents/remote-card-reads.ts';
import { ERRORS } from './domain/errors.ts';
import { businessDate } from './domain/calendar.ts';
import { declaredDevices, DeviceRegistry, readerKioskOf } from './devices-bridge/device-registry.ts';
import { HubMetrics } from './metrics/hub-metrics.ts';
import { BackupService, type BackupSettings } from './backup/backup-service.ts';
import { backupFileName, backupStamp } from './backup/backup-files.ts';
import { backupIfMigrating } from './backup/online-backup.ts';
import { MIGRATIONS } from './store/migrations.ts';
import type { SmsChannel } from '../devices/sms-modem/channel.ts';
import { createSms, smsChannelOf, type Sms } from './sms/index.ts';
import { smsRoutes } from './api/sms-routes.ts';

export interface BuildOptions {
  config: HallConfig;
  /** SQLite file, or ':memory:' for unit-level tests. */
  dbFile: string;
  /**
   * Where a graceful stop leaves the hall's working state for the next start (`store/state-snapshot.ts`);
   * the hub (`main.ts`) sets it in its data directory. Without it every start loads from SQLite.
   */
  stateSnapshot?: string;
  hmacKey: Buffer;
  /** AES-256 key the 好差评 applicant is sealed with in the outbox (`loadApplicantKey`); without it no applicant is kept. */
  applicantKey?: Buffer;
  /** AES-256 key phone numbers for SMS are sealed with (`loadContactKey`); needed when the config has `sms`. */
  contactKey?: Buffer;
  /** What sends and receives texts; default: the config's modem. Tests pass a fake. */
  smsChannel?: SmsChannel | null;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Run the day-close timer (closing abandoned tickets); off in tests that drive the clock themselves. */
  dayCloser?: boolean;
  /** Where the built UIs are (`npm run build:ui`); defaults to `dist/ui` of the repo. */
  uiDir?: string;
  /** Base URL printed in ticket QR codes; default the config's `hall.publicUrl`, else localhost and the port. */
  publicUrl?: string;
  /** Generated voice clips are kept here between starts (default: none, regenerated each start). */
  voiceCacheDir?: string | null;
  /** Recordings that replace generated clips (default `config/voice` of the repo). */
  voiceDir?: string | null;
  /** Voice calling on (default) or off. */
  announcer?: boolean;
  /** Folder the config was read from (an upstream `secretFile` is relative to it). */
  configDir?: string;
  /** How USB HID pads are opened; default node-hid, loaded lazily. Tests pass a fake bus. */
  openHid?: OpenHid;
  /** How often the wall clock is compared with the monotonic one (default 5 s). */
  clockCheckMs?: number;
  /** Report threads: how many, how many jobs may wait, and the time limit of one (see ReportRunner). */
  reports?: { threads?: number; queue?: number; timeoutMs?: number; exportTimeoutMs?: number };
  /** Nightly and pre-migration backups (`resolveBackupSettings`); none when absent. */
  backups?: BackupSettings | null;
}

export interface Hub {
  app: FastifyInstance;
  /** SMS, when the config has it. */
  sms: Sms | null;
  printers: Map<string, PrinterHost>;
  idcard: IdCardHost | null;
  caller: CallerHost | null;
  /** The evaluators' own RS-485 bus, where there is one. */
  padBus: CallerHost | null;
  led: LedHost | null;
  /** The device health board. */
  devices: DeviceRegistry;
  announcer: ZonedAnnouncer | null;
  handler: CommandHandler;
  /** Runs the hall's reports in worker threads, each with its own read-only connection. */
  reports: ReportRunner;
  backups: BackupService | null;
  guard: ClockGuard;
  io: HubServer;
  db: Db;
  hubId: string;
  /** Compiles every route schema no request has compiled yet (the hub does it by itself once it listens). */
  compileSchemas(): Promise<{ compiled: number; errors: Error[] }>;
  close(): Promise<void>;
}

/** Builds the hub without listening (tests use `inject()` or `listen({port: 0})`). */
export async function buildHub(opts: BuildOptions): Promise<Hub> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  // Before a migration changes the schema, the database as it was goes to the backups.
  if (opts.backups) {
    const dir = opts.backups.dir;
    const t = backupStamp(clock.now(), config.hall.timeZone);
    await backupIfMigrating(opts.dbFile, MIGRATIONS.length, (from) => join(dir, backupFileName(t.date, t.hhmmss, from)));
  }
  const db = openDb(opts.dbFile);
  // The WAL is checkpointed from a thread of its own: a commit never syncs the database file.
  const checkpointer = opts.dbFile === ':memory:' ? null : new WalCheckpointer(db, opts.dbFile, { onError: (err) => app.log.error({ err }, 'the checkpoint thread failed; the hub checkpoints by itself') });
  const hubId = hubIdOf(db);
  // The running code's identity is taken now, at start: at stop, the files on disk may be an upgrade's.
  const snapshotIdentity: SnapshotIdentity | null = opts.stateSnapshot
    ? { hubId, timeZone: config.hall.timeZone, schema: MIGRATIONS.length, code: codeId(), codec: JSON.stringify(codecContext(config)) }
    : null;
  const handler = new CommandHandler(db, config, clock, opts.stateSnapshot && snapshotIdentity ? { snapshot: { file: opts.stateSnapshot, key: snapshotIdentity } } : {});
  const principals = new Principals(db, config, clock);
  // The 好差评 upload: rows are written with each rating; the worker posts them in order.
  const upstreamConfig = config.upstream
    ? resolveUpstreamConfig(config.upstream, {
        baseDir: opts.configDir ?? join(appRoot(), 'config'),
        hall: { items: Object.keys(config.ratings.items), reasons: [...BASE_BAD_REASONS, ...config.ratings.extraReasons] },
      })
    : null;
  const upstream = upstreamConfig
    ? createUpstream(db, upstreamConfig, {
        seal: opts.applicantKey ? new ApplicantSeal(opts.applicantKey) : null,
        hallTimeZone: config.hall.timeZone,
        onStatus: (s) => emit('manager', 'upstream.status', s),
      })
    : null;
  handler.setApplicantKeeper(upstream?.keeper ?? null);
  const cardReads = new CardReads(opts.hmacKey, clock, config.hall.timeZone, config.devices.idcard?.tokenTtlSec ?? 300, upstream?.keeper != null);
  // Device agents pair with the hub and hold tokens of their own, kept here as hashes.
  const agents = new AgentStore(db, clock);
  principals.agentByTokenHash = (hash) => agents.byTokenHash(hash);
  // Reports read the file from their own threads (WAL lets them read while the hall writes): a year's export never stalls a call.
  const reports = new ReportRunner({ dbFile: opts.dbFile, config, db, ...opts.reports });

  // Route schemas compile on first use, and the rest in the background once the hub listens.
  const compilers = lazyCompilers();
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 64 * 1024,
    // Only the proxies the hall names: otherwise anyone could name any address in X-Forwarded-For.
    ...(config.limits.trustedProxies.length > 0 ? { trustProxy: config.limits.trustedProxies } : {}),
    // No type coercion: `["ZX"]` is not "ZX" and `null` is not an empty list. Path ids are strings, parsed by hand.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } },
    schemaController: { compilersFactory: compilers },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  app.addHook('onListen', (done) => {
    // After the hub serves: the schemas no request has compiled yet, a slice at a time.
    void compilers.compileAll().then(({ compiled, errors }) => {
      app.log.debug({ schemas: compiled }, 'route schemas compiled');
      for (const err of errors) app.log.error({ err }, 'a route schema does not compile: its route answers 500');
    });
    done();
  });
  const backups = opts.backups && opts.dbFile !== ':memory:' ? new BackupService(opts.dbFile, opts.backups, clock, config.hall.timeZone, app.log) : null;
  if (backups && opts.dayCloser !== false) backups.start();
  app.addSchema(ErrorSchema);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'hallq hub API', description: '便民服务中心排队叫号 hub, API v1 (DESIGN §4)', version: '1.0.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    requireSameOriginForCookie(request);
    request.principal = principals.resolve(tokenOf(request));
  });

  const realtime = attachRealtime(app.server, { handler, config, principals, hubId });
  const { io } = realtime;
  // The latest device.status of every device, for the health details.
  const deviceStates = new Map<string, DeviceStatus>();
  // The health board: every device of the config, kept from its host's reports and its traffic.
  const devices = new DeviceRegistry(declaredDevices(config), clock, config.hall.timeZone, config.devices.downAlarmMin * 60_000, (entry) =>
    realtime.emitTo(['manager', 'guide'], 'device.health', entry),
  );
  const emit: Emit = (room, type, message) => {
    if (type === 'device.status') {
      deviceStates.set((message as DeviceStatus).device, message as DeviceStatus);
      devices.onStatus(message as DeviceStatus);
    }
    if (room.startsWith('kiosk:')) {
      const job = type === 'print.job' ? (message as SideMessages['print.job']) : null;
      if (job && (job.event === 'printed' || job.event === 'failed')) devices.onPrint(room.slice(6), job.event);
      if (type === 'card.read') devices.onCardRead(room.slice(6));
    }
    realtime.emitTo(room, type, message);
  };
  const alarmTimer = setInterval(() => devices.tick(), 5_000);
  alarmTimer.unref();
  const idcardConfig = config.devices.idcard;
  const idcard =
    idcardConfig && !idcardConfig.agent
    ? new IdCardHost(
        { uri: idcardConfig.uri, kioskId: readerKioskOf(config)! },
        cardReads,
        emit,
      )
    : null;
  idcard?.start();

  const publicUrl = () => {
    if (opts.publicUrl ?? config.hall.publicUrl) return (opts.publicUrl ?? config.hall.publicUrl)!;
    const addr = app.server.address();
    return `http://localhost:${typeof addr === 'object' && addr ? addr.port : 3000}`;
  };
  const printers = new Map<string, PrinterHost>();
  for (const p of config.devices.printers) {
    if (p.agent) continue; // run by the kiosk PC's agent (below)
    const host = new PrinterHost({ kioskId: p.kioskId, uri: p.uri, paperMm: p.paperMm }, config, emit, publicUrl);
    await host.start();
    printers.set(p.kioskId, host);
  }
  // SMS (issue #15 §2): numbers held sealed while their ticket lives, texts in a durable outbox.
  if (config.sms && !opts.contactKey) throw new Error('the config has sms: a contact key is needed (loadContactKey)');
  const smsLink = opts.smsChannel !== undefined ? { channel: opts.smsChannel, modem: null, gateway: null, simulator: null } : smsChannelOf(config);
  smsLink.modem?.on('status', (s) => reportStatus(emit, 'sms-modem', 'sms', { state: s.state, detail: s.lastError ?? '' }));
  smsLink.modem?.start();
  const sms = config.sms
    ? createSms({
        db,
        handler,
        config,
        hmacKey: opts.hmacKey,
        contactKey: opts.contactKey!,
        channel: smsLink.channel,
        ticketLink: (id) => `${publicUrl()}/t/${id}`,
        onStatus: (st) => emit('manager', 'sms.status', st),
        log: app.log,
      })
    : null;
  sms?.service.start();
  const voice =
    opts.announcer === false
      ? null
      : await createAnnouncer({
          config: config.announcer,
          recordingsDir: opts.voiceDir === undefined ? join(appRoot(), 'config', 'voice') : opts.voiceDir,
          cacheDir: opts.voiceCacheDir ?? null,
        });
  // One line however many clips are missing (all of them when espeak-ng is absent): the reasons, counted.
  if (voice && voice.report.missing.length > 0) app.log.warn(missingClipsSummary(voice.report.missing), 'voice clips missing: those calls are spoken by the browser');
  const announcer = voice?.announcer ?? null;
  // The hall wall plays each announcement when the hub's single queue reaches it: never two at once.
  announcer?.on('announcement', (a) => emit('hall', 'announcement', a));
  announcer?.on('warning', (w) => app.log.warn(w, 'announcement'));
  handler.onCommitted((events) => {
    for (const e of events) {
      if (e.type !== 'ticket.called' || !announcer) continue;
      try {
        announcer.announce({ callId: e.data.callId, number: e.data.number, windowId: e.data.windowId, recall: e.data.recall });
      } catch (err) {
        app.log.warn({ err, number: e.data.number }, 'cannot announce');
      }
    }
  });

  // Bus devices on agents: each command is a durable one to the agent that hosts the device (issue #14 §1).
  const agentCommands = new AgentCommands(db, clock);
  const agentLink: DeviceLink = {
    send(device, command) {
      const msg = agentCommands.device(device, command);
      for (const id of agents.hostsOf(device)) realtime.emitTo(`agent:${id}`, 'agent.command', msg);
    },
  };
  // Keys and scores, from the hub's own devices and agents' alike.
  const deviceInputs = new DeviceInputs();
  const led = config.devices.led ? new LedHost(config.devices.led, config, emit, agentLink) : null;
  led?.start();
  if (led) handler.onCommitted((events) => led.onEvents(events));

  if (upstream) {
    handler.onCommitted((events) => {
      if (events.some((e) => e.type === 'rating.recorded')) upstream.worker.notify();
    });
    upstream.worker.start();
  }

  // USB HID rating pads: a press rates the window's pending service, like a tap on the tablet.
  parseRatingPadsConfig(config.devices.ratingPads); // the whole list's checks (one pad per window and per device)
  const hidPads: HidPadDevice[] = [];
  for (const entry of config.devices.ratingPads) {
    const device = `hid-pad:${entry.windowId}`;
    deviceInputs.register(device, hidPadRatings(handler, entry.windowId, (err) => app.log.info({ err: String(err), windowId: entry.windowId }, 'HID pad rating refused')));
    if (entry.agent) continue; // run by the window PC's agent
    // Heard as it is made: stamped with the hub's clock, as its events are.
    const pad = new HidPadDevice(device, entry, (input) => void deviceInputs.apply(device, input, clock.now()), (s) => reportStatus(emit, device, 'pad', s), opts.openHid);
    pad.start();
    hidPads.push(pad);
  }

  const caller = config.devices.caller ? new CallerHost(config.devices.caller, handler, config, emit, { device: 'caller-bus', agentLink, now: () => clock.now() }) : null;
  caller?.start();
  const pb = config.devices.padBus;
  const padBus = pb ? new CallerHost({ uri: pb.uri, keypads: pb.pads, agent: pb.agent }, handler, config, emit, { device: 'pad-bus', agentLink, now: () => clock.now() }) : null;
  padBus?.start();
  for (const host of [caller, padBus]) if (host) deviceInputs.register(host.device, (input, at, idem) => host.onInput(input, at, idem));
  // A ticket is printed only once its issue is on disk.
  handler.onCommitted((events) => {
    for (const e of events) {
      if (e.type !== 'ticket.issued' || !e.data.kioskId) continue;
      printers.get(e.data.kioskId)?.printTicket(ticketToPrint(e.data));
    }
  });

  // Prometheus scrapes with the monitoring token (a manager's session works too, to look).
  const metrics = new HubMetrics({ handler, config, devices, upstream: upstream ? () => upstream.worker.status() : null, socketClients: () => io.engine.clientsCount });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    requireOneOf(request, { roles: ['manager', 'admin'], devices: ['monitor'] });
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.render());
  });

  // Printers on agents: each ticket's print is a durable command to the agent that hosts the printer,
  // sent now and again at each of its reconnects until it reports the outcome (issue #14 §1).
  const agentPrinters = new Map(config.devices.printers.filter((p) => p.agent).map((p) => [p.kioskId, p]));
  const printOnAgent = (kioskId: string, t: TicketToPrint): string | null => {
    const p = agentPrinters.get(kioskId);
    if (!p) return null;
    const msg = agentCommands.print(`printer:${p.kioskId}`, ticketBytes(config, t, p.paperMm, publicUrl()), t.ticketId, t.number);
    for (const id of agents.hostsOf(msg.device)) realtime.emitTo(`agent:${id}`, 'agent.command', msg);
    emit(`kiosk:${p.kioskId}`, 'print.job', { jobId: msg.id, ticketId: t.ticketId, number: t.number, state: 'printing', event: 'sent', attempt: 1, error: null });
    return msg.id;
  };
  if (agentPrinters.size > 0) {
    handler.onCommitted((events) => {
      for (const e of events) {
        if (e.type !== 'ticket.issued' || !e.data.kioskId) continue;
        const p = agentPrinters.get(e.data.kioskId);
        if (!p) continue;
        printOnAgent(p.kioskId, ticketToPrint(e.data));
      }
    });
  }
  if (agentPrinters.size > 0) {
    const today = businessDate(clock.now(), config.hall.timeZone);
    const waiting = await handler.read((state) =>
      [...state.tickets.values()]
        .filter((t) => t.kioskId && agentPrinters.has(t.kioskId) && t.businessDate === today && (t.status === 'waiting' || t.status === 'called'))
        .map((t) => ({ ticketId: t.id, number: t.number, kioskId: t.kioskId! })),
    );
    const missed = agentCommands.reconcile(waiting);
    if (missed > 0) app.log.warn({ missed }, 'tickets committed before a crash without a print command: on the guide desk list to reprint');
  }
  // The agent a socket is (null for any other screen or device).
  const agentOf = (socket: { data: SocketData }): string | null => {
    const p = socket.data.principal;
    return p?.kind === 'device' && p.device.kind === 'agent' ? p.device.id : null;
  };
  // The agent process each agent last linked from: a new one has restarted and lost what its bars show.
  const agentBoots = new Map<string, string>();
  io.on('connection', (socket) => {
    const id = agentOf(socket);
    if (id === null) return;
    const agent = agents.get(id);
    if (!agent) return;
    const boot = String((socket.handshake.auth as { boot?: unknown } | undefined)?.boot ?? '');
    if (agentBoots.get(id) !== boot) {
      agentBoots.set(id, boot);
      // First, so the older texts still open give way to these (each address's latest only); an id
      // that reaches the agent twice, from the room and from the list below, runs once (its journal).
      if (agent.devices.includes('led-bars')) led?.redraw();
    }
    for (const msg of agentCommands.openFor(agent.devices)) socket.emit('agent.command', msg);
  });

  // Liveness for anyone (a supervisor, a load balancer): is the hub up, and did its last write land?
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    const ok = handler.lastCommit.ok;
    return reply.status(ok ? 200 : 503).send({ ok });
  });
  // The details, for the manager and the monitoring token only: they name the hub's log and its devices.
  app.get('/api/v1/health', { schema: { tags: ['hall'], summary: 'Health details: last commit, upload backlog, devices (manager or monitoring token)' } }, async (request) => {
    requireOneOf(request, { roles: ['manager', 'admin'], devices: ['monitor'] });
    const lastCommit = handler.lastCommit;
    return {
      ok: lastCommit.ok,
      hubId,
      seq: handler.seq,
      hall: config.hall.name,
      now: clock.now(),
      lastCommit,
      // Read now, not a cached status: the backlog counts every rating still to go.
      upstream: upstream ? upstream.worker.status() : null,
      sms: sms ? sms.service.status() : null,
      devices: [...deviceStates.values()],
      backup: backups ? { dir: backups.settings.dir, last: backups.last } : null,
    };
  });

  await app.register(uiRoutes, { distDir: opts.uiDir ?? join(appRoot(), 'dist', 'ui') });

  await app.register(
    async (api) => {
      await api.register(authRoutes, { principals, clock });
      await api.register(hallRoutes, { handler, config });
      await api.register(ticketRoutes, {
        handler,
        config,
        cardReads,
        printers,
        principals,
        // The guide desk's reprint also settles what waited for it on the guide desk's list.
        agentReprint: (kioskId, t) => {
          const id = printOnAgent(kioskId, t);
          if (id) for (const m of agentCommands.reprinted(t.ticketId)) realtime.emitTo(['guide', 'manager'], 'print.attention', m);
          return id;
        },
      });
      await api.register(windowRoutes, { handler, config });
      await api.register(dayRoutes, { handler });
      await api.register(bookingRoutes, { handler, config, cardReads });
      await api.register(ratingRoutes, { handler, config, history: new HistoryReader(db) });
      await api.register(kioskRoutes, { handler, config, cardReads, printers, principals, announcer });
      await api.register(reportRoutes, { handler, config, reports });
      await api.register(quietTimeRoutes, { handler, config, reports });
      await api.register(rankingRoutes, { handler, config, reports });
      await api.register(assessmentRoutes, { handler, config, reports });
      await api.register(provincePageRoutes, {
        handler,
        page: upstream && upstreamConfig?.codes && upstream.adapter instanceof AnhuiPageAdapter ? { adapter: upstream.adapter, codes: upstreamConfig.codes, secret: upstreamConfig.secret } : null,
      });
      await api.register(upstreamRoutes, { upstream, clock, timeZone: config.hall.timeZone, announce: (type, message) => emit('manager', type, message) });
      await api.register(backupRoutes, { backups });
      await api.register(smsRoutes, { sms, handler, gateway: smsLink.gateway, simulator: simulatorControls(config).includes('sms') ? smsLink.simulator : null });
      await api.register(deviceRoutes, { devices, reprints: () => agentCommands.needingReprint() });
      await api.register(agentRoutes, {
        agents,
        commands: agentCommands,
        config,
        onOutcome: (msg, outcome) => {
          const kioskId = msg.device.slice('printer:'.length);
          // Failed or uncertain (the agent stopped mid-print): the resident is told, the guide desk reprints.
          emit(`kiosk:${kioskId}`, 'print.job', { jobId: msg.id, ticketId: msg.ticketId, number: msg.number, state: outcome === 'printed' ? 'printed' : 'failed', event: outcome, attempt: 1, error: outcome === 'printed' ? null : outcome });
          if (outcome !== 'printed') {
            app.log.warn({ ticket: msg.number, outcome, device: msg.device }, 'ticket not printed: for the guide desk to reprint');
            realtime.emitTo(['guide', 'manager'], 'print.attention', attentionOf({ ...msg, outcome }, false));
          }
        },
        // A card read at an agent's reader goes to its kiosk as a card read in the hub does.
        cardReads: new RemoteCardReads(cardReads, (kioskId, outcome) => {
          if (outcome.ok) emit(`kiosk:${kioskId}`, 'card.read', outcome.read);
          else emit(`kiosk:${kioskId}`, 'card.refused', { code: outcome.error.code, message: outcome.error.message, zh: ERRORS[outcome.error.code].zh, en: ERRORS[outcome.error.code].en });
        }),
        inputs: new RemoteInputs(deviceInputs, () => clock.now()),
        onStatus: (status, agentName) => {
          devices.setHost(status.device, agentName);
          emit('manager', 'device.status', status);
          if (status.kioskId) emit(`kiosk:${status.kioskId}`, 'device.status', status);
        },
        // A revoked agent's link closes now; its token will not open another.
        onRevoked: (id) => {
          for (const s of io.of('/').sockets.values()) if (agentOf(s) === id) s.disconnect(true);
        },
      });
      api.get(
        '/announcements/calls/:callId',
        {
          schema: {
            tags: ['hall'],
            summary: 'The announcement of a recent call, for a wall that missed it (away, or the hub restarted)',
            params: Type.Object({ callId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }),
          },
        },
        async (request) => {
          const callId = (request.params as { callId: string }).callId;
          const call = realtime.recent.findLast((e) => e.type === 'ticket.called' && e.data.callId === callId);
          if (!announcer || !call || call.type !== 'ticket.called') throw new HallqError('HQ_ERR_NOT_FOUND', { reason: 'no recent call with this id' });
          return announcer.describe({ callId, number: call.data.number, windowId: call.data.windowId, recall: call.data.recall });
        },
      );
      api.get('/announcements/:file', { schema: { tags: ['hall'], summary: 'The WAV of one announcement, for the hall wall', params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}\\.wav$' }) }) } }, async (request, reply) => {
        const wav = announcer?.wavFor((request.params as { file: string }).file.slice(0, -4)) ?? null;
        if (!wav) return reply.status(404).send(errorBody('HQ_ERR_NOT_FOUND', { reason: 'no such announcement' }));
        return reply.type('audio/wav').header('cache-control', 'public, max-age=31536000, immutable').send(wav);
      });
      // Simulator controls only where the config says this is a demo (the hall, or that device).
      const controls = new Set(simulatorControls(config));
      const simPrinters = new Map(
        [...printers].filter(([kioskId, h]) => h.fake !== null && (config.hall.demo === true || config.devices.printers.find((p) => p.kioskId === kioskId)?.demo === true)),
      );
      if (controls.size > 0)
        await api.register(simRoutes, {
          handler,
          idcard: controls.has('idcard') && idcard?.simulator ? idcard : null,
          printers: controls.has('printer') ? simPrinters : new Map(),
          caller: controls.has('caller') && caller?.simulator ? caller : null,
          led: controls.has('led') ? led : null,
        });
    },
    { prefix: '/api/v1' },
  );

  // The clock: a jump is recorded for the manager, and holds the day closer back until it is confirmed.
  const guard = new ClockGuard(clock, config.schedule.clockJumpAlarmMin * 60_000, (jump) => {
    app.log.warn({ jump }, 'clock jumped');
    try {
      handler.run({ type: 'RecordClockJump', data: jump }, { kind: 'system', id: 'clock-guard' });
    } catch (err) {
      app.log.error({ err }, 'cannot record the clock jump');
    }
  });
  guard.checkAgainstLog(handler.lastEventAt());
  const guardTimer = setInterval(() => guard.check(), opts.clockCheckMs ?? 5_000);
  guardTimer.unref();
  const stopDayCloser = opts.dayCloser === false ? () => {} : startDayCloser(handler, guard, (err) => app.log.error({ err }, 'day close failed'));
  const stopRatingTimeouts = opts.dayCloser === false ? () => {} : startRatingTimeouts(handler, (err) => app.log.error({ err }, 'rating timeout failed'));
  // The half-hour flow (and the slots the hub was down through, at once) and the congestion alarm.
  const recordsTimer =
    opts.dayCloser === false
      ? null
      : setInterval(() => {
          try {
            recordDueFlowSlots(handler);
            checkCongestion(handler);
            expireBookings(handler);
          } catch (err) {
            app.log.error({ err }, 'hall records failed');
          }
        }, 10_000);
  recordsTimer?.unref();
  // Housekeeping in small steps, never on the start path: a minute after start, then every minute,
  // a step every 50 ms while there is more (each holds the write lock for a few tens of ms at most).
  let maintenanceTimer: NodeJS.Timeout | null = null;
  const maintain = () => {
    let more = false;
    try {
      more = handler.maintenanceStep(30);
    } catch (err) {
      app.log.error({ err }, 'housekeeping step failed');
    }
    maintenanceTimer = setTimeout(maintain, more ? 50 : 60_000);
    maintenanceTimer.unref();
  };
  if (opts.dayCloser !== false) {
    maintenanceTimer = setTimeout(maintain, 60_000);
    maintenanceTimer.unref();
  }
  if (opts.dayCloser !== false) {
    try {
      recordDueFlowSlots(handler);
    } catch (err) {
      app.log.error({ err }, 'cannot fill in the half-hour records');
    }
  }

  // The daily reconciliation, where the platform can be asked: yesterday, once past the configured hour.
  let reconcileTimer: NodeJS.Timeout | null = null;
  const reconciler = upstream?.reconciler ?? null;
  if (reconciler && upstreamConfig?.reconcile && opts.dayCloser !== false) {
    const atHour = upstreamConfig.reconcile.atHour;
    let running = false;
    const check = () => {
      const date = running ? null : reconciler.dueDate(clock.now(), atHour);
      if (!date) return;
      running = true;
      void reconciler
        .run(date, clock.now())
        .then((r) => emit('manager', 'upstream.reconciled', r))
        .catch((err: unknown) => app.log.error({ err }, 'reconciliation failed'))
        .finally(() => (running = false));
    };
    reconcileTimer = setInterval(check, 10 * 60_000);
    reconcileTimer.unref();
  }

  let closed = false;
  return {
    app,
    printers,
    idcard,
    caller,
    padBus,
    led,
    devices,
    announcer,
    handler,
    reports,
    backups,
    sms,
    guard,
    io,
    db,
    hubId,
    compileSchemas: () => compilers.compileAll(),
    async close() {
      if (closed) return;
      closed = true;
      stopDayCloser();
      stopRatingTimeouts();
      clearInterval(guardTimer);
      clearInterval(alarmTimer);
      if (recordsTimer) clearInterval(recordsTimer);
      if (maintenanceTimer) clearTimeout(maintenanceTimer);
      if (reconcileTimer) clearInterval(reconcileTimer);
      await idcard?.stop();
      await caller?.stop();
      await padBus?.stop();
      for (const d of hidPads) await d.stop();
      await upstream?.worker.stop();
      await sms?.service.close();
      await led?.stop();
      announcer?.close();
      await reports.close();
      await backups?.stop();
      for (const p of printers.values()) await p.stop();
      // Close the transports, not the sockets: a server-side disconnect is final for socket.io
      // clients, a closed transport is not, so every screen reconnects by itself once the hub is back.
      io.engine.close();
      await app.close();
      if (opts.stateSnapshot && snapshotIdentity) {
        try {
          handler.saveSnapshot(opts.stateSnapshot, snapshotIdentity);
        } catch (err) {
          // Only the next start's speed depends on it: that start loads from SQLite.
          app.log.warn({ err }, 'could not keep the state for the next start');
        }
      }
      await checkpointer?.stop();
      db.close();
    },
  };
}
