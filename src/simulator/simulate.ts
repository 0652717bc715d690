import type { HallConfig, WindowConfig } from '../config/schema.ts';
import { addDays, addWorkingDays, businessDate, dayEndsAt, instantOf, minutesOf, sessionsOn } from '../domain/calendar.ts';
import type { Actor, HallCommand } from '../domain/commands.ts';
import { HallqError } from '../domain/errors.ts';
import { BAD_LEVEL, BASE_BAD_REASONS, type FollowupStep } from '../domain/ratings.ts';
import type { Session } from '../config/schema.ts';
import type { WindowId } from '../domain/state.ts';
import { runDueJobs } from '../hub-jobs.ts';
import { firstServiceIdOf, idsFrom, type Ids } from '../ids.ts';
import { CardReads } from '../personal/card-reads.ts';
import type { StoredEvent } from '../store/event-log.ts';
import { CommandHandler, type Clock } from '../store/handle-command.ts';
import { openDb, type Db } from '../store/open-db.ts';
import { OutboxStore } from '../upstream/outbox-store.ts';
import { windowCommand, type WindowAction } from '../commands/window-actions.ts';
import { holderOf, maskedPhoneOf, People } from './people.ts';
import { isOpenDay, mixFor, planDay, SLOT_MIN, type Channel, type DayPlan, type PlanContext, type Visit } from './plan.ts';
import { PROFILES, type Profile, type ProfileName } from './profiles.ts';
import { lognormalFromZ, Rng } from './rng.ts';
import { addCounts, emptyCounts, WaitHistogram, waitStats, type Counts, type DaySummary, type SlotSummary, type Totals } from './summary.ts';

const SECOND = 1000;
const MINUTE = 60_000;
/** Commands applied between commits, at most (and a commit at every virtual minute). */
const BATCH = 5000;
/** Days planned ahead of the one being run, so appointments can be booked before their day. */
const LOOKAHEAD_DAYS = 8;

/**
 * Which windows are open, per date (`YYYY-MM-DD`) and half hour (`HH:MM`, its start): a count (the
 * profile's usual windows for that slot first, then the others in config order) or the window ids.
 * Slots it leaves out (undefined) follow the profile: every window in a regular session, the duty
 * windows in an extended one.
 */
export type StaffingPlan =
  | ((date: string, slot: string) => number | readonly WindowId[] | undefined)
  | Readonly<Record<string, Readonly<Record<string, number | readonly WindowId[]>>>>;

export interface SimulateOptions {
  /** The SQLite file to fill (opened, and closed at the end, with generator durability)… */
  dbFile?: string;
  /** …or a database the caller opened (and closes). */
  db?: Db;
  config: HallConfig;
  /** The hall's HMAC key for ID numbers (`loadHmacKey`): the hub that opens the history must use the same. */
  hmacKey: Buffer;
  seed: string | number;
  /** `township` (default), `county`, `city`, or a profile of one's own. */
  profile?: ProfileName | Profile;
  /** First date to simulate, `YYYY-MM-DD` in the hall's zone. */
  startDate: string;
  /** How many business days (days the hall is open) to simulate… */
  days?: number;
  /** …or every business day before this date. */
  endDate?: string;
  /**
   * The last date appointments are booked for (default: `LOOKAHEAD_DAYS` past each day, past the run's
   * last day too, as a hall's future bookings are). A part of a history simulated in parts ends here:
   * the next part's days are its own.
   */
  bookUntil?: string;
  staffing?: StaffingPlan;
  /** Service-level threshold: the share of tickets called within this many minutes (default 15). */
  withinMin?: number;
  /** Per-half-hour figures in each day's summary. */
  detail?: boolean;
  /** Called with each day's summary once the day is over. */
  onDay?: (day: DaySummary) => void;
  /**
   * The 好差评 upload of the simulated ratings: `delivered` (default when the config has an
   * upstream: the outbox is marked delivered through `OutboxStore`, as the worker would have), or
   * `pending` (left for the hub's worker).
   */
  uploads?: 'delivered' | 'pending';
  /**
   * Run the hub's housekeeping each night and at the end, as its timer would have (default true):
   * old projection rows leave, personal fields past `privacy.retentionDays` are cleared, old records go
   * (`src/store/maintenance.ts`). Without it the tables keep every row ever written.
   */
  purgePersonalData?: boolean;
}

export interface SimulationSummary {
  profile: string;
  seed: string;
  startDate: string;
  /** The last business day simulated. */
  endDate: string;
  withinMin: number;
  days: DaySummary[];
  totals: Totals;
  /** Events written (the log's seq moved by this much). */
  events: number;
  elapsedMs: number;
  /** Tickets issued per second of real time. */
  ticketsPerSecond: number;
}

/** A `Clock` whose time the simulator moves. */
export class VirtualClock implements Clock {
  constructor(
    public t: number,
    private readonly origin = t,
  ) {}
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.t - this.origin;
  }
}

interface TicketSim {
  id: string;
  visit: Visit;
  issuedAt: number;
  issueSlot: number;
  serviceId: string;
  categoryId: string;
  stage: 0 | 1;
  firstCalledAt: number | null;
  done: boolean;
}

interface WindowSim {
  id: WindowId;
  cfg: WindowConfig;
  categories: Set<string>;
  padActor: Actor;
  state: 'closed' | 'idle' | 'busy' | 'paused';
  staffId: string | null;
  actor: Actor | null;
  current: TicketSim | null;
  recalls: number;
  /** Bumped whenever scheduled moves of this window must be forgotten. */
  version: number;
  movePending: boolean;
  openPending: boolean;
  leave: null | { mode: 'now' } | { mode: 'drain'; until: number };
  handover: { staffId: string; role: 'A' | 'B' } | null;
  pauseWanted: { reason: string; ms: number } | null;
}

interface Scheduled {
  at: number;
  n: number;
  run: () => void;
}

interface DayRun {
  plan: DayPlan;
  counts: Counts;
  tickets: TicketSim[];
  slotStarts: number[];
  slotArrivals: number[];
  slotServed: number[];
  slotWindows: number[];
  byCategory: Map<string, number>;
  channels: Record<Channel, number>;
  /** From here clerks call nobody new and close: the last session's end plus the grace, less ten minutes. */
  stopCallingAt: number;
}

