import { backoffDelay } from '../../devices/backoff.ts';
import type { SmsChannel, SmsDelivery, SmsInbound } from '../../devices/sms-modem/channel.ts';
import { SmsError } from '../../devices/sms-modem/errors.ts';
import type { HallConfig } from '../config/schema.ts';
import { addDays, businessDate, instantOf, localTime, minutesOf, openingAt } from '../domain/calendar.ts';
import type { Actor } from '../domain/commands.ts';
import { ERRORS, HallqError } from '../domain/errors.ts';
import type { StoredEvent } from '../store/event-log.ts';
import { appointmentStatus, FINAL_SERVICE_STATUSES, type ReadonlyHallState } from '../domain/state.ts';
import { firstIds } from '../ids.ts';
import { bookingOwner, normalizePhone, ticketOwner, type Contact, type ContactOwner, type ContactVault } from '../personal/contact-vault.ts';
import { maskPhone } from '../personal/id-number.ts';
import type { TextSeal } from '../personal/text-seal.ts';
import { ticketView, type TicketView } from '../read-model/hall-view.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import type { Db } from '../store/open-db.ts';
import { categoryOfCode, parseSmsRequest } from './sms-commands.ts';
import type { SmsKind, SmsOutbox } from './sms-outbox.ts';
import type { SmsStatusMessage } from '../realtime/protocol.ts';
import { SmsTexts } from './sms-texts.ts';

export type SmsSettings = NonNullable<HallConfig['sms']>;

const MINUTE = 60_000;
/** Refusals of this text itself (its number, its length): sending it again cannot help. An operator's or gateway's refusal may be the account (credit, key), so those are retried until the text expires, and shown to the manager. */
const GIVE_UP: ReadonlySet<string> = new Set(['HQ_ERR_SMS_BAD_NUMBER', 'HQ_ERR_SMS_TEXT_TOO_LONG']);
const ACTOR: Actor = { kind: 'device', id: 'sms', deviceKind: 'sms' };

/** Refusals answered once a day per number (bit flags in `sms_daily.refusals`): a script texting the hall costs it one reply. */
const REFUSAL = { limit: 1, unknownCategory: 2, refused: 4, help: 8 } as const;

export type SmsStatus = SmsStatusMessage;

export interface SmsServiceDeps {
  db: Db;
  handler: CommandHandler;
  config: HallConfig;
  settings: SmsSettings;
  vault: ContactVault;
  outbox: SmsOutbox;
  /** The number of a received text, sealed in the inbox until it is handled. */
  inboxSeal: TextSeal;
  channel: SmsChannel | null;
  /** `/t/<id>` as residents' phones reach it. */
  ticketLink: (ticketId: string) => string;
  onStatus?: (s: SmsStatus) => void;
  log?: { warn(o: object, msg: string): void; info(o: object, msg: string): void };
}

/**
 * SMS for residents who are not at the kiosk (issue #15 §2): a text takes, looks up or cancels a
 * ticket; reminders go out when few are ahead, at the call, and before a booking.
 *
 * Every step is durable and runs once. A received text is written to the inbox (its sender sealed)
 * before the channel may delete it; its ticket is issued under the idempotency key of the text; its
 * reply is queued under the text's id. Reminders are queued under what they are about (`ahead:<ticket>`,
 * `called:<call>`), so a restart or a repeated event queues nothing twice. Sending runs apart from
 * the command path: a dead modem delays texts, never a call.
 */
export class SmsService {
  readonly texts: SmsTexts;
  readonly #d: SmsServiceDeps;
  #pumping = false;
  #pumpAgain = false;
  #timer: NodeJS.Timeout | null = null;
  #remindScheduled = false;
  #closed = false;
  #lastStatus = '';
  /** Delivery reports that came before their text's `send` resolved, by reference. */
  readonly #early = new Map<string, boolean>();

