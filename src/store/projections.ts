import { addDays } from '../domain/calendar.ts';
import type { HallEvent } from '../domain/events.ts';
import { businessDate as businessDateOf } from '../domain/calendar.ts';
import type { FlowRow } from '../domain/flow.ts';
import { appointmentStatus, emptyState, FINAL_SERVICE_STATUSES, noteIssued, STRIKE_HORIZON_DAYS, type Appointment, type CategoryStats, type HallState, type Service, type Ticket, type WindowState } from '../domain/state.ts';
import type { Followup, RatingState } from '../domain/ratings.ts';
import { holderKey } from '../personal/holder-key.ts';
import type { StoredEvent } from './event-log.ts';
import type { Db } from './open-db.ts';
import { DEAD_LETTER, HOLD_PREFIX } from '../upstream/outbox-store.ts';

interface Touched {
  tickets: Set<string>;
  services: Set<string>;
  windows: Set<number>;
  counters: Set<string>;
  appointments: Set<string>;
  stats: Set<string>;
  notices: boolean;
  ratings: Set<string>;
  followups: Set<string>;
  /** Ratings to queue for the 好差评 upload, in the order they were recorded: their event's seq. */
  outbox: { ratingId: string; ticketId: string; eventSeq: number; at: number }[];
  /** Tickets whose held applicant (if any) has no record to go with any more: ended unrated, or without a service to rate. */
  released: string[];
  /** Upload records built at commit time from the state (an unrated service, a follow-up result), in order. */
  uploads: UploadRecord[];
  /** Services whose fact row (ended, or rated since) is to be written. */
  facts: Set<string>;
  /** The hall's records, written as they come (each is its own row set). */
  records: HallEvent[];
  congestion: boolean;
}

type UploadRecord =
  | { kind: 'unrated'; event: StoredEvent & { type: 'rating.unrated' } }
  | { kind: 'followup'; event: StoredEvent & { type: 'followup.updated' } }
  | { kind: 'case'; event: StoredEvent & { type: 'rating.requested' } };

/** What the upload takes besides ratings (hall config `upstream`). */
export interface UploadChoices {
  /** `upstream.unrated: platform-default`: an unrated service goes up for the platform's own default. */
  unrated: boolean;
  /** 回访 and 整改 results go up (`uploadChoices`). */
  followups: boolean;
  /** The province's page takes the rating: the case (with its applicant) goes up when the service ends. */
  cases: boolean;
}

export function emptyTouched(): Touched {
  return {
    tickets: new Set(),
    services: new Set(),
    windows: new Set(),
    counters: new Set(),
    appointments: new Set(),
    stats: new Set(),
    notices: false,
    ratings: new Set(),
    followups: new Set(),
    outbox: [],
    released: [],
    uploads: [],
    facts: new Set(),
    records: [],
    congestion: false,
  };
}

/** The hall-wide row of a flow record: the categories' figures added up (means weighted by their counts). */
function hallRow(cats: readonly FlowRow[]): FlowRow {
  const sum = (f: (r: FlowRow) => number) => cats.reduce((n, r) => n + f(r), 0);
  const called = sum((r) => r.called);
  const served = sum((r) => r.served);
  return {
    id: 'hall',
    issued: sum((r) => r.issued),
    called,
    served,
    noShow: sum((r) => r.noShow),
    transfersIn: sum((r) => r.transfersIn),
    transfersOut: sum((r) => r.transfersOut),
    waitingEnd: sum((r) => r.waitingEnd),
    waitMax: Math.max(0, ...cats.map((r) => r.waitMax)),
    waitMean: called ? Math.round(sum((r) => r.waitMean * r.called) / called) : 0,
    // A p90 of p90s is not a p90: the hall's is read from the service facts when asked for.
    waitP90: Math.max(0, ...cats.map((r) => r.waitP90)),
    handleMean: served ? Math.round(sum((r) => r.handleMean * r.served) / served) : 0,
    appointments: sum((r) => r.appointments),
    extendedIssued: sum((r) => r.extendedIssued),
  };
}