const PAUSE_REASONS = ['临时外出', '上报材料', '接听电话', '系统故障', '领导交办临时任务', '身体不适', '调取档案'];
const TRANSFER_NOTES = ['需到专业窗口办理', '咨询后转相关窗口', '材料齐全,转窗口受理', '首问负责,引导至对应窗口'];
const BAD_COMMENTS = ['等了很久才叫到号', '材料要求没有一次说清楚,跑了两趟', '窗口人员态度不耐烦', '系统太慢,办了很久', '希望高峰时多开窗口'];
const FOLLOWUP_NOTES: Record<FollowupStep, string[]> = {
  callback: ['已电话回访,向群众说明情况并致歉', '已回访群众,了解不满意原因'],
  verification: ['已调取窗口录像核实情况', '已与窗口工作人员谈话核实'],
  rectification: ['已对窗口人员进行批评教育并纳入考核', '已完善一次性告知清单', '已调整高峰时段窗口人员'],
};

/**
 * Fills a hall's database with simulated business days through the real engine: one
 * `CommandHandler` on the SQLite file, commands applied with `applyForBatch` and committed in
 * groups, on a virtual clock, with the hub's own timed jobs (`runDueJobs`) run at every virtual
 * minute of the business day. Nothing is written by hand: every row comes from decide, evolve and
 * the projections, as in the hall.
 */
export function simulate(opts: SimulateOptions): SimulationSummary {
  const ownDb = !opts.db;
  const db = opts.db ?? openDb(requireFile(opts.dbFile), { durability: 'generator' });
  try {
    return new HallSimulation(db, opts).run();
  } finally {
    if (ownDb) db.close();
  }
}

function requireFile(f: string | undefined): string {
  if (!f) throw new Error('simulate: give dbFile or db');
  return f;
}

/** The business days to run: open days from `startDate`, `days` of them or those before `endDate`. */
export function businessDays(config: HallConfig, startDate: string, limit: { days?: number; endDate?: string }): string[] {
  if (limit.days === undefined && limit.endDate === undefined) throw new Error('simulate: give days or endDate');
  const out: string[] = [];
  for (let d = startDate, guard = 0; guard < 4000; d = addDays(d, 1), guard++) {
    if (limit.endDate !== undefined && d >= limit.endDate) break;
    if (limit.days !== undefined && out.length >= limit.days) break;
    if (isOpenDay(config, d)) out.push(d);
  }
  return out;
}

class HallSimulation {
  readonly config: HallConfig;
  readonly profile: Profile;
  readonly seed: string;
  readonly tz: string;
  readonly clock: VirtualClock;
  readonly handler: CommandHandler;
  readonly ids: Ids;
  readonly cards: CardReads;
  readonly people: People;
  readonly planCtx: PlanContext;
  readonly plans = new Map<string, DayPlan>();
  readonly dates: string[];
  readonly withinMin: number;
  readonly windows: WindowSim[];
  readonly windowsByCategory = new Map<string, WindowSim[]>();
  readonly tickets = new Map<string, TicketSim>();
  readonly heap: Scheduled[] = [];
  readonly clerkRng: Rng;
  readonly kioskActors: Actor[];
  readonly readerKiosk: Actor;
  readonly guides: Actor[];
  readonly manager: Actor;
  readonly staffById: Map<string, HallConfig['staff'][number]>;
  readonly badReasons: string[];
  readonly daySummaries: DaySummary[] = [];
  readonly totals = emptyCounts();
  readonly totalByCategory = new Map<string, number>();
  readonly totalChannels: Record<Channel, number> = { card: 0, kiosk: 0, guide: 0, appointment: 0 };
  readonly histogram: WaitHistogram;
  readonly outbox: OutboxStore | null;
  readonly meanServiceMin: Map<string, number>;
  readonly itemByCategory: Map<string, string>;
  scheduledN = 0;
  caseSerial = 0;
  pending = 0;
  plannedUpTo = '';
  day: DayRun | null = null;
  absent = new Set<string>();