  constructor(deps: SmsServiceDeps) {
    this.#d = deps;
    this.texts = new SmsTexts(deps.config, deps.ticketLink);
    deps.channel?.onInbound((m) => this.receive(m));
    deps.channel?.onDelivery((r) => this.#onDelivery(r));
  }

  get remindsCalled(): boolean {
    return this.#d.settings.remindCalled;
  }

  start(): void {
    // After a crash: texts written to the inbox but not handled, numbers whose tickets ended meanwhile.
    void this.#resumeInbox();
    void this.reconcile();
    this.#timer = setInterval(() => void this.tick(), 15_000);
    this.#timer.unref();
    this.pump();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#d.channel?.close();
  }

  /**
   * A received text. Resolves once it is in the inbox: the channel may then delete it from the SIM.
   * The same text given twice (a modem read again after a crash) is handled once.
   */
  async receive(m: SmsInbound): Promise<void> {
    const { db, vault, inboxSeal, handler } = this.#d;
    const from = normalizePhone(m.from);
    if (!from) {
      // A service number or a short code (the operator's own messages): nothing to answer.
      this.#d.log?.info({ from: maskPhone(m.from) }, 'SMS from a number that is not a mobile: ignored');
      return;
    }
    db.prepare(
      'INSERT INTO sms_inbox (ref, phone_key, masked, sealed_from, text, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(ref) DO NOTHING',
    ).run(m.ref, vault.keyOf(from), maskPhone(from), inboxSeal.seal(from, `inbox:${m.ref}`), m.text.slice(0, 500), Math.min(m.receivedAt, handler.clock.now()));
    this.#enqueueHandling(m.ref);
  }

  /** Texts are handled one at a time, in arrival order: two 取号 from one number must see each other. */
  #handling: Promise<void> = Promise.resolve();
  #enqueueHandling(ref: string): void {
    this.#handling = this.#handling.then(() => this.#handleInbox(ref));
  }