/** Which projection rows an event changes. */
export function markTouched(t: Touched, e: StoredEvent): void {
  switch (e.type) {
    case 'ticket.issued':
      t.tickets.add(e.data.ticketId);
      t.services.add(e.data.serviceId);
      t.counters.add(`${e.data.businessDate}|${e.data.prefix}`);
      if (e.data.appointmentCode) t.appointments.add(e.data.appointmentCode);
      return;
    case 'appointment.booked':
    case 'appointment.cancelled':
    case 'appointment.missed':
    case 'appointment.late':
      t.appointments.add(e.data.code);
      return;
    case 'ticket.called':
    case 'ticket.no_show':
    case 'ticket.completed':
      t.tickets.add(e.data.ticketId);
      t.services.add(e.data.serviceId);
      t.windows.add(e.data.windowId);
      if (e.type !== 'ticket.called') t.facts.add(e.data.serviceId);
      if (e.type === 'ticket.no_show') t.released.push(e.data.ticketId);
      if (e.type === 'ticket.completed') {
        t.stats.add(e.data.categoryId);
        if (e.data.caseNo && e.data.caseType) t.records.push(e);
      }
      return;
    case 'ticket.started':
      t.tickets.add(e.data.ticketId);
      t.services.add(e.data.serviceId);
      return;
    case 'ticket.transferred':
      t.tickets.add(e.data.ticketId);
      t.services.add(e.data.fromServiceId);
      t.services.add(e.data.toServiceId);
      t.windows.add(e.data.fromWindowId);
      t.facts.add(e.data.fromServiceId);
      return;
    case 'ticket.cancelled':
    case 'ticket.abandoned_at_close':
      t.tickets.add(e.data.ticketId);
      t.services.add(e.data.serviceId);
      if (e.data.windowId !== null) t.windows.add(e.data.windowId);
      t.facts.add(e.data.serviceId);
      t.released.push(e.data.ticketId);
      return;
    case 'window.opened':
    case 'window.closed':
    case 'window.paused':
    case 'window.resumed':
      t.windows.add(e.data.windowId);
      // A pause begins, or ends (resumed, signed out, or signed in again): the pauses table.
      t.records.push(e);
      return;
    case 'notice.updated':
      t.notices = true;
      return;
    case 'rating.requested':
      t.ratings.add(e.data.serviceId);
      t.uploads.push({ kind: 'case', event: e });
      return;
    case 'rating.unrated':
      t.ratings.add(e.data.serviceId);
      t.facts.add(e.data.serviceId);
      // Sent (with its applicant) or not according to upstream.unrated; either way nothing stays held.
      t.uploads.push({ kind: 'unrated', event: e });
      t.released.push(e.data.ticketId);
      return;
    case 'rating.recorded':
      t.ratings.add(e.data.serviceId);
      t.facts.add(e.data.serviceId);
      // In the same transaction as the rating: a recorded rating can never miss its upload.
      // The ticket's held applicant, if any, moves into the record's row. A rating made on the
      // province's own page is the province's record already: nothing goes back up.
      if (e.data.channel === 'page') t.released.push(e.data.ticketId);
      else t.outbox.push({ ratingId: e.data.ratingId, ticketId: e.data.ticketId, eventSeq: e.seq, at: e.data.ratedAt });
      return;
    case 'followup.opened':
      t.followups.add(e.data.followupId);
      return;
    case 'followup.updated':
      t.followups.add(e.data.followupId);
      // 回访 and 整改 results go to the platform after the rating they answer.
      if (e.data.step === 'callback' || e.data.step === 'rectification') t.uploads.push({ kind: 'followup', event: e });
      return;
    case 'clock.jumped':
      return;
    case 'flow.recorded':
    case 'assessment.deducted':
    case 'assessment.revoked':
    case 'case.completed':
      t.records.push(e);
      return;
    case 'hall.congested':
    case 'hall.cleared':
      t.congestion = true;
      return;
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
}

const arrivalOf = (t: Ticket) => t.arrival ?? t.issuedAt;

/** Rows that mirror the in-memory state, written in the command's transaction; start-up reads them back. */
export class Projections {
  readonly #ticket;
  readonly #service;
  readonly #window;
  readonly #counter;
  readonly #appointment;
  readonly #stats;
  readonly #meta;
  readonly #rating;
  readonly #followup;
  readonly #outbox;
  readonly #release;
  readonly #unrated;
  readonly #followupRow;
  readonly #caseRow;
  readonly #ticketsOfDate;
  readonly #servicesOfDate;
  readonly #ratingsOfDate;
  readonly #fact;
  readonly #flow;
  readonly #deduct;
  readonly #revoke;
  readonly #caseAccepted;
  readonly #caseDone;
  readonly #countersOfDate;
  readonly #slotsOfDate;
  readonly #serviceById;
  readonly #pauseBegun;
  readonly #pauseEnded;

  constructor(
    private readonly db: Db,
    private readonly timeZone: string,
    private readonly uploads: UploadChoices = { unrated: false, followups: false, cases: false },
    private readonly staffName: (staffId: string | null) => string | null = () => null,
  ) {
    this.#ticket = db.prepare(
      `INSERT INTO tickets (id, business_date, number, category_id, status, data) VALUES (@id, @businessDate, @number, @categoryId, @status, @data)
       ON CONFLICT(id) DO UPDATE SET category_id = excluded.category_id, status = excluded.status, data = excluded.data`,
    );
    this.#service = db.prepare(
      `INSERT INTO services (id, ticket_id, status, data) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data`,
    );
    this.#window = db.prepare('INSERT INTO windows (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data');
    this.#counter = db.prepare(
      `INSERT INTO counters (business_date, prefix, last) VALUES (?, ?, ?)
       ON CONFLICT(business_date, prefix) DO UPDATE SET last = MAX(last, excluded.last)`,
    );
    this.#appointment = db.prepare(
      'INSERT INTO appointments (code, data, slot_end, used, status) VALUES (?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET data = excluded.data, used = excluded.used, status = excluded.status',
    );
    this.#stats = db.prepare('INSERT INTO category_stats (category_id, data) VALUES (?, ?) ON CONFLICT(category_id) DO UPDATE SET data = excluded.data');
    this.#meta = db.prepare('INSERT INTO hall_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.#rating = db.prepare('INSERT INTO ratings (service_id, status, window_id, data) VALUES (?, ?, ?, ?) ON CONFLICT(service_id) DO UPDATE SET status = excluded.status, data = excluded.data');
    this.#followup = db.prepare('INSERT INTO followups (id, status, deadline, data) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data');
    this.#outbox = db.prepare(
      `INSERT OR IGNORE INTO upstream_outbox (rating_id, kind, ticket_id, event_seq, created_at, applicant, erase_at)
       SELECT ?, 'rating', ?, ?, ?, h.applicant, h.erase_at FROM (SELECT 1) LEFT JOIN upstream_outbox h ON h.rating_id = ?`,
    );
    this.#release = db.prepare('DELETE FROM upstream_outbox WHERE rating_id = ?');
    this.#unrated = db.prepare(
      `INSERT OR IGNORE INTO upstream_outbox (rating_id, kind, ticket_id, event_seq, payload, created_at, applicant, erase_at)
       SELECT ?, 'unrated', ?, ?, ?, ?, h.applicant, h.erase_at FROM (SELECT 1) LEFT JOIN upstream_outbox h ON h.rating_id = ?`,
    );
    this.#caseRow = db.prepare(
      `INSERT OR IGNORE INTO upstream_outbox (rating_id, kind, ticket_id, event_seq, payload, created_at, applicant, erase_at)
       SELECT ?, 'case', ?, ?, ?, ?, h.applicant, h.erase_at FROM (SELECT 1) LEFT JOIN upstream_outbox h ON h.rating_id = ?`,
    );
    // A result whose rating is parked as a dead letter is parked with it, and resent after it.
    this.#followupRow = db.prepare(
      `INSERT OR IGNORE INTO upstream_outbox (rating_id, kind, answers, event_seq, payload, created_at, next_attempt_at, last_error)
       SELECT @key, 'followup', @answers, @seq, @payload, @at, COALESCE(r.next_attempt_at = ${DEAD_LETTER}, 0) * ${DEAD_LETTER},
         CASE WHEN r.next_attempt_at = ${DEAD_LETTER} THEN 'waiting for the rating it answers (' || @answers || '), a dead letter' END
       FROM (SELECT 1) LEFT JOIN upstream_outbox r ON r.rating_id = @answers AND r.delivered_at IS NULL`,
    );
    this.#fact = db.prepare(
      `INSERT INTO service_facts (business_date, number, idx, category_id, window_id, staff_id, source, priority, extended, outcome, waiting_since, called_at, started_at, ended_at, recalls,
         est_min, est_low, est_high, case_no, item_code, rating, rating_reasons, rated_at, unrated, holder_masked)
       VALUES (@date, @number, @idx, @category, @window, @staff, @source, @priority, @extended, @outcome, @waitingSince, @calledAt, @startedAt, @endedAt, @recalls,
         @estMin, @estLow, @estHigh, @caseNo, @itemCode, @rating, @reasons, @ratedAt, @unrated, @holderMasked)
       ON CONFLICT (business_date, number, idx) DO UPDATE SET outcome = excluded.outcome, ended_at = excluded.ended_at, case_no = excluded.case_no, item_code = excluded.item_code,
         rating = excluded.rating, rating_reasons = excluded.rating_reasons, rated_at = excluded.rated_at, unrated = excluded.unrated, holder_masked = excluded.holder_masked`,
    );
    this.#flow = db.prepare(
      `INSERT OR REPLACE INTO flow_slots VALUES (${Array(24).fill('?').join(', ')})`,
    );
    this.#deduct = db.prepare('INSERT INTO deductions (id, staff_id, business_date, item_code, item_name, points, note, by_staff, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.#revoke = db.prepare('UPDATE deductions SET revoked_at = ?, revoke_reason = ? WHERE id = ?');
    this.#caseAccepted = db.prepare(
      'INSERT OR REPLACE INTO cases (case_no, business_date, number, category_id, case_type, accepted_at, promised_by, completed_at, on_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#caseDone = db.prepare('UPDATE cases SET completed_at = ?, on_time = ? WHERE case_no = ?');
    this.#ticketsOfDate = db.prepare('SELECT data FROM tickets WHERE business_date = ?');
    // A date's services and ratings in one statement each: by id, a city day was ~20,000 calls.
    this.#servicesOfDate = db.prepare('SELECT s.id AS id, s.data AS data FROM tickets t JOIN services s ON s.ticket_id = t.id WHERE t.business_date = ?');
    this.#ratingsOfDate = db.prepare(
      'SELECT r.data AS data FROM tickets t JOIN services s ON s.ticket_id = t.id JOIN ratings r ON r.service_id = s.id WHERE t.business_date = ?',
    );
    this.#countersOfDate = db.prepare('SELECT prefix, last FROM counters WHERE business_date = ?');
    this.#slotsOfDate = db.prepare(`SELECT slot FROM flow_slots WHERE business_date = ? AND dim = 'h'`);
    this.#serviceById = db.prepare('SELECT data FROM services WHERE id = ?');
    this.#pauseBegun = db.prepare('INSERT INTO pauses (window_id, staff_id, started_at, reason) VALUES (?, ?, ?, ?)');
    this.#pauseEnded = db.prepare('UPDATE pauses SET ended_at = ? WHERE window_id = ? AND ended_at IS NULL');
  }

  write(state: HallState, t: Touched): void {
    // Tickets before services: services reference them.
    for (const id of t.tickets) {
      const x = state.tickets.get(id);
      if (x) this.#ticket.run({ id: x.id, businessDate: x.businessDate, number: x.number, categoryId: x.categoryId, status: x.status, data: JSON.stringify(x) });
    }
    for (const id of t.services) {
      const x = state.services.get(id);
      if (x) this.#service.run(x.id, x.ticketId, x.status, JSON.stringify(x));
    }
    for (const id of t.windows) {
      const x = state.windows.get(id);
      if (x) this.#window.run(x.id, JSON.stringify(x));
    }
    for (const key of t.counters) {
      const [date, prefix] = key.split('|');
      this.#counter.run(date, prefix, state.counters.get(key) ?? 0);
    }
    for (const code of t.appointments) {
      const x = state.appointments.get(code);
      // `used`: no longer live (the start-up load and the compaction read it).
      const status = appointmentStatus(x ?? { ticketId: null });
      if (x) this.#appointment.run(code, JSON.stringify(x), x.slotEnd, status === 'booked' ? 0 : 1, status);
    }
    for (const id of t.stats) {
      const x = state.stats.get(id);
      if (x) this.#stats.run(id, JSON.stringify(x));
    }
    if (t.notices) this.#meta.run('notices', JSON.stringify(state.notices));
    for (const id of t.ratings) {
      const x = state.ratings.get(id);
      if (x) this.#rating.run(x.serviceId, x.status, x.windowId, JSON.stringify(x));
    }
    for (const id of t.followups) {
      const x = state.followups.get(id);
      if (x) this.#followup.run(x.id, x.status, x.deadline, JSON.stringify(x));
    }
    for (const o of t.outbox) {
      this.#outbox.run(o.ratingId, o.ticketId, o.eventSeq, o.at, `${HOLD_PREFIX}${o.ticketId}`);
      this.#release.run(`${HOLD_PREFIX}${o.ticketId}`);
    }
    // Before the releases: an unrated record takes the ticket's applicant with it.
    for (const u of t.uploads) this.#writeUpload(state, u);
    for (const ticketId of t.released) this.#release.run(`${HOLD_PREFIX}${ticketId}`);
    for (const id of t.facts) this.#writeFact(state, id);
    for (const e of t.records) this.#writeRecord(e);
    if (t.congestion) this.#meta.run('congestion', JSON.stringify([...state.congestion]));
  }

  /**
   * An unrated service (when the platform takes it, for its own default) and a follow-up result:
   * records made of the event and what the state knows of the rating and its case, so the adapter
   * needs nothing else. The key is the platform's idempotency key.
   */
  #writeUpload(state: HallState, u: UploadRecord): void {
    if (u.kind === 'case') {
      if (!this.uploads.cases) return;
      const d = u.event.data;
      const record = { serviceId: d.serviceId, ticketId: d.ticketId, number: d.number, windowId: d.windowId, staffId: d.staffId, staffName: d.staff?.name ?? this.staffName(d.staffId), caseNo: d.caseNo, itemCode: d.itemCode, itemName: d.itemName, requestedAt: d.requestedAt };
      // The applicant goes with the case, pushed before the resident rates on the province's page.
      this.#caseRow.run(`case:${d.serviceId}`, d.ticketId, u.event.seq, JSON.stringify(record), d.requestedAt, `${HOLD_PREFIX}${d.ticketId}`);
      this.#release.run(`${HOLD_PREFIX}${d.ticketId}`);
      return;
    }
    if (u.kind === 'unrated') {
      if (!this.uploads.unrated) return;
      const d = u.event.data;
      const r = state.ratings.get(d.serviceId);
      const record = { serviceId: d.serviceId, ticketId: d.ticketId, number: d.number, windowId: d.windowId, staffId: d.staffId, staffName: this.staffName(d.staffId), caseNo: r?.caseNo ?? null, itemCode: r?.itemCode ?? null, requestedAt: r?.requestedAt ?? d.at, at: d.at };
      this.#unrated.run(`unrated:${d.serviceId}`, d.ticketId, u.event.seq, JSON.stringify(record), d.at, `${HOLD_PREFIX}${d.ticketId}`);
      return;
    }
    if (!this.uploads.followups) return;
    const d = u.event.data;
    const f = state.followups.get(d.followupId);
    if (!f) return;
    const r = state.ratings.get(f.serviceId);
    const record = { followupId: f.id, ratingId: f.ratingId, serviceId: f.serviceId, caseNo: r?.caseNo ?? null, itemCode: r?.itemCode ?? null, level: f.level, step: d.step, note: d.note, satisfied: d.satisfied ?? null, closed: d.closed, by: d.by, at: d.at };
    this.#followupRow.run({ key: `${d.followupId}:${d.step}`, answers: f.ratingId, seq: u.event.seq, payload: JSON.stringify(record), at: d.at });
  }

  /** The fact row of an ended service, with its rating if it has one (rewritten when the rating comes). */
  #writeFact(state: HallState, serviceId: string): void {
    const s = state.services.get(serviceId);
    const t = s ? state.tickets.get(s.ticketId) : undefined;
    if (!s || !t || !FINAL_SERVICE_STATUSES.has(s.status)) return;
    const idx = t.serviceIds.indexOf(s.id);
    const r = state.ratings.get(s.id);
    const est = idx === 0 ? t.estimate : undefined;
    this.#fact.run({
      date: t.businessDate,
      number: t.number,
      idx,
      category: s.categoryId,
      window: s.windowId,
      staff: s.staffId,
      source: t.source,
      priority: t.priorityGroup !== null ? 1 : 0,
      extended: t.extended ? 1 : 0,
      outcome: s.status,
      waitingSince: s.waitingSince,
      calledAt: s.calledAt,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      recalls: s.recalls,
      estMin: est?.minutes ?? null,
      estLow: est?.low ?? null,
      estHigh: est?.high ?? null,
      caseNo: s.caseNo,
      itemCode: s.itemCode,
      rating: r?.status === 'rated' ? r.level : null,
      reasons: r?.status === 'rated' && r.reasons.length > 0 ? r.reasons.join(',') : null,
      ratedAt: r?.ratedAt ?? null,
      unrated: r?.status === 'unrated' ? 1 : 0,
      // Only with a rating: the export's 评价明细 names the resident who rated, masked.
      holderMasked: r?.status === 'rated' ? (t.holder?.nameMasked ?? null) : null,
    });
  }

  #writeRecord(e: HallEvent): void {
    switch (e.type) {
      case 'flow.recorded': {
        const d = e.data;
        const row = (dim: string, r: FlowRow) =>
          this.#flow.run(d.businessDate, d.slot, dim, r.id, d.from, d.to, d.extended ? 1 : 0, d.live ? 1 : 0, r.issued, r.called, r.served, r.noShow, r.transfersIn, r.transfersOut, r.waitingEnd, r.waitMax, r.waitMean, r.waitP90, r.handleMean, r.appointments, r.extendedIssued, dim === 'w' ? (r.open ? 1 : 0) : d.windowsOpen, dim === 'w' ? (r.staffId ? 1 : 0) : d.clerks, r.staffId ?? null);
        for (const r of d.categories) row('c', r);
        for (const r of d.windows) row('w', r);
        row('h', hallRow(d.categories));
        return;
      }
      case 'assessment.deducted': {
        const d = e.data;
        this.#deduct.run(d.deductionId, d.staffId, d.businessDate, d.itemCode, d.itemName, d.points, d.note, d.by, d.at);
        return;
      }
      case 'assessment.revoked':
        this.#revoke.run(e.data.at, e.data.reason, e.data.deductionId);
        return;
      case 'ticket.completed': {
        const d = e.data;
        const immediate = d.caseType === 'immediate';
        this.#caseAccepted.run(d.caseNo, businessDateOf(d.endedAt, this.timeZone), d.number, d.categoryId, d.caseType, d.endedAt, d.promisedBy ?? null, immediate ? d.endedAt : null, immediate ? 1 : null);
        return;
      }
      case 'window.paused':
        this.#pauseEnded.run(e.data.at, e.data.windowId); // never two open at one window
        this.#pauseBegun.run(e.data.windowId, e.data.staffId, e.data.at, e.data.reason);
        return;
      case 'window.resumed':
      case 'window.closed':
      case 'window.opened':
        this.#pauseEnded.run(e.data.at, e.data.windowId);
        return;
      case 'case.completed':
        this.#caseDone.run(e.data.completedAt, e.data.onTime === null ? null : e.data.onTime ? 1 : 0, e.data.caseNo);
        return;
      default:
        return;
    }
  }

  /**
   * The working state: every unfinished ticket, and all tickets of the last two business dates
   * (enough for today's numbering, quotas and per-ID limits). Older finished ones stay in SQLite;
   * `loadDate` brings a date back when the clock goes there.
   */
  load(today: string): HallState {
    const state = emptyState();
    const open = `status IN ('waiting', 'called', 'serving')`;
    this.#addTickets(state, this.db.prepare(`SELECT data FROM tickets WHERE ${open}`).all() as { data: string }[]);
    this.loadDate(state, addDays(today, -1));
    this.loadDate(state, today);
    for (const r of this.db.prepare('SELECT data FROM windows').all() as { data: string }[]) {
      const w = JSON.parse(r.data) as WindowState;
      state.windows.set(w.id, w);
    }
    // Appointments still to be checked in (a used or long-past one is in SQLite and the log, not in memory).
    for (const r of this.db.prepare('SELECT data FROM appointments WHERE used = 0 AND slot_end >= ?').all(Date.parse(`${addDays(today, -1)}T00:00:00Z`) - 24 * 3600_000) as { data: string }[]) {
      const a = JSON.parse(r.data) as Appointment;
      if (a.holderHmac) a.holderHmac = holderKey(a.holderHmac);
      a.status = appointmentStatus(a);
      state.appointments.set(a.code, a);
    }
    // Today's ended bookings (the public page looks them up; a cancelled one shows as cancelled).
    for (const r of this.db.prepare(`SELECT data FROM appointments WHERE used = 1 AND slot_end >= ? AND status IN ('cancelled', 'missed')`).all(Date.parse(`${today}T00:00:00Z`)) as { data: string }[]) {
      const a = JSON.parse(r.data) as Appointment;
      state.appointments.set(a.code, a);
    }
    // No-shows within the suspension rule's reach.
    // Two fields of each (a city's 120 days hold ~11,000): read by SQLite, not parsed whole here.
    const strikes = this.db.prepare(
      `SELECT json_extract(data, '$.holderHmac') AS hmac, COALESCE(json_extract(data, '$.endedAt'), json_extract(data, '$.slotEnd')) AS at
       FROM appointments WHERE status = 'missed' AND slot_end >= ? AND json_extract(data, '$.holderHmac') <> ''`,
    );
    for (const r of strikes.all(Date.parse(`${today}T00:00:00Z`) - STRIKE_HORIZON_DAYS * 24 * 3600_000) as { hmac: string; at: number }[]) {
      const key = holderKey(r.hmac);
      state.bookingStrikes.set(key, [...(state.bookingStrikes.get(key) ?? []), r.at]);
    }
    for (const r of this.db.prepare('SELECT category_id, data FROM category_stats').all() as { category_id: string; data: string }[]) {
      state.stats.set(r.category_id, JSON.parse(r.data) as CategoryStats);
    }
    // Ratings still open, those of the services in memory (a second attempt must meet "already
    // rated"), and those of open follow-ups; by key, never by a scan of every rating ever given.
    const ratingOf = this.db.prepare('SELECT data FROM ratings WHERE service_id = ?');
    const addRating = (row: { data: string } | undefined) => {
      if (!row) return;
      const x = JSON.parse(row.data) as RatingState;
      state.ratings.set(x.serviceId, x);
    };
    for (const r of this.db.prepare(`SELECT data FROM ratings WHERE status = 'requested'`).all() as { data: string }[]) addRating(r);
    const loaded = new Set([addDays(today, -1), today]);
    for (const date of loaded) for (const r of this.#ratingsOfDate.all(date) as { data: string }[]) addRating(r);
    // Services of unfinished tickets of other dates (few): one by one.
    for (const t of state.tickets.values()) if (!loaded.has(t.businessDate)) for (const id of t.serviceIds) addRating(ratingOf.get(id) as { data: string } | undefined);
    // Open follow-ups only: a closed one is history (GET /followups?status=all reads it from SQLite).
    for (const r of this.db.prepare(`SELECT data FROM followups WHERE status = 'open'`).all() as { data: string }[]) {
      const x = JSON.parse(r.data) as Followup;
      state.followups.set(x.id, x);
      if (!state.ratings.has(x.serviceId)) addRating(ratingOf.get(x.serviceId) as { data: string } | undefined);
    }
    const notices = this.db.prepare(`SELECT value FROM hall_meta WHERE key = 'notices'`).get() as { value: string } | undefined;
    state.notices = notices ? (JSON.parse(notices.value) as string[] | null) : null;
    const congestion = this.db.prepare(`SELECT value FROM hall_meta WHERE key = 'congestion'`).get() as { value: string } | undefined;
    if (congestion) for (const [id, c] of JSON.parse(congestion.value) as [string, { since: number; measure: string }][]) state.congestion.set(id, c);
    // Deductions of about two months (one may be revoked at month's end); commitment cases still open.
    for (const r of this.db.prepare('SELECT id, staff_id, business_date, revoked_at FROM deductions WHERE business_date >= ?').all(addDays(today, -62)) as {
      id: string;
      staff_id: string;
      business_date: string;
      revoked_at: number | null;
    }[]) {
      state.deductions.set(r.id, { staffId: r.staff_id, businessDate: r.business_date, revoked: r.revoked_at !== null });
    }
    for (const r of this.db.prepare(`SELECT case_no, promised_by, accepted_at FROM cases WHERE completed_at IS NULL AND case_type = 'promised'`).all() as {
      case_no: string;
      promised_by: string | null;
      accepted_at: number;
    }[]) {
      state.openCases.set(r.case_no, { promisedBy: r.promised_by, acceptedAt: r.accepted_at });
    }
    return state;
  }

  /**
   * Brings one business date's tickets, numbering, quotas and per-ID limits into memory: at start-up
   * for today and yesterday, and whenever the clock lands on a date memory does not hold (a clock set
   * back two days must continue that day's numbers, not start again at 001).
   */
  loadDate(state: HallState, date: string): void {
    const services = new Map((this.#servicesOfDate.all(date) as { id: string; data: string }[]).map((r) => [r.id, r.data]));
    this.#addTickets(state, this.#ticketsOfDate.all(date) as { data: string }[], services);
    for (const r of this.#slotsOfDate.all(date) as { slot: number }[]) state.flowRecorded.add(`${date}|${r.slot}`);
    for (const r of this.#countersOfDate.all(date) as { prefix: string; last: number }[]) {
      const key = `${date}|${r.prefix}`;
      state.counters.set(key, Math.max(state.counters.get(key) ?? 0, r.last));
    }
    // Quota and per-ID limits count by the category a ticket was issued in, not where it went after.
    const ofDate = [...state.tickets.values()].filter((t) => t.businessDate === date).sort((a, b) => arrivalOf(a) - arrivalOf(b));
    for (const key of [...state.issued.keys()]) if (key.startsWith(`${date}|`)) state.issued.delete(key);
    for (const t of ofDate) noteIssued(state, t, state.services.get(t.serviceIds[0] ?? '')?.categoryId ?? t.categoryId);
  }

  /** Puts tickets (and their services) into memory, skipping those already there. */
  #addTickets(state: HallState, rows: { data: string }[], services?: ReadonlyMap<string, string>): void {
    for (const r of rows) {
      const t = JSON.parse(r.data) as Ticket;
      if (state.tickets.has(t.id)) continue;
      t.arrival ??= t.issuedAt;
      if (t.holder) t.holder.hmac = holderKey(t.holder.hmac);
      state.tickets.set(t.id, t);
      for (const id of t.serviceIds) {
        const data = services?.get(id) ?? (this.#serviceById.get(id) as { data: string } | undefined)?.data;
        if (data === undefined) continue;
        const s = JSON.parse(data) as Service;
        state.services.set(s.id, s);
        if (s.status === 'waiting') {
          let set = state.waiting.get(s.categoryId);
          if (!set) state.waiting.set(s.categoryId, (set = new Set()));
          set.add(s.id);
        }
      }
    }
  }
}