  constructor(
    readonly db: Db,
    readonly opts: SimulateOptions,
  ) {
    this.config = opts.config;
    this.profile = typeof opts.profile === 'object' ? opts.profile : PROFILES[opts.profile ?? 'township'];
    this.seed = String(opts.seed);
    this.tz = this.config.hall.timeZone;
    this.withinMin = opts.withinMin ?? 15;
    this.histogram = new WaitHistogram(this.withinMin);
    this.dates = businessDays(this.config, opts.startDate, { ...(opts.days !== undefined ? { days: opts.days } : {}), ...(opts.endDate !== undefined ? { endDate: opts.endDate } : {}) });
    const first = this.dates[0] ?? opts.startDate;
    const startAt = this.dayStartOf(first);
    this.clock = new VirtualClock(startAt);
    this.handler = new CommandHandler(db, this.config, this.clock);
    const last = this.handler.lastEventAt();
    if (last !== null && last >= startAt) {
      throw new Error(`simulate: the database already holds history up to ${new Date(last).toISOString()}; start after it, or use a fresh data directory`);
    }
    const idRng = Rng.stream(this.seed, 'ids');
    this.ids = idsFrom({ now: () => this.clock.t, bytes: (n) => idRng.bytes(n), int: (max) => idRng.int(max) });
    // The hub's card path; a token is resolved the moment it is made, so it need not outlive ten seconds.
    this.cards = new CardReads(opts.hmacKey, this.clock, this.tz, 10);
    this.people = new People(this.seed, Number(first.slice(0, 4)), this.profile.regions, this.profile.ages);
    this.planCtx = { config: this.config, profile: this.profile, seed: this.seed, mix: mixFor(this.config, this.profile),
      // Return visits come from the last few days' residents: a ring of about three days of visits.
      recent: { items: [], next: 0, capacity: Math.max(500, Math.round(3 * this.profile.volume.weekday)) },
      earliest: startAt,
    };
    this.clerkRng = Rng.stream(this.seed, 'clerks');

    const pads = new Map(this.config.devices.tokens.filter((d) => d.kind === 'pad' && d.windowId !== undefined).map((d) => [d.windowId!, d.id]));
    this.windows = this.config.windows.map((cfg) => ({
      id: cfg.id,
      cfg,
      categories: new Set(cfg.categories.map((c) => c.id)),
      padActor: { kind: 'device', id: pads.get(cfg.id) ?? `pad-${cfg.id}`, deviceKind: 'pad', windowId: cfg.id },
      state: 'closed',
      staffId: null,
      actor: null,
      current: null,
      recalls: 0,
      version: 0,
      movePending: false,
      openPending: false,
      leave: null,
      handover: null,
      pauseWanted: null,
    }));
    for (const w of this.windows) {
      for (const c of w.categories) {
        let list = this.windowsByCategory.get(c);
        if (!list) this.windowsByCategory.set(c, (list = []));
        list.push(w);
      }
    }
    const kiosks = this.config.devices.tokens.filter((d) => d.kind === 'kiosk').map((d) => d.id);
    if (kiosks.length === 0) kiosks.push('kiosk-1');
    this.kioskActors = kiosks.map((id) => ({ kind: 'device', id, deviceKind: 'kiosk' }));
    const readerKioskId = this.config.devices.idcard?.kioskId ?? kiosks[0]!;
    this.readerKiosk = { kind: 'device', id: readerKioskId, deviceKind: 'kiosk' };
    this.staffById = new Map(this.config.staff.map((s) => [s.id, s]));
    const staffOf = (role: 'guide' | 'manager' | 'admin') => this.config.staff.filter((s) => s.role === role).map((s): Actor => ({ kind: 'staff', id: s.id, role }));
    const managers = [...staffOf('manager'), ...staffOf('admin')];
    this.guides = staffOf('guide').length > 0 ? staffOf('guide') : managers;
    this.manager = managers[0] ?? { kind: 'system', id: 'simulator' };
    this.meanServiceMin = new Map(this.config.categories.map((c) => [c.id, this.profile.serviceMin[c.id] ?? c.avgServiceMin]));
    // A service item (事项) per category where the config names one: the pad shows it, the platform files it.
    this.itemByCategory = new Map();
    for (const code of Object.keys(this.config.ratings.items)) {
      const m = /-([A-Za-z0-9_]+)-/.exec(code);
      if (m && !this.itemByCategory.has(m[1]!)) this.itemByCategory.set(m[1]!, code);
    }
    this.badReasons = [...BASE_BAD_REASONS, ...this.config.ratings.extraReasons];
    this.outbox = (opts.uploads ?? (this.config.upstream ? 'delivered' : 'pending')) === 'delivered' ? new OutboxStore(db) : null;

    // The hub's own jobs act as `system`: what they record is counted from the committed events.
    this.handler.onCommitted((events) => {
      for (const e of events) if (e.actor.kind === 'system') this.onSystemEvent(e);
    });
  }

  run(): SimulationSummary {
    const started = performance.now();
    const firstSeq = this.handler.seq;
    for (const date of this.dates) {
      this.advanceTo(this.dayStartOf(date), 30 * MINUTE);
      this.beginDay(date);
      this.advanceTo(this.dayEndOf(date), MINUTE);
      // The day's last job events (unrated ratings, the close) reach the counts before the day is summed up.
      this.commit();
    }
    this.finishDay();
    this.commit();
    if (this.outbox) this.deliverUploads();
    if (this.opts.purgePersonalData !== false) this.handler.runAllMaintenance();
    const elapsedMs = performance.now() - started;
    const totals: Totals = {
      ...this.totals,
      days: this.daySummaries.length,
      wait: this.histogram.stats(),
      byCategory: Object.fromEntries(this.totalByCategory),
      channels: { ...this.totalChannels },
    };
    return {
      profile: this.profile.name,
      seed: this.seed,
      startDate: this.opts.startDate,
      endDate: this.dates[this.dates.length - 1] ?? this.opts.startDate,
      withinMin: this.withinMin,
      days: this.daySummaries,
      totals,
      events: this.handler.seq - firstSeq,
      elapsedMs: Math.round(elapsedMs),
      ticketsPerSecond: Math.round(totals.issued / (elapsedMs / 1000)),
    };
  }

  // --- time -------------------------------------------------------------------

  /** An hour before the day's first session: the clerks are on their way, bookings are taken. */
  dayStartOf(date: string): number {
    let first = 24 * 60;
    for (const id of [undefined, ...this.config.categories.map((c) => c.id)]) for (const s of sessionsOn(this.config, date, id)) first = Math.min(first, minutesOf(s.start));
    return instantOf(date, Math.max(0, Math.floor(first / SLOT_MIN) * SLOT_MIN - 60), this.tz);
  }

  /** After the day closer's moment (last session + grace), with a margin. */
  dayEndOf(date: string): number {
    const end = dayEndsAt(this.config, date) ?? instantOf(date, 18 * 60, this.tz);
    return end + (this.config.schedule.closeGraceMin + 15) * MINUTE;
  }

  /** Moves the clock to `target`: every scheduled action in time order, and a tick (commit + the hub's jobs) at every `step` boundary. */
  advanceTo(target: number, step: number): void {
    while (this.clock.t < target) {
      const next = Math.min(target, (Math.floor(this.clock.t / step) + 1) * step);
      while (this.heap.length > 0 && this.heap[0]!.at <= next) {
        const ev = this.pop();
        if (ev.at > this.clock.t) this.clock.t = ev.at;
        ev.run();
      }
      this.clock.t = next;
      this.tick();
    }
  }

  /**
   * A virtual minute has passed: the hub's own jobs run (rating timeouts, the day close, and whatever
   * the hub adds). In a generator their commands join the open group; the group is committed every
   * `BATCH` commands, so the history does not depend on when commits fall.
   */
  tick(): void {
    runDueJobs(this.handler);
    const day = this.day;
    // From the clerks' last call on, the day closer may sign windows out: follow it.
    if (day && this.clock.t >= day.stopCallingAt) {
      const closed = this.handler.readNow((state) => this.windows.filter((w) => w.state !== 'closed' && (state.windows.get(w.id)?.status ?? 'closed') === 'closed'));
      for (const w of closed) this.setClosed(w);
    }
  }

