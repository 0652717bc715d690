import type { HallEvent } from './events.ts';
import { noteAppointmentAdded } from './appointment-index.ts';
import { FRONT_OFFSET } from './order.ts';
import { noteIssued, closedWindow, waitingService, type Appointment, type HallState, type Service, type ServiceStatus, type WindowState } from './state.ts';

/**
 * Folds one event into the state, in place, and returns it. The command handler applies events to
 * its working state as they are decided (so the next command of the same group sees them), commits
 * the group, and reloads the state from SQLite if the commit fails; readers see the state only
 * through `read`, after the commit. Start-up and tests fold the log the same way. A copy per event
 * would buy nothing but garbage. Never throws; an event that does not apply is ignored.
 */
export function evolve(state: HallState, event: HallEvent, alpha = 0.2): HallState {
  switch (event.type) {
    case 'ticket.issued': {
      const d = event.data;
      state.tickets.set(d.ticketId, {
        id: d.ticketId,
        number: d.number,
        prefix: d.prefix,
        serial: d.serial,
        businessDate: d.businessDate,
        categoryId: d.categoryId,
        priorityGroup: d.priorityGroup,
        priorityBy: d.priorityBy,
        holder: d.holder,
        phoneMasked: d.phoneMasked,
        appointmentCode: d.appointmentCode,
        source: d.source,
        kioskId: d.kioskId,
        issuedAt: d.issuedAt,
        arrival: d.orderKey ?? d.issuedAt,
        estimate: d.estimate,
        extended: d.extended,
        status: 'waiting',
        serviceIds: [d.serviceId],
        currentServiceId: d.serviceId,
      });
      addService(state, { ...waitingService(d.serviceId, d.ticketId, d.categoryId, null, d.issuedAt, d.orderKey ?? d.issuedAt, d.issuedAt), ...(d.orderKey !== undefined ? { waitSeq: d.orderKey } : {}) });
      const counterKey = `${d.businessDate}|${d.prefix}`;
      state.counters.set(counterKey, Math.max(state.counters.get(counterKey) ?? 0, d.serial));
      noteIssued(state, { id: d.ticketId, businessDate: d.businessDate, holder: d.holder }, d.categoryId);
      if (d.appointmentCode) {
        const a = state.appointments.get(d.appointmentCode);
        if (a) {
          a.ticketId = d.ticketId;
          a.status = 'checked_in';
          a.endedAt = d.issuedAt;
        }
      }
      return state;
    }
    case 'appointment.booked': {
      const d = event.data;
      const a: Appointment = { ...d, ticketId: null, status: 'booked', endedAt: null };
      state.appointments.set(d.code, a);
      noteAppointmentAdded(state.appointments, a);
      return state;
    }
    case 'appointment.cancelled': {
      const a = state.appointments.get(event.data.code);
      if (a) {
        a.status = 'cancelled';
        a.endedAt = event.data.at;
      }
      return state;
    }
    case 'appointment.late': {
      const a = state.appointments.get(event.data.code);
      if (a) {
        a.status = 'late';
        a.ticketId = event.data.ticketId;
        a.endedAt = event.data.at;
      }
      return state;
    }
    case 'appointment.missed': {
      const d = event.data;
      const a = state.appointments.get(d.code);
      if (a) {
        a.status = 'missed';
        a.endedAt = d.at;
      }
      if (d.holderHmac) state.bookingStrikes.set(d.holderHmac, [...(state.bookingStrikes.get(d.holderHmac) ?? []), d.at]);
      return state;
    }
    case 'ticket.called': {
      const d = event.data;
      const s = state.services.get(d.serviceId);
      if (!s) return state;
      unindex(state, s);
      const firstCall = s.status === 'waiting';
      s.status = 'called';
      s.windowId = d.windowId;
      s.staffId = d.staffId;
      s.callId = d.callId;
      s.recalls = d.recalls;
      if (firstCall) s.calledAt = d.calledAt;
      s.lastCalledAt = d.calledAt;
      setTicketStatus(state, s, 'called');
      const w = windowOrNew(state, d.windowId);
      w.currentServiceId = s.id;
      if (!d.recall) {
        const priority = (state.tickets.get(s.ticketId)?.priorityGroup ?? null) !== null;
        if (!priority) w.priorityStreak = 0;
        else if (d.reason?.rule === 'priority') w.priorityStreak += 1;
      }
      return state;
    }
    case 'ticket.started': {
      const s = state.services.get(event.data.serviceId);
      if (!s) return state;
      s.status = 'serving';
      s.startedAt = event.data.startedAt;
      setTicketStatus(state, s, 'serving');
      return state;
    }
    case 'ticket.completed': {
      const d = event.data;
      const s = state.services.get(d.serviceId);
      if (!s) return state;
      s.status = 'done';
      s.startedAt = s.startedAt ?? d.startedAt;
      s.endedAt = d.endedAt;
      s.caseNo = d.caseNo;
      s.itemCode = d.itemCode;
      if (d.caseType === 'promised' && d.caseNo) state.openCases.set(d.caseNo, { promisedBy: d.promisedBy ?? null, acceptedAt: d.endedAt });
      setTicketStatus(state, s, 'done');
      release(state, d.windowId, s.id);
      const minutes = Math.min(240, Math.max(0.5, (d.endedAt - d.startedAt) / 60_000));
      const prev = state.stats.get(d.categoryId);
      state.stats.set(
        d.categoryId,
        prev && prev.samples > 0
          ? { avgServiceMin: prev.avgServiceMin + alpha * (minutes - prev.avgServiceMin), samples: prev.samples + 1 }
          : { avgServiceMin: minutes, samples: 1 },
      );
      return state;
    }
    case 'ticket.no_show': {
      const s = state.services.get(event.data.serviceId);
      if (!s) return state;
      s.status = 'no_show';
      s.endedAt = event.data.at;
      setTicketStatus(state, s, 'no_show');
      release(state, event.data.windowId, s.id);
      return state;
    }
    case 'ticket.transferred': {
      const d = event.data;
      const from = state.services.get(d.fromServiceId);
      const t = state.tickets.get(d.ticketId);
      if (!from || !t) return state;
      from.status = 'transferred';
      from.endedAt = d.at;
      release(state, d.fromWindowId, from.id);
      const queuedAt = d.placement === 'original' ? t.issuedAt : d.placement === 'back' ? d.at : d.at - FRONT_OFFSET;
      addService(state, {
        ...waitingService(d.toServiceId, t.id, d.toCategoryId, d.toWindowId, d.at, d.orderKey, queuedAt),
        ...(d.waitSeq !== undefined ? { waitSeq: d.waitSeq } : {}),
        transfer: { fromWindowId: d.fromWindowId, fromCategoryId: d.fromCategoryId, staffId: d.staffId, note: d.note, at: d.at },
      });
      t.categoryId = d.toCategoryId;
      t.serviceIds.push(d.toServiceId);
      t.currentServiceId = d.toServiceId;
      t.status = 'waiting';
      return state;
    }
    case 'ticket.cancelled':
    case 'ticket.abandoned_at_close': {
      const s = state.services.get(event.data.serviceId);
      if (!s) return state;
      const status: ServiceStatus = event.type === 'ticket.cancelled' ? 'cancelled' : 'abandoned_at_close';
      unindex(state, s);
      s.status = status;
      s.endedAt = event.data.at;
      setTicketStatus(state, s, status);
      if (s.windowId !== null) release(state, s.windowId, s.id);
      return state;
    }
    case 'window.opened': {
      const d = event.data;
      const w = windowOrNew(state, d.windowId);
      w.status = 'open';
      w.staffId = d.staffId;
      w.role = d.role;
      w.pauseReason = null;
      w.since = d.at;
      return state;
    }
    case 'window.closed': {
      state.windows.set(event.data.windowId, closedWindow(event.data.windowId));
      return state;
    }
    case 'window.paused': {
      const w = windowOrNew(state, event.data.windowId);
      w.status = 'paused';
      w.pauseReason = event.data.reason;
      return state;
    }
    case 'window.resumed': {
      const w = windowOrNew(state, event.data.windowId);
      w.status = 'open';
      w.pauseReason = null;
      return state;
    }
    case 'notice.updated':
      state.notices = [...event.data.notices];
      return state;
    case 'clock.jumped':
      return state;
    case 'flow.recorded':
      state.flowRecorded.add(`${event.data.businessDate}|${event.data.slot}`);
      return state;
    case 'hall.congested':
      state.congestion.set(event.data.categoryId, { since: event.data.at, measure: event.data.measure });
      return state;
    case 'hall.cleared':
      state.congestion.delete(event.data.categoryId);
      return state;
    case 'assessment.deducted':
      state.deductions.set(event.data.deductionId, { staffId: event.data.staffId, businessDate: event.data.businessDate, revoked: false });
      return state;
    case 'assessment.revoked': {
      const d = state.deductions.get(event.data.deductionId);
      if (d) d.revoked = true;
      return state;
    }
    case 'case.completed':
      state.openCases.delete(event.data.caseNo);
      return state;
    case 'rating.requested': {
      const d = event.data;
      state.ratings.set(d.serviceId, {
        serviceId: d.serviceId,
        ticketId: d.ticketId,
        number: d.number,
        windowId: d.windowId,
        staffId: d.staffId,
        caseNo: d.caseNo,
        itemCode: d.itemCode,
        requestedAt: d.requestedAt,
        expiresAt: d.expiresAt,
        status: 'requested',
        ratingId: null,
        level: null,
        reasons: [],
        comment: null,
        channel: null,
        ratedAt: null,
      });
      return state;
    }
    case 'rating.recorded': {
      const r = state.ratings.get(event.data.serviceId);
      if (!r) return state;
      Object.assign(r, {
        status: 'rated',
        ratingId: event.data.ratingId,
        level: event.data.level,
        reasons: [...event.data.reasons],
        comment: event.data.comment,
        channel: event.data.channel,
        ratedAt: event.data.ratedAt,
      });
      return state;
    }
    case 'rating.unrated': {
      const r = state.ratings.get(event.data.serviceId);
      if (r) r.status = 'unrated';
      return state;
    }
    case 'followup.opened': {
      const d = event.data;
      state.followups.set(d.followupId, {
        id: d.followupId,
        ratingId: d.ratingId,
        serviceId: d.serviceId,
        windowId: d.windowId,
        staffId: d.staffId,
        level: d.level,
        deadline: d.deadline,
        openedAt: d.openedAt,
        steps: [],
        status: 'open',
      });
      return state;
    }
    case 'followup.updated': {
      const f = state.followups.get(event.data.followupId);
      if (!f) return state;
      f.steps.push({ step: event.data.step, note: event.data.note, at: event.data.at, by: event.data.by, ...(event.data.satisfied !== undefined ? { satisfied: event.data.satisfied } : {}) });
      if (event.data.closed) f.status = 'closed';
      return state;
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}


function addService(state: HallState, s: Service): void {
  state.services.set(s.id, s);
  let set = state.waiting.get(s.categoryId);
  if (!set) state.waiting.set(s.categoryId, (set = new Set()));
  set.add(s.id);
}

function unindex(state: HallState, s: Service): void {
  state.waiting.get(s.categoryId)?.delete(s.id);
}

function setTicketStatus(state: HallState, s: Service, status: ServiceStatus): void {
  const t = state.tickets.get(s.ticketId);
  if (t && t.currentServiceId === s.id) t.status = status;
}

function windowOrNew(state: HallState, id: number): WindowState {
  let w = state.windows.get(id);
  if (!w) state.windows.set(id, (w = closedWindow(id)));
  return w;
}

function release(state: HallState, windowId: number, serviceId: string): void {
  const w = state.windows.get(windowId);
  if (w && w.currentServiceId === serviceId) w.currentServiceId = null;
}