  async #resumeInbox(): Promise<void> {
    const refs = this.#d.db.prepare('SELECT ref FROM sms_inbox WHERE handled_at IS NULL ORDER BY received_at').pluck().all() as string[];
    for (const ref of refs) this.#enqueueHandling(ref);
    await this.#handling;
  }

  /** Acts on one inbox text and queues its reply; then the sender's number is erased from the inbox. */
  async #handleInbox(ref: string): Promise<void> {
    const { db, inboxSeal } = this.#d;
    const row = db.prepare('SELECT sealed_from, text, received_at, handled_at FROM sms_inbox WHERE ref = ?').get(ref) as
      | { sealed_from: Buffer | null; text: string; received_at: number; handled_at: number | null }
      | undefined;
    if (!row || row.handled_at !== null || !row.sealed_from) return;
    const from = inboxSeal.open(row.sealed_from, `inbox:${ref}`);
    let outcome: string;
    try {
      outcome = await this.#answer(ref, from, row.text);
    } catch (err) {
      // Not a rule of the hall (those are answered): the hub could not write. The text stays in the inbox for the next start.
      this.#d.log?.warn({ err: String(err), ref }, 'SMS not handled; kept for a retry');
      return;
    }
    db.prepare('UPDATE sms_inbox SET handled_at = ?, outcome = ?, sealed_from = NULL WHERE ref = ?').run(this.#d.handler.clock.now(), outcome, ref);
    this.pump();
  }

  async #answer(ref: string, from: string, text: string): Promise<string> {
    const { config, handler, vault } = this.#d;
    const request = parseSmsRequest(text);
    const now = handler.clock.now();
    const today = businessDate(now, config.hall.timeZone);
    const reply = (body: string) => this.#queue('reply', `reply:${ref}`, from, body, now, this.#d.settings.replyTtlMin * MINUTE);
    const mine = await this.#liveTicketsOf(from);
    switch (request.kind) {
      case 'query': {
        if (mine.length === 0) reply(this.texts.noTicket());
        else reply(mine.map((t) => this.texts.status(t)).join('\n'));
        return 'query';
      }
      case 'cancel': {
        const t = mine.at(-1);
        if (!t) {
          reply(this.texts.noTicket());
          return 'cancel-none';
        }
        // The holder's own cancel, as from the phone page: not once the resident is at the counter.
        await handler.submit({ type: 'CancelOwnTicket', data: { ticketId: t.id } }, ACTOR, { key: `sms:${ref}`, fingerprint: `cancel:${t.id}` });
        vault.release(ticketOwner(t.id));
        reply(this.texts.cancelled(t.number));
        return 'cancelled';
      }
      case 'help':
      case 'take-which':
        if (this.#firstRefusal(from, today, REFUSAL.help)) reply(this.texts.help(this.#takeable(now)));
        return 'help';
      case 'take': {
        const category = categoryOfCode(config.categories, request.category);
        if (!category) {
          if (this.#firstRefusal(from, today, REFUSAL.unknownCategory)) reply(this.texts.help(this.#takeable(now)));
          return 'unknown-category';
        }
        // As at the kiosk: one live number per category; say which it is instead of issuing another.
        const held = mine.find((t) => t.categoryId === category.id);
        if (held) {
          reply(this.texts.status(held));
          return 'already-held';
        }
        const count = (this.#d.db.prepare('SELECT tickets FROM sms_daily WHERE phone_key = ? AND business_date = ?').pluck().get(vault.keyOf(from), today) as number | undefined) ?? 0;
        if (count >= this.#d.settings.perPhonePerDay) {
          if (this.#firstRefusal(from, today, REFUSAL.limit)) reply(this.texts.refused(`每个手机号每天最多短信取号${this.#d.settings.perPhonePerDay}次，请到自助机取号`));
          return 'limit';
        }
        let issued: StoredEvent[];
        try {
          const done = await handler.submit(
            { type: 'IssueTicket', data: { ...firstIds(), categoryId: category.id, phoneMasked: maskPhone(from), source: 'sms' } },
            ACTOR,
            { key: `sms:${ref}`, fingerprint: `take:${category.id}` },
            { phone: from },
          );
          issued = done.events;
        } catch (err) {
          if (!(err instanceof HallqError)) throw err;
          if (this.#firstRefusal(from, today, REFUSAL.refused)) reply(this.texts.refused(this.#refusalText(err)));
          return `refused:${err.code}`;
        }
        const e = issued.find((x) => x.type === 'ticket.issued');
        if (!e || e.type !== 'ticket.issued') return 'replayed';
        this.#d.db
          .prepare('INSERT INTO sms_daily (phone_key, business_date, tickets) VALUES (?, ?, 1) ON CONFLICT(phone_key, business_date) DO UPDATE SET tickets = tickets + 1')
          .run(vault.keyOf(from), today);
        // Reminders at the default distance; the phone page may change it.
        vault.setReminder(ticketOwner(e.data.ticketId), this.#d.settings.remindAhead > 0 ? this.#d.settings.remindAhead : null);
        const view = await handler.read((state, at) => {
          const t = state.tickets.get(e.data.ticketId);
          return t ? ticketView(state, config, t, at) : null;
        });
        if (view) reply(this.texts.taken(view));
        return 'taken';
      }
    }
  }

  /** The categories a text can take now: open, and without an ID card (those need the kiosk's reader). */
  #takeable(now: number) {
    return this.#d.config.categories.filter((c) => !c.requiresIdCard && openingAt(this.#d.config, c.id, now).open);
  }

  /** True the first time today this number meets this refusal; the reply is then sent, later ones are not. */
  #firstRefusal(from: string, date: string, bit: number): boolean {
    const key = this.#d.vault.keyOf(from);
    const db = this.#d.db;
    return db.transaction(() => {
      const seen = (db.prepare('SELECT refusals FROM sms_daily WHERE phone_key = ? AND business_date = ?').pluck().get(key, date) as number | undefined) ?? 0;
      if (seen & bit) return false;
      db.prepare('INSERT INTO sms_daily (phone_key, business_date, refusals) VALUES (?, ?, ?) ON CONFLICT(phone_key, business_date) DO UPDATE SET refusals = refusals | ?').run(key, date, bit, bit);
      return true;
    })();
  }

  async #liveTicketsOf(phone: string): Promise<TicketView[]> {
    const owners = this.#d.vault.byPhone(phone).filter((c) => c.owner.startsWith('ticket:'));
    if (owners.length === 0) return [];
    return this.#d.handler.read((state, now) =>
      owners
        .map((c) => state.tickets.get(c.owner.slice('ticket:'.length)))
        .filter((t) => t !== undefined && !FINAL_SERVICE_STATUSES.has(t.status))
        .map((t) => ticketView(state, this.#d.config, t!, now)),
    );
  }

  #queue(kind: SmsKind, dedupe: string, to: string, text: string, at: number, ttlMs: number): boolean {
    const queued = this.#d.outbox.enqueue({ dedupe, kind, to, text, at, ttlMs });
    if (queued) this.pump();
    return queued;
  }

  /** Committed events: the call reminder at once, the number erased when its ticket ends, "almost your turn" soon after. */
  onEvents(events: readonly StoredEvent[]): void {
    const { vault, settings } = this.#d;
    let queueMoved = false;
    for (const e of events) {
      switch (e.type) {
        case 'ticket.issued':
          queueMoved = true;
          if (e.data.appointmentCode) vault.move(bookingOwner(e.data.appointmentCode), ticketOwner(e.data.ticketId));
          break;
        case 'appointment.booked':
          this.#bookedNotice(e.data.code, e.data.categoryId, e.data.slotStart, e.at);
          break;
        // A booking that ends lets go of its number; one checked in late hands it to its ticket.
        case 'appointment.cancelled':
        case 'appointment.missed':
          vault.release(bookingOwner(e.data.code));
          break;
        case 'appointment.late':
          vault.move(bookingOwner(e.data.code), ticketOwner(e.data.ticketId));
          break;
        case 'ticket.called': {
          queueMoved = true;
          if (e.data.recall || !settings.remindCalled) break;
          const owner = ticketOwner(e.data.ticketId);
          const phone = vault.phoneOf(owner);
          // A call is worth telling for a few minutes; after that the resident has heard the hall, or missed it.
          if (phone) this.#queue('called', `called:${e.data.callId}`, phone, this.texts.called(e.data.number, e.data.windowId), e.at, settings.calledTtlMin * MINUTE);
          break;
        }
        case 'ticket.no_show':
        case 'ticket.cancelled':
        case 'ticket.abandoned_at_close':
        case 'ticket.completed':
        case 'ticket.transferred':
          queueMoved = true;
          break;
        default:
          break;
      }
    }
    if (queueMoved) this.#scheduleReminders();
  }

  #bookedNotice(code: string, categoryId: string, slotStart: number, at: number): void {
    const phone = this.#d.vault.phoneOf(bookingOwner(code));
    if (!phone) return;
    const c = this.#d.config.categories.find((x) => x.id === categoryId);
    this.#queue('booked', `booked:${code}`, phone, this.texts.booked(code, this.#slotText(slotStart), c?.name.zh ?? categoryId), at, 12 * 60 * MINUTE);
  }

  /** The Chinese text of a refusal as the kiosk would show it, and what to do: when it opens, where to go. */
  #refusalText(err: HallqError): string {
    if (err.code === 'HQ_ERR_ID_CARD_REQUIRED') return '该业务需凭身份证，请到大厅自助机刷证取号';
    const text = err.message.split(' / ')[0] ?? ERRORS[err.code].zh;
    const next = err.detail?.['nextOpenAt'];
    return err.code === 'HQ_ERR_CATEGORY_CLOSED' && typeof next === 'number' ? `${text}，${this.#slotText(next)}起可取号` : text;
  }

  #slotText(slotStart: number): string {
    const t = localTime(slotStart, this.#d.config.hall.timeZone);
    const [, m, d] = t.date.split('-');
    return `${Number(m)}月${Number(d)}日${String(Math.floor(t.minutes / 60)).padStart(2, '0')}:${String(t.minutes % 60).padStart(2, '0')}`;
  }

  /** One pass per event-loop turn, however many events moved the queue. */
  #scheduleReminders(): void {
    if (this.#remindScheduled) return;
    this.#remindScheduled = true;
    setImmediate(() => {
      this.#remindScheduled = false;
      void this.reconcile();
    });
  }

  /**
   * Walks the numbers held: erases those whose ticket or booking has ended, moves a booking's to its
   * ticket, and queues "almost your turn" for tickets that reached their distance.
   */
  async reconcile(): Promise<void> {
    if (this.#closed) return;
    const { vault, handler, config, settings } = this.#d;
    const contacts = vault.all();
    if (contacts.length === 0) return;
    const plan = await handler.read((state, now) => planContacts(state, config, contacts, now));
    for (const owner of plan.release) vault.release(owner);
    for (const [from, to] of plan.move) vault.move(from, to);
    for (const r of plan.remind) {
      const phone = vault.phoneOf(r.owner);
      if (phone) this.#queue('ahead', `ahead:${r.view.id}`, phone, this.texts.almost(r.view), handler.clock.now(), settings.calledTtlMin * MINUTE * 3);
    }
    this.#bookingReminders(plan.bookings);
  }

  #bookingReminders(bookings: readonly { owner: ContactOwner; code: string; categoryId: string; slotStart: number }[]): void {
    const { config, settings, handler, vault } = this.#d;
    const now = handler.clock.now();
    const tz = config.hall.timeZone;
    for (const b of bookings) {
      const c = config.categories.find((x) => x.id === b.categoryId);
      const name = c?.name.zh ?? b.categoryId;
      const slotDate = businessDate(b.slotStart, tz);
      const eveAt = instantOf(addDays(slotDate, -1), minutesOf(settings.bookingEveAt), tz);
      const held = vault.get(b.owner);
      // The day before, from the configured hour; not for a booking made after that hour (its confirmation just went).
      if (held && now >= eveAt && now < instantOf(slotDate, 0, tz) && held.heldAt < eveAt) {
        const phone = vault.phoneOf(b.owner);
        if (phone) this.#queue('booking-eve', `booking-eve:${b.code}`, phone, this.texts.bookingEve(b.code, this.#slotText(b.slotStart), name), now, b.slotStart - now);
      }
      const soonAt = b.slotStart - settings.bookingSoonMin * MINUTE;
      if (held && now >= soonAt && now < b.slotStart && held.heldAt < soonAt) {
        const phone = vault.phoneOf(b.owner);
        if (phone) this.#queue('booking-soon', `booking-soon:${b.code}`, phone, this.texts.bookingSoon(b.code, this.#slotText(b.slotStart), name), now, b.slotStart - now);
      }
    }
  }

  /** The periodic work: booking reminders, ended numbers, retries, and what is kept of texts going. */
  async tick(): Promise<void> {
    await this.reconcile();
    this.purge(this.#d.handler.clock.now());
    this.pump();
  }

  /**
   * Texts are kept for the manager a week (masked number, ticket number and window only); a received
   * text, once handled, a day (its words are the resident's); the per-number counts, for their day.
   */
  purge(now: number): void {
    const { db, outbox, config } = this.#d;
    outbox.purge(now - 7 * 24 * 60 * MINUTE);
    db.prepare('DELETE FROM sms_inbox WHERE handled_at IS NOT NULL AND handled_at < ?').run(now - 24 * 60 * MINUTE);
    db.prepare('DELETE FROM sms_daily WHERE business_date < ?').run(businessDate(now, config.hall.timeZone));
  }

  /** Sends what is due, one text at a time, in order; a failure waits its back-off and never blocks the rest of the hub. */
  pump(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    void this.#drain().finally(() => {
      this.#pumping = false;
      this.#report();
      if (this.#pumpAgain) {
        this.#pumpAgain = false;
        this.pump();
      }
    });
  }

  async #drain(): Promise<void> {
    const { outbox, channel, handler } = this.#d;
    outbox.expire(handler.clock.now());
    if (!channel) return;
    for (;;) {
      const due = outbox.due(handler.clock.now(), 10);
      if (due.length === 0 || this.#closed) return;
      for (const m of due) {
        const to = outbox.recipientOf(m);
        if (!to) continue;
        try {
          const { refs } = await channel.send(to, m.text);
          outbox.markSent(m.id, refs, handler.clock.now());
          for (const ref of refs) {
            const early = this.#early.get(ref);
            if (early === undefined) continue;
            this.#early.delete(ref);
            outbox.onDelivery(ref, early, handler.clock.now() - MINUTE);
          }
        } catch (err) {
          if (err instanceof SmsError && GIVE_UP.has(err.code)) {
            // This text, not the channel: the next one may well go.
            outbox.markGivenUp(m.id, err.message);
            this.#d.log?.warn({ code: err.code, kind: m.kind, to: m.phoneMasked }, 'SMS refused for itself; not sent again');
            continue;
          }
          const retryAt = handler.clock.now() + backoffDelay(m.attempts + 1, { initialMs: this.#d.settings.retry.initialSec * 1000, maxMs: this.#d.settings.retry.maxSec * 1000 });
          outbox.markFailed(m.id, err instanceof Error ? err.message : String(err), retryAt);
          this.#d.log?.warn({ err: String(err), kind: m.kind, to: m.phoneMasked, attempt: m.attempts + 1 }, 'SMS not sent; will retry');
          // The channel is down: the rest waits for the next pump instead of failing one by one.
          return;
        }
      }
    }
  }

  #onDelivery(r: SmsDelivery): void {
    const ref = r.ref ?? String(r.messageRef);
    const matched = this.#d.outbox.onDelivery(ref, r.delivered, this.#d.handler.clock.now() - 3 * 24 * 60 * MINUTE);
    // A fast network reports a part before `send` has resolved (the row is not yet `sent`): kept for that moment.
    if (!matched && this.#pumping) {
      this.#early.set(ref, r.delivered);
      if (this.#early.size > 100) this.#early.delete(this.#early.keys().next().value!);
    }
    this.#report();
  }

  status(): SmsStatus {
    const { outbox, channel, config, handler } = this.#d;
    const dayStart = instantOf(businessDate(handler.clock.now(), config.hall.timeZone), 0, config.hall.timeZone);
    const ch = channel?.state() ?? null;
    return { ...outbox.summary(dayStart), channel: ch ? ch.state : 'none', channelError: ch?.lastError ?? null };
  }

  #report(): void {
    if (!this.#d.onStatus) return;
    const s = this.status();
    const key = JSON.stringify(s);
    if (key === this.#lastStatus) return;
    this.#lastStatus = key;
    this.#d.onStatus(s);
  }
}



interface ContactPlan {
  release: ContactOwner[];
  move: [ContactOwner, ContactOwner][];
  remind: { owner: ContactOwner; view: TicketView }[];
  bookings: { owner: ContactOwner; code: string; categoryId: string; slotStart: number }[];
}

/** What to do with each number held, from the hall as it is now (pure: the tests drive it directly). */
export function planContacts(state: ReadonlyHallState, config: HallConfig, contacts: readonly Contact[], now: number): ContactPlan {
  const plan: ContactPlan = { release: [], move: [], remind: [], bookings: [] };
  for (const c of contacts) {
    if (c.owner.startsWith('ticket:')) {
      const t = state.tickets.get(c.owner.slice('ticket:'.length));
      if (!t || FINAL_SERVICE_STATUSES.has(t.status)) {
        plan.release.push(c.owner);
        continue;
      }
      // A ticket taken with few ahead was told so in its reply: no "almost" right after it.
      if (c.remindAhead === null || t.status !== 'waiting' || (t.estimate?.ahead ?? Infinity) <= c.remindAhead) continue;
      const view = ticketView(state, config, t, now);
      if (view.ahead <= c.remindAhead) plan.remind.push({ owner: c.owner, view });
    } else {
      const code = c.owner.slice('booking:'.length);
      const a = state.appointments.get(code);
      const status = a ? appointmentStatus(a) : null;
      if (!a || status === 'cancelled' || status === 'missed') plan.release.push(c.owner);
      else if (a.ticketId) plan.move.push([c.owner, ticketOwner(a.ticketId)]);
      else if (a.slotEnd < now) plan.release.push(c.owner);
      else plan.bookings.push({ owner: c.owner, code, categoryId: a.categoryId, slotStart: a.slotStart });
    }
  }
  return plan;
}
