import type { Placement } from './commands.ts';
import type { FlowRow } from './flow.ts';
import type { FollowupStep, RatingChannel } from './ratings.ts';
import type { BookingChannel, CallId, Holder, ServiceId, StaffId, TicketId, WindowId } from './state.ts';

/**
 * Why `selectNext` chose a ticket; the console shows it in words (`describeReason`). The log keeps the
 * rule and its figures, not the sentence.
 */
export interface SelectionReason {
  /** `chosen`: the clerk called this ticket from the window's list (指定叫号), where the config allows it. */
  rule: 'transferred_to_window' | 'appointment' | 'max_wait' | 'priority' | 'ratio' | 'category_order' | 'weighted_wait' | 'arrival' | 'chosen';
  categoryId: string;
  /** `priority`: the group; `max_wait`: the limit in minutes; `ratio`: the priority calls in a row. */
  priorityGroup?: string;
  maxWaitMin?: number;
  streak?: number;
}

export interface Estimate {
  ahead: number;
  minutes: number;
  low: number;
  high: number;
  /** Windows serving the category when estimated (signed in, not paused); 0: nobody is serving it yet. Older logs: absent. */
  openWindows?: number;
}

/**
 * Events: past tense, `{type, data}`; the `type` is also the socket.io event name (DESIGN §4).
 * `data` never holds a full ID number; `holder` is masked plus an HMAC.
 */