  commit(): void {
    if (this.pending === 0) return;
    this.handler.commitBatch();
    this.pending = 0;
  }

  at(time: number, run: () => void): void {
    const item = { at: Math.max(time, this.clock.t), n: this.scheduledN++, run };
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p]!, item)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = item;
  }

  pop(): Scheduled {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
        if (before(last, h[c]!)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  apply(command: HallCommand, actor: Actor): StoredEvent[] {
    const events = this.handler.applyForBatch(command, actor);
    if (++this.pending >= BATCH) this.commit();
    return events;
  }

  /** A new ticket's id and its first service's, as the hub makes them (`firstServiceIdOf`). */
  firstIds(): { ticketId: string; serviceId: string } {
    const ticketId = this.ids.ticketId();
    return { ticketId, serviceId: firstServiceIdOf(ticketId) };
  }

  // --- days -------------------------------------------------------------------

  beginDay(date: string): void {
    this.finishDay();
    // Memory lets go of the dates before yesterday, as the hub's day closer does: the half-hour job
    // still looks at yesterday's slots, and a slot pruned from memory would be recorded again, empty.
    this.handler.pruneBefore(addDays(date, -1));
    if (this.opts.purgePersonalData !== false) {
      this.commit();
      this.handler.runAllMaintenance();
    }
    this.tickets.clear();
    this.caseSerial = 0;
    this.ensurePlans(date);
    const plan = this.plans.get(date)!;
    this.plans.delete(date);
    const slotStarts = plan.slots.map((s) => instantOf(date, minutesOf(s), this.tz));
    const end = dayEndsAt(this.config, date) ?? this.dayEndOf(date);
    this.day = {
      plan,
      counts: emptyCounts(),
      tickets: [],
      slotStarts,
      slotArrivals: plan.slots.map(() => 0),
      slotServed: plan.slots.map(() => 0),
      slotWindows: plan.slots.map(() => 0),
      byCategory: new Map(),
      channels: { card: 0, kiosk: 0, guide: 0, appointment: 0 },
      stopCallingAt: end + (this.config.schedule.closeGraceMin - 10) * MINUTE,
    };
    const dayRng = Rng.stream(this.seed, 'staff', date);
    this.absent = new Set(this.config.staff.filter((s) => s.role === 'clerk' && dayRng.chance(this.profile.absence)).map((s) => s.id));

    for (const v of plan.visits) {
      if (v.appointment && !v.appointment.comes) continue;
      this.at(v.at, () => this.arrive(v, false));
    }
    const sessions = this.hallSessions(date);
    slotStarts.forEach((start, i) => {
      const opening = i === 0 || !sameSession(sessions, plan.slots[i - 1]!, plan.slots[i]!);
      // Clerks sign in a few minutes before a session opens.
      this.at(opening ? start - 3 * MINUTE : start, () => this.reconcile(i, opening));
      this.at(start + 15 * MINUTE, () => (this.day!.slotWindows[i] = this.windows.filter((w) => w.state === 'idle' || w.state === 'busy').length));
    });
    // The last session is over: everyone finishes the queue, then signs out.
    this.at(end, () => this.reconcile(slotStarts.length, true));
    this.schedulePauses(date, sessions, dayRng);
  }

  /** Plans days in date order up to `LOOKAHEAD_DAYS` ahead (not past `bookUntil`), and books their appointments. */
  ensurePlans(date: string): void {
    const ahead = addDays(date, LOOKAHEAD_DAYS);
    const until = this.opts.bookUntil !== undefined && this.opts.bookUntil < ahead ? this.opts.bookUntil : ahead;
    let d = this.plannedUpTo === '' ? date : addDays(this.plannedUpTo, 1);
    for (; d <= until; d = addDays(d, 1)) {
      this.plannedUpTo = d;
      if (!isOpenDay(this.config, d)) continue;
      const plan = planDay(this.planCtx, d);
      this.plans.set(d, plan);
      for (const v of plan.visits) if (v.appointment) this.at(v.appointment.bookAt, () => this.book(v));
    }
  }

  finishDay(): void {
    const day = this.day;
    if (!day) return;
    this.day = null;
    const waits = day.tickets.map((t) => (t.firstCalledAt === null ? null : (t.firstCalledAt - t.issuedAt) / MINUTE));
    this.histogram.add(waits);
    const summary: DaySummary = { date: day.plan.date, dayType: day.plan.dayType, market: day.plan.market, ...day.counts, wait: waitStats(waits, this.withinMin) };
    if (this.opts.detail) {
      summary.slots = day.plan.slots.map(
        (slot, i): SlotSummary => ({
          slot,
          arrivals: day.slotArrivals[i]!,
          issued: day.tickets.filter((t) => t.issueSlot === i).length,
          served: day.slotServed[i]!,
          windowsOpen: day.slotWindows[i]!,
          wait: waitStats(
            day.tickets.filter((t) => t.issueSlot === i).map((t) => (t.firstCalledAt === null ? null : (t.firstCalledAt - t.issuedAt) / MINUTE)),
            this.withinMin,
          ),
        }),
      );
    }
    addCounts(this.totals, day.counts);
    for (const [c, n] of day.byCategory) this.totalByCategory.set(c, (this.totalByCategory.get(c) ?? 0) + n);
    for (const k of Object.keys(day.channels) as Channel[]) this.totalChannels[k] += day.channels[k];
    this.daySummaries.push(summary);
    if (this.outbox) {
      this.commit();
      this.deliverUploads();
    }
    this.opts.onDay?.(summary);
  }

  slotIndexOf(at: number): number {
    const starts = this.day?.slotStarts ?? [];
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > at) i--;
    return Math.max(0, i);
  }

  hallSessions(date: string): Session[] {
    const hall = sessionsOn(this.config, date);
    if (hall.length > 0) return hall;
    return this.config.categories.flatMap((c) => sessionsOn(this.config, date, c.id));
  }

  // --- residents --------------------------------------------------------------

  book(v: Visit): void {
    const appt = v.appointment!;
    const resident = this.people.resident(v.resident!);
    const code = this.ids.appointmentCode();
    try {
      this.apply(
        {
          type: 'BookAppointment',
          data: { code, categoryId: v.categoryId, slotStart: appt.slotStart, slotEnd: appt.slotEnd, holder: holderOf(this.cards, resident), phoneMasked: maskedPhoneOf(resident) },
        },
        this.guides[this.clerkRng.int(this.guides.length)]!,
      );
    } catch (err) {
      // A slot full, or the resident suspended for no-shows: they come anyway, as a walk-in.
      if (!(err instanceof HallqError)) throw err;
      Object.assign(v, { appointment: null, channel: 'kiosk' });
      return;
    }
    (appt as { code?: string }).code = code;
    if (this.day) this.day.counts.appointments.booked++;
  }

  arrive(v: Visit, retry: boolean): void {
    const day = this.day;
    if (!day) return;
    if (!retry) {
      day.counts.arrivals++;
      day.slotArrivals[this.slotIndexOf(this.clock.t)]!++;
    }
    const code = (v.appointment as { code?: string } | null)?.code;
    if (v.appointment && !code) return; // never booked (cannot happen: bookings precede their day)
    const holder = v.resident !== null ? holderOf(this.cards, this.people.resident(v.resident)) : undefined;
    let actor: Actor;
    if (v.channel === 'guide') actor = this.guides[this.clerkRng.int(this.guides.length)]!;
    else if (holder) actor = this.readerKiosk;
    else actor = this.kioskActors[this.clerkRng.int(this.kioskActors.length)]!;
    const byCard = v.appointment?.byCard === true && holder !== undefined;
    const command: HallCommand = {
      type: 'IssueTicket',
      data: {
        ...this.firstIds(),
        source: v.channel === 'guide' ? 'guide' : 'kiosk',
        kioskId: actor.kind === 'device' ? actor.id : this.readerKiosk.id,
        ...(v.appointment && code && !byCard ? { appointmentCode: code } : {}),
        ...(v.appointment && byCard ? { appointmentByHolder: true } : {}),
        ...(v.appointment ? {} : { categoryId: v.categoryId }),
        ...(holder ? { holder } : {}),
        ...(v.priorityGroup ? { priorityGroup: v.priorityGroup } : {}),
      },
    };
    let events: StoredEvent[];
    try {
      events = this.apply(command, actor);
    } catch (err) {
      if (!(err instanceof HallqError)) throw err;
      const r = day.counts.refused;
      switch (err.code) {
        case 'HQ_ERR_CATEGORY_CLOSED': {
          // Between two sessions (the last minutes before lunch): wait at the kiosk for the next one.
          const nextOpenAt = err.detail?.nextOpenAt as number | null | undefined;
          if (!retry && nextOpenAt && nextOpenAt - this.clock.t <= 30 * MINUTE && businessDate(nextOpenAt, this.tz) === day.plan.date) {
            this.at(nextOpenAt + Math.floor(this.clerkRng.uniform(0, 90) * SECOND), () => this.arrive(v, true));
          } else r.closed++;
          return;
        }
        case 'HQ_ERR_QUOTA_REACHED':
          r.quota++;
          return;
        case 'HQ_ERR_WAIT_PAST_CLOSING':
          r.pastClose++;
          return;
        case 'HQ_ERR_ONE_PER_ID':
          r.onePerId++;
          return;
        case 'HQ_ERR_APPOINTMENT_NOT_FOUND':
        case 'HQ_ERR_APPOINTMENT_USED':
        case 'HQ_ERR_APPOINTMENT_OUTSIDE_SLOT':
        case 'HQ_ERR_APPOINTMENT_HOLDER_MISMATCH':
        case 'HQ_ERR_APPOINTMENT_VOID':
        case 'HQ_ERR_APPOINTMENT_CANCELLED':
          r.other++;
          return;
        default:
          throw err;
      }
    }
    // A late check-in is `appointment.late`, then the ticket.
    const e = events.find((x) => x.type === 'ticket.issued');
    if (!e || e.type !== 'ticket.issued') return;
    const t: TicketSim = {
      id: e.data.ticketId,
      visit: v,
      issuedAt: this.clock.t,
      issueSlot: this.slotIndexOf(this.clock.t),
      serviceId: e.data.serviceId,
      categoryId: e.data.categoryId,
      stage: 0,
      firstCalledAt: null,
      done: false,
    };
    this.tickets.set(t.id, t);
    day.tickets.push(t);
    day.counts.issued++;
    if (e.data.priorityGroup) day.counts.priority++;
    if (e.data.source === 'appointment') day.counts.appointments.checkedIn++;
    day.byCategory.set(t.categoryId, (day.byCategory.get(t.categoryId) ?? 0) + 1);
    day.channels[v.channel]++;
    this.wakeFor(t.categoryId, null);
  }

  rate(w: WindowSim, t: TicketSim, serviceId: string): void {
    const v = t.visit;
    const waitMin = t.firstCalledAt === null ? 0 : (t.firstCalledAt - t.issuedAt) / MINUTE;
    const r = this.profile.ratings;
    const weights = waitMin > r.longWaitMin ? r.levelsAfterLongWait : r.levels;
    const level = 5 - pickByU(weights, v.rating.u);
    let reasons: string[] | undefined;
    let comment: string | undefined;
    if (level <= BAD_LEVEL) {
      const offered = this.badReasons;
      reasons = [offered[Math.floor(v.rating.reasonU * offered.length)]!];
      if (waitMin > r.longWaitMin && offered.includes('等候时间过长')) reasons.push('等候时间过长');
      reasons = [...new Set(reasons)];
      if (v.rating.commentU < r.commentShare) {
        comment = BAD_COMMENTS[Math.floor((v.rating.commentU / r.commentShare) * BAD_COMMENTS.length)]!;
        // Now and then a resident leaves a number to call back on: the hub keeps its last four only.
        if (v.resident !== null && v.rating.reasonU < 0.2) comment += `,请回电${this.people.resident(v.resident).phone}`;
      }
    }
    const events = this.apply(
      {
        type: 'RateService',
        data: {
          ratingId: this.ids.ratingId(),
          followupId: this.ids.followupId(),
          serviceId,
          level,
          ...(reasons ? { reasons } : {}),
          ...(comment ? { comment } : {}),
          channel: 'pad',
        },
      },
      w.padActor,
    );
    const day = this.day;
    if (day) {
      day.counts.ratings.rated++;
      if (level >= 4) day.counts.ratings.satisfied++;
      if (level <= BAD_LEVEL) day.counts.ratings.bad++;
    }
    const opened = events.find((e) => e.type === 'followup.opened');
    if (opened && opened.type === 'followup.opened') {
      if (day) day.counts.followups.opened++;
      this.scheduleFollowup(opened.data.followupId, opened.data.deadline);
    }
  }

  /** The manager calls back, verifies and rectifies on later working days, in that order; a few are late. */
  scheduleFollowup(followupId: string, deadline: string): void {
    const rng = this.clerkRng;
    const today = businessDate(this.clock.t, this.tz);
    const callback = addWorkingDays(this.config, today, 1 + rng.int(2));
    const verification = addWorkingDays(this.config, callback, rng.int(3));
    let rectification = addWorkingDays(this.config, verification, 1 + rng.int(5));
    if (rng.chance(this.profile.followupLate)) rectification = addWorkingDays(this.config, deadline, 1 + rng.int(4));
    else if (rectification > deadline) rectification = deadline < verification ? verification : deadline;
    let previous = 0;
    for (const [step, date] of [['callback', callback], ['verification', verification], ['rectification', rectification]] as [FollowupStep, string][]) {
      const at = Math.max(instantOf(date, 10 * 60, this.tz) + Math.floor(rng.uniform(0, 6.5 * 60) * MINUTE), previous + 30 * MINUTE);
      previous = at;
      const note = rng.pick(FOLLOWUP_NOTES[step]);
      this.at(at, () => {
        this.apply({ type: 'RecordFollowup', data: { followupId, step, note } }, this.manager);
        if (this.day) this.day.counts.followups.steps++;
      });
    }
  }

  onSystemEvent(e: StoredEvent): void {
    const day = this.day;
    switch (e.type) {
      case 'rating.unrated':
        if (day) day.counts.ratings.unrated++;
        return;
      case 'ticket.abandoned_at_close': {
        if (day) day.counts.abandoned++;
        const t = this.tickets.get(e.data.ticketId);
        if (t) t.done = true;
        return;
      }
      case 'window.closed': {
        const w = this.windows.find((x) => x.id === e.data.windowId);
        if (w) this.setClosed(w);
        return;
      }
      default:
        return;
    }
  }

  // --- staffing ---------------------------------------------------------------

  /** The windows wanted in slot `i` (or none after the last), each with the clerk who sits there. */
  wanted(i: number): Map<WindowId, { staffId: string; role: 'A' | 'B' }> {
    const day = this.day!;
    const out = new Map<WindowId, { staffId: string; role: 'A' | 'B' }>();
    if (i >= day.plan.slots.length) return out;
    const date = day.plan.date;
    const slot = day.plan.slots[i]!;
    const session = this.hallSessions(date).find((s) => minutesOf(s.start) <= minutesOf(slot) && minutesOf(slot) < minutesOf(s.end));
    const extended = session?.extended === true;
    const usual = !session ? [] : extended ? this.profile.dutyWindows.filter((id) => this.windows.some((w) => w.id === id)) : this.windows.map((w) => w.id);
    let ids: readonly WindowId[] = usual;
    const plan = this.opts.staffing;
    const planned = typeof plan === 'function' ? plan(date, slot) : plan?.[date]?.[slot];
    if (typeof planned === 'number') ids = [...usual, ...this.windows.map((w) => w.id).filter((id) => !usual.includes(id))].slice(0, Math.max(0, planned));
    else if (planned !== undefined) ids = planned;
    const taken = new Set<string>();
    for (const w of this.windows) if (w.state !== 'closed' && w.staffId && !ids.includes(w.id)) taken.add(w.staffId);
    for (const id of ids) {
      const w = this.windows.find((x) => x.id === id);
      if (!w) continue;
      // Extended sessions are the B clerk's (A is at lunch); otherwise A, with B covering an absence.
      const order: ('A' | 'B')[] = extended ? ['B', 'A'] : ['A', 'B'];
      for (const role of order) {
        const staffId = role === 'A' ? w.cfg.staff.a : w.cfg.staff.b;
        if (!staffId || this.absent.has(staffId) || taken.has(staffId)) continue;
        taken.add(staffId);
        out.set(id, { staffId, role });
        break;
      }
    }
    return out;
  }

  /** At a half hour: sign clerks in where wanted, hand over, send the others home (after the queue at a session's end). */
  reconcile(i: number, boundary: boolean): void {
    const day = this.day;
    if (!day) return;
    const wanted = this.wanted(i);
    const rng = this.clerkRng;
    for (const w of this.windows) {
      const want = wanted.get(w.id);
      if (want) {
        w.leave = null;
        if (w.state === 'closed') {
          if (w.openPending) continue;
          w.openPending = true;
          const v = w.version;
          this.at(this.clock.t + Math.floor(rng.uniform(0, boundary ? 6 : 2) * MINUTE), () => {
            if (w.version !== v) return;
            w.openPending = false;
            this.open(w, want.staffId, want.role);
          });
        } else if (w.staffId !== want.staffId) {
          w.handover = want;
          if (w.state === 'idle') this.soon(w, 5 * SECOND, 30 * SECOND);
        }
      } else if (w.state !== 'closed' || w.openPending) {
        if (w.state === 'closed') {
          w.openPending = false;
          w.version++;
          continue;
        }
        w.handover = null;
        // At a session's end the clerk serves the queue out (up to 45 min; at the day's end, up to the close).
        w.leave = boundary ? { mode: 'drain', until: i >= day.plan.slots.length ? day.stopCallingAt : this.clock.t + 45 * MINUTE } : { mode: 'now' };
        if (w.state === 'idle') this.soon(w, 5 * SECOND, 30 * SECOND);
      }
    }
  }

  schedulePauses(date: string, sessions: Session[], rng: Rng): void {
    const p = this.profile.pauses;
    for (const w of this.windows) {
      for (const s of sessions) {
        const start = instantOf(date, minutesOf(s.start), this.tz) + 20 * MINUTE;
        const end = instantOf(date, minutesOf(s.end), this.tz) - 30 * MINUTE;
        if (end <= start || !rng.chance(p.perWindowSession)) continue;
        const at = start + Math.floor(rng.next() * (end - start));
        const ms = Math.floor(p.medianMin * Math.exp(0.5 * rng.normal()) * MINUTE);
        const reason = rng.pick(PAUSE_REASONS);
        this.at(at, () => {
          if (w.state === 'closed' || w.state === 'paused') return;
          w.pauseWanted = { reason, ms };
          if (w.state === 'idle') this.soon(w, 2 * SECOND, 10 * SECOND);
        });
      }
    }
  }

  // --- clerks -----------------------------------------------------------------

  clerkActor(staffId: string): Actor {
    return { kind: 'staff', id: staffId, role: 'clerk' };
  }

  act(w: WindowSim, a: WindowAction): StoredEvent[] {
    return this.apply(windowCommand(w.id, a, this.ids), w.actor!);
  }

  open(w: WindowSim, staffId: string, role: 'A' | 'B'): void {
    if (w.state !== 'closed' && w.state !== 'idle') return;
    this.apply({ type: 'OpenWindow', data: { windowId: w.id, staffId, role } }, this.clerkActor(staffId));
    w.staffId = staffId;
    w.actor = this.clerkActor(staffId);
    if (w.state === 'closed') w.state = 'idle';
    this.soon(w, 5 * SECOND, 40 * SECOND);
  }

  setClosed(w: WindowSim): void {
    w.state = 'closed';
    w.staffId = null;
    w.actor = null;
    w.current = null;
    w.leave = null;
    w.handover = null;
    w.pauseWanted = null;
    w.movePending = false;
    w.openPending = false;
    w.version++;
  }

  /** The clerk's next move in a while (a reaction, a wrap-up). */
  soon(w: WindowSim, minMs: number, maxMs: number): void {
    if (w.movePending) return;
    w.movePending = true;
    const v = w.version;
    this.at(this.clock.t + Math.floor(this.clerkRng.uniform(minMs, maxMs)), () => {
      if (w.version !== v) return;
      w.movePending = false;
      this.move(w);
    });
  }

  /** A later step of the service in hand (recall, start, complete…), forgotten if the window changed meanwhile. */
  later(w: WindowSim, delayMs: number, step: () => void): void {
    const v = w.version;
    this.at(this.clock.t + delayMs, () => {
      if (w.version === v) step();
    });
  }

  /** Someone waits for this category (or window): an idle clerk or two who serve it press call. */
  wakeFor(categoryId: string, windowId: WindowId | null): void {
    if (windowId !== null) {
      const w = this.windows.find((x) => x.id === windowId);
      if (w && w.state === 'idle') this.soon(w, 3 * SECOND, 20 * SECOND);
      return;
    }
    const idle = (this.windowsByCategory.get(categoryId) ?? []).filter((w) => w.state === 'idle' && !w.movePending);
    for (let n = 0; n < 2 && idle.length > 0; n++) this.soon(idle.splice(this.clerkRng.int(idle.length), 1)[0]!, 3 * SECOND, 20 * SECOND);
  }

  /** An idle clerk decides: hand over, leave, pause, or call the next number. */
  move(w: WindowSim): void {
    if (w.state !== 'idle') return;
    const day = this.day;
    if (w.handover) {
      const h = w.handover;
      w.handover = null;
      this.open(w, h.staffId, h.role);
      return;
    }
    const leaving = w.leave && (w.leave.mode === 'now' || this.clock.t >= w.leave.until);
    if (leaving || !day || this.clock.t >= day.stopCallingAt) {
      this.close(w);
      return;
    }
    if (w.pauseWanted) {
      const p = w.pauseWanted;
      w.pauseWanted = null;
      this.act(w, { action: 'pause', reason: p.reason });
      w.state = 'paused';
      day.counts.pauses++;
      this.later(w, p.ms, () => {
        this.act(w, { action: 'resume' });
        w.state = 'idle';
        this.soon(w, 2 * SECOND, 10 * SECOND);
      });
      return;
    }
    const events = this.act(w, { action: 'call' });
    const e = events[0];
    if (!e || e.type !== 'ticket.called') {
      // Nobody waits for this window: at a session's end the clerk goes; otherwise waits for the next number.
      if (w.leave?.mode === 'drain') this.close(w);
      return;
    }
    const t = this.tickets.get(e.data.ticketId) ?? this.stranger(e.data.ticketId, e.data.serviceId, e.data.categoryId);
    w.state = 'busy';
    w.current = t;
    w.recalls = 0;
    t.firstCalledAt ??= this.clock.t;
    if (t.stage === 0 && t.visit.absent > 0) this.later(w, this.pauseBetweenCalls(), () => this.recall(w, t));
    else this.later(w, t.visit.walkMs, () => this.start(w, t));
  }

  pauseBetweenCalls(): number {
    return Math.floor(this.clerkRng.uniform(40, 80) * SECOND);
  }

  recall(w: WindowSim, t: TicketSim): void {
    const events = this.act(w, { action: 'recall' });
    const e = events[0];
    if (e?.type === 'ticket.no_show') {
      this.noShow(w, t);
      return;
    }
    w.recalls++;
    if (t.visit.absent === w.recalls) {
      this.later(w, t.visit.walkMs + 20 * SECOND, () => this.start(w, t));
      return;
    }
    if (w.recalls < this.config.queue.recallLimit) {
      this.later(w, this.pauseBetweenCalls(), () => this.recall(w, t));
      return;
    }
    // Over the recalls: the clerk marks the no-show (now and then presses recall once more, which does it too).
    if (this.clerkRng.chance(0.8)) {
      this.later(w, Math.floor(this.clerkRng.uniform(30, 60) * SECOND), () => {
        this.act(w, { action: 'no-show' });
        this.noShow(w, t);
      });
    } else this.later(w, this.pauseBetweenCalls(), () => this.recall(w, t));
  }

  noShow(w: WindowSim, t: TicketSim): void {
    t.done = true;
    if (this.day) this.day.counts.noShows++;
    this.free(w);
  }

  start(w: WindowSim, t: TicketSim): void {
    this.act(w, { action: 'start' });
    if (t.stage === 0 && t.visit.transfer) {
      const consultMs = lognormalFromZ(3, 0.5, t.visit.transfer.consultZ) * MINUTE;
      this.later(w, Math.floor(consultMs), () => this.transfer(w, t));
    } else this.later(w, this.serviceMs(t), () => this.complete(w, t));
  }

  serviceMs(t: TicketSim): number {
    const mean = this.meanServiceMin.get(t.categoryId) ?? 8;
    const z = t.stage === 0 ? t.visit.serviceZ : (t.visit.transfer?.serviceZ ?? t.visit.serviceZ);
    const minutes = Math.min(Math.max(0.5, lognormalFromZ(mean, this.profile.serviceSigma, z)), 4 * mean + 10);
    return Math.floor(minutes * MINUTE);
  }

  complete(w: WindowSim, t: TicketSim): void {
    const itemCode = this.itemByCategory.get(t.categoryId);
    // The window's business system numbers its cases (办件编号); a consultation has none.
    const caseNo = t.visit.caseNo && !this.profile.walkInOnly.includes(t.categoryId) ? `${this.day?.plan.date.replaceAll('-', '') ?? ''}${String(++this.caseSerial).padStart(5, '0')}` : undefined;
    this.act(w, { action: 'complete', ...(caseNo ? { caseNo } : {}), ...(itemCode ? { itemCode } : {}) });
    t.done = true;
    const serviceId = t.serviceId;
    const day = this.day;
    if (day) {
      day.counts.served++;
      day.slotServed[this.slotIndexOf(this.clock.t)]!++;
    }
    if (t.visit.rating.rates) {
      const timeoutMs = this.config.ratings.timeoutSec * SECOND;
      this.at(this.clock.t + Math.min(t.visit.rating.delayMs, timeoutMs - 2 * SECOND), () => this.rate(w, t, serviceId));
    }
    this.free(w);
  }

  transfer(w: WindowSim, t: TicketSim): void {
    const tr = t.visit.transfer!;
    // Handed on only to a matter some open window serves now; otherwise the clerk finishes the case here.
    const targets = [...this.planCtx.mix].filter(
      ([id]) => !w.categories.has(id) && id !== t.categoryId && !this.profile.walkInOnly.includes(id) && (this.windowsByCategory.get(id) ?? []).some((x) => x.state !== 'closed'),
    );
    if (targets.length === 0) {
      this.later(w, this.serviceMs(t), () => this.complete(w, t));
      return;
    }
    const toCategoryId = targets[pickByU(targets.map(([, x]) => x), tr.u)]![0];
    let toWindowId: WindowId | undefined;
    if (tr.byWindow) {
      const serving = (this.windowsByCategory.get(toCategoryId) ?? []).filter((x) => x.id !== w.id);
      const open = serving.filter((x) => x.state !== 'closed');
      const pool = open.length > 0 ? open : serving;
      if (pool.length > 0) toWindowId = pool[Math.floor(((tr.u * 7919) % 1) * pool.length)]!.id;
    }
    const events = this.act(w, {
      action: 'transfer',
      ...(toWindowId !== undefined ? { toWindowId } : { toCategoryId }),
      placement: tr.placement,
      note: TRANSFER_NOTES[Math.floor(tr.u * TRANSFER_NOTES.length)]!,
    });
    const e = events[0];
    if (e?.type === 'ticket.transferred') {
      t.stage = 1;
      t.serviceId = e.data.toServiceId;
      t.categoryId = e.data.toCategoryId;
      if (this.day) this.day.counts.transfers++;
      this.free(w);
      this.wakeFor(e.data.toCategoryId, e.data.toWindowId);
    } else this.free(w);
  }

  free(w: WindowSim): void {
    w.current = null;
    w.state = 'idle';
    // A short wrap-up before the next call.
    this.soon(w, 5 * SECOND, 25 * SECOND);
  }

  close(w: WindowSim): void {
    this.act(w, { action: 'close' });
    this.setClosed(w);
  }

  /** A ticket the run did not issue (left from an earlier run): served as an ordinary visit. */
  stranger(ticketId: string, serviceId: string, categoryId: string): TicketSim {
    const visit: Visit = {
      at: this.clock.t,
      categoryId,
      channel: 'kiosk',
      resident: null,
      priorityGroup: null,
      serviceZ: 0,
      walkMs: 20 * SECOND,
      absent: 0,
      transfer: null,
      rating: { rates: false, u: 0, delayMs: 0, reasonU: 0, commentU: 0 },
      caseNo: false,
      appointment: null,
    };
    const t: TicketSim = { id: ticketId, visit, issuedAt: this.clock.t, issueSlot: 0, serviceId, categoryId, stage: 0, firstCalledAt: null, done: false };
    this.tickets.set(ticketId, t);
    return t;
  }

  /** Every rating recorded so far, delivered to the platform a few seconds after it was given. */
  deliverUploads(): void {
    const store = this.outbox!;
    this.db.transaction(() => {
      for (let head = store.next(this.clock.t); head && head.dueInMs === 0; head = store.next(this.clock.t)) {
        store.markDelivered(head.row.seq, head.row.createdAt + 2 * SECOND + (head.row.seq % 5) * SECOND);
      }
    })();
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.n < b.n);
}

/** Index drawn by weight from a uniform `u` already drawn. */
function pickByU(weights: readonly number[], u: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = u * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

function sameSession(sessions: Session[], a: string, b: string): boolean {
  const of = (slot: string) => sessions.findIndex((s) => minutesOf(s.start) <= minutesOf(slot) && minutesOf(slot) < minutesOf(s.end));
  const i = of(a);
  return i >= 0 && i === of(b);
}