export type HallEvent =
  | {
      /** A number was taken at the kiosk, the guide desk or by appointment check-in. */
      type: 'ticket.issued';
      data: {
        ticketId: TicketId;
        serviceId: ServiceId;
        number: string;
        prefix: string;
        serial: number;
        businessDate: string;
        categoryId: string;
        /** Arrival order: the seq of this event (older logs: absent, the issue time stands in). */
        orderKey?: number;
        priorityGroup: string | null;
        priorityBy: 'age' | 'guide' | null;
        holder: Holder | null;
        phoneMasked: string | null;
        appointmentCode: string | null;
        source: 'kiosk' | 'guide' | 'appointment' | 'sms';
        kioskId: string | null;
        issuedAt: number;
        extended: boolean;
        estimate: Estimate;
      };
    }
  | {
      type: 'appointment.booked';
      data: {
        code: string;
        categoryId: string;
        slotStart: number;
        slotEnd: number;
        holderHmac: string | null;
        nameMasked: string | null;
        phoneMasked: string | null;
        bookedAt: number;
        /** Added with booking (older logs: absent). */
        idMasked?: string | null;
        channel?: BookingChannel;
        byDevice?: string | null;
      };
    }
  | {
      /** A booking was cancelled before its slot: the slot is free again. */
      type: 'appointment.cancelled';
      data: { code: string; categoryId: string; slotStart: number; by: BookingChannel; reason: string | null; at: number };
    }
  | {
      /**
       * A booking ended without a check-in: `no_show` (the day's check-in closed) or `late_void` (later
       * than the grace where the hall voids). Either counts towards the holder's suspension.
       */
      type: 'appointment.missed';
      data: { code: string; categoryId: string; slotStart: number; holderHmac: string | null; reason: 'no_show' | 'late_void'; at: number };
    }
  | {
      /** Checked in later than the grace where the hall gives a normal ticket: the `ticket.issued` that follows is a walk-in's. */
      type: 'appointment.late';
      data: { code: string; ticketId: TicketId; at: number };
    }
  | {
      /** A call or a recall (`recall: true`); each has its own `callId`, so screens never merge two. */
      type: 'ticket.called';
      data: {
        ticketId: TicketId;
        serviceId: ServiceId;
        number: string;
        categoryId: string;
        windowId: WindowId;
        staffId: StaffId | null;
        callId: CallId;
        recall: boolean;
        recalls: number;
        reason: SelectionReason | null;
        calledAt: number;
      };
    }
  | { type: 'ticket.started'; data: { ticketId: TicketId; serviceId: ServiceId; number: string; windowId: WindowId; staffId: StaffId | null; startedAt: number } }
  | {
      type: 'ticket.completed';
      data: {
        ticketId: TicketId;
        serviceId: ServiceId;
        number: string;
        categoryId: string;
        windowId: WindowId;
        staffId: StaffId | null;
        caseNo: string | null;
        itemCode: string | null;
        /** The case accepted, where the business system said: `immediate` (即办件) is done now; `promised` by a date. */
        caseType?: 'immediate' | 'promised' | null;
        promisedBy?: string | null;
        startedAt: number;
        endedAt: number;
      };
    }
  | {
      type: 'ticket.no_show';
      data: { ticketId: TicketId; serviceId: ServiceId; number: string; windowId: WindowId; staffId: StaffId | null; reason: 'clerk' | 'recall_limit'; at: number };
    }
  | {
      /** Same number, new service: the old one ends `transferred`, the new one waits. */
      type: 'ticket.transferred';
      data: {
        ticketId: TicketId;
        number: string;
        fromServiceId: ServiceId;
        toServiceId: ServiceId;
        fromWindowId: WindowId;
        staffId: StaffId | null;
        fromCategoryId: string;
        toCategoryId: string;
        toWindowId: WindowId | null;
        placement: Placement;
        orderKey: number;
        /** The seq of this event: when the new service began to wait (older logs: absent). */
        waitSeq?: number;
        note: string | null;
        at: number;
      };
    }
  | {
      type: 'ticket.cancelled';
      data: { ticketId: TicketId; serviceId: ServiceId; number: string; windowId: WindowId | null; staffId: StaffId | null; reason: string | null; at: number };
    }
  | {
      /** Still waiting when the day closed: recorded, never silently dropped (hall-rules §2, 004:114). */
      type: 'ticket.abandoned_at_close';
      data: {
        ticketId: TicketId;
        serviceId: ServiceId;
        number: string;
        categoryId: string;
        businessDate: string;
        /** Set when the ticket was still called or being served at a window. */
        windowId: WindowId | null;
        staffId: StaffId | null;
        at: number;
      };
    }
  | { type: 'window.opened'; data: { windowId: WindowId; staffId: StaffId; role: 'A' | 'B'; replacedStaffId: StaffId | null; at: number } }
  | { type: 'window.closed'; data: { windowId: WindowId; staffId: StaffId | null; at: number } }
  | { type: 'window.paused'; data: { windowId: WindowId; staffId: StaffId | null; reason: string; at: number } }
  | { type: 'window.resumed'; data: { windowId: WindowId; staffId: StaffId | null; at: number } }
  | { type: 'notice.updated'; data: { notices: string[] } }
  | {
      /** A service ended: the window's pad asks for a rating (DB3310/T 58 §5.4.3). */
      type: 'rating.requested';
      data: {
        serviceId: ServiceId;
        ticketId: TicketId;
        number: string;
        windowId: WindowId;
        staffId: StaffId | null;
        /** What the pad shows of the clerk (身份公示). */
        staff: { name: string; jobNo: string; photo: string | null } | null;
        caseNo: string | null;
        itemCode: string | null;
        itemName: string | null;
        requestedAt: number;
        expiresAt: number;
      };
    }
  | {
      /** The record the province's 好差评 platform receives: case, item, user, window, clerk, level. */
      type: 'rating.recorded';
      data: {
        ratingId: string;
        serviceId: ServiceId;
        ticketId: TicketId;
        number: string;
        windowId: WindowId;
        staffId: StaffId | null;
        /** The clerk's name (the platform files ratings by 工号 and name). */
        staffName: string | null;
        caseNo: string | null;
        itemCode: string | null;
        itemName: string | null;
        holder: { hmac: string; idMasked: string; nameMasked: string } | null;
        level: number;
        label: string;
        reasons: string[];
        comment: string | null;
        channel: RatingChannel;
        requestedAt: number;
        ratedAt: number;
      };
    }
  | { type: 'rating.unrated'; data: { serviceId: ServiceId; ticketId: TicketId; number: string; windowId: WindowId; staffId: StaffId | null; at: number } }
  | {
      /** 不满意 or below: a follow-up with a working-day deadline (差评回访整改). */
      type: 'followup.opened';
      data: { followupId: string; ratingId: string; serviceId: ServiceId; windowId: WindowId; staffId: StaffId | null; level: number; deadline: string; openedAt: number };
    }
  | { type: 'followup.updated'; data: { followupId: string; step: FollowupStep; note: string; at: number; by: string; closed: boolean; satisfied?: boolean | null } }
  | {
      /** The half-hour flow record (DB3310/T 58 §5.2.6), per category and per window; see `domain/flow.ts`. */
      type: 'flow.recorded';
      data: {
        businessDate: string;
        slot: number;
        from: number;
        to: number;
        extended: boolean;
        /** Recorded at the slot's end (true) or filled in later from the log (false). */
        live: boolean;
        categories: FlowRow[];
        windows: FlowRow[];
        windowsOpen: number;
        clerks: number;
      };
    }
  | { type: 'hall.congested'; data: { categoryId: string; measure: 'waiting' | 'longestWaitMin' | 'estimatedWaitMin'; value: number; threshold: number; at: number } }
  | { type: 'hall.cleared'; data: { categoryId: string; since: number; at: number } }
  | {
      type: 'assessment.deducted';
      data: { deductionId: string; staffId: StaffId; businessDate: string; itemCode: string; itemName: string; points: number; note: string; by: string; at: number };
    }
  | { type: 'assessment.revoked'; data: { deductionId: string; staffId: StaffId; reason: string; by: string; at: number } }
  | { type: 'case.completed'; data: { caseNo: string; completedAt: number; promisedBy: string | null; onTime: boolean | null } }
  | {
      /**
       * The wall clock jumped (a PC's clock corrected or wrong): the manager is told. While it is not
       * confirmed, the hub closes no business day by itself.
       */
      type: 'clock.jumped';
      data: { fromAt: number; toAt: number; deltaMs: number; detectedAt: 'runtime' | 'startup'; at: number };
    };

export type EventType = HallEvent['type'];
export type EventOf<T extends EventType> = Extract<HallEvent, { type: T }>;
