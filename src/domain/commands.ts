import type { FollowupStep, RatingChannel } from './ratings.ts';
import type { BookingChannel, CallId, Holder, ServiceId, StaffId, TicketId, WindowId } from './state.ts';

/** Who asked. Every event in the log carries it (DESIGN §5). */
export type Actor =
  | { kind: 'staff'; id: StaffId; role: 'clerk' | 'guide' | 'manager' | 'admin' }
  /** A device; `windowId` for those bound to one window (its pad, its keypad, its business system). */
  | { kind: 'device'; id: string; deviceKind: string; windowId?: WindowId }
  | { kind: 'system'; id: string };

export type Placement = 'front' | 'original' | 'back';

/**
 * Commands: imperative, `{type, data}`. Time (`at`) and fresh ids come in on the command so the
 * engine stays pure.
 */
export type HallCommand =
  | {
      type: 'IssueTicket';
      data: {
        ticketId: TicketId;
        serviceId: ServiceId;
        categoryId?: string;
        priorityGroup?: string;
        holder?: Holder;
        appointmentCode?: string;
        /** Check in the holder's own appointment, found by the card (no code typed). */
        appointmentByHolder?: boolean;
        phoneMasked?: string;
        /** `sms`: taken by a text message (取号 + category code); it has no kiosk and no paper. */
        source: 'kiosk' | 'guide' | 'sms';
        /** The kiosk it was issued at (its printer prints it), also when a guide uses the kiosk. */
        kioskId?: string;
      };
    }
  | {
      type: 'BookAppointment';
      data: {
        code: string;
        categoryId: string;
        slotStart: number;
        /** When given, it must be the slot model's end of the slot (the staff API's older form names both). */
        slotEnd?: number;
        holder?: Holder;
        phoneMasked?: string;
        channel?: BookingChannel;
      };
    }
  /** Cancels a live booking. `last4`: the public page's proof, the last four characters of the booking's ID number. */
  | { type: 'CancelAppointment'; data: { code: string; last4?: string; reason?: string } }
  /** Ends the bookings whose check-in has closed (timer): no-shows, and late ones where the hall voids. */
  | { type: 'ExpireAppointments'; data: Record<string, never> }
  /** The resident cancels their own ticket from the `/t/<id>` page: the queue skips it instead of waiting for a no-show. */
  | { type: 'CancelOwnTicket'; data: { ticketId: TicketId } }
  | { type: 'CancelTicket'; data: { ticketId: TicketId; reason?: string } }
  | { type: 'OpenWindow'; data: { windowId: WindowId; staffId: StaffId; role: 'A' | 'B' } }
  | { type: 'CloseWindow'; data: { windowId: WindowId } }
  | { type: 'CallNext'; data: { windowId: WindowId; callId: CallId } }
  /** 指定叫号: call this waiting service from the window's list instead of the next one (config `queue.allowChosenCall`). */
  | { type: 'CallChosen'; data: { windowId: WindowId; callId: CallId; serviceId: ServiceId } }
  /** 办结并叫下一位: complete the current service and call the next in one step. */
  | { type: 'CompleteAndCallNext'; data: { windowId: WindowId; callId: CallId; caseNo?: string; itemCode?: string; case?: CaseTerms } }
  | { type: 'Recall'; data: { windowId: WindowId; callId: CallId } }
  | { type: 'MarkNoShow'; data: { windowId: WindowId } }
  | { type: 'StartService'; data: { windowId: WindowId } }
  | { type: 'CompleteService'; data: { windowId: WindowId; caseNo?: string; itemCode?: string; case?: CaseTerms } }
  | {
      type: 'TransferTicket';
      data: {
        windowId: WindowId;
        newServiceId: ServiceId;
        toCategoryId?: string;
        toWindowId?: WindowId;
        placement?: Placement;
        note?: string;
      };
    }
  | { type: 'PauseWindow'; data: { windowId: WindowId; reason: string } }
  | { type: 'ResumeWindow'; data: { windowId: WindowId } }
  /** One key for both (a caller keypad's 暂停 key): pause with the reason, or resume if paused. */
  | { type: 'TogglePause'; data: { windowId: WindowId; reason: string } }
  | { type: 'CloseBusinessDay'; data: { businessDate: string } }
  /** The wall clock moved by more than the alarm threshold against the hub's monotonic clock. */
  | { type: 'RecordClockJump'; data: { fromAt: number; toAt: number; deltaMs: number; detectedAt: 'runtime' | 'startup' } }
  | { type: 'UpdateNotices'; data: { notices: string[] } }
  | {
      type: 'RateService';
      data: {
        ratingId: string;
        followupId: string;
        /** The service rated; a pad that knows only its window (HID, RS-485) leaves it out: its window's pending one. */
        serviceId?: ServiceId;
        level: number;
        reasons?: string[];
        comment?: string;
        channel: RatingChannel;
        /** When a key pad's score was given, if before now (it came through an agent): it rates what was pending then. */
        givenAt?: number;
      };
    }
  | { type: 'ExpireRating'; data: { serviceId: ServiceId } }
  | { type: 'RecordFollowup'; data: { followupId: string; step: FollowupStep; note: string; satisfied?: boolean } }
  /** The half-hour flow record of a slot that has ended (`slot`: its start in minutes after midnight, or 1440 for the day's close). */
  | { type: 'RecordFlowSlot'; data: { businessDate: string; slot: number } }
  /** Compares each category's queue with the congestion thresholds (应急处置). */
  | { type: 'CheckCongestion'; data: Record<string, never> }
  /** A daily assessment deduction (日常考核扣分) against a clerk, by item. */
  | { type: 'RecordDeduction'; data: { deductionId: string; staffId: StaffId; businessDate: string; itemCode: string; points?: number; note: string } }
  | { type: 'RevokeDeduction'; data: { deductionId: string; reason: string } }
  /** The window business system says a commitment case (承诺件) is done. */
  | { type: 'CompleteCase'; data: { caseNo: string } };

/** What the window business system says of the case a service accepted: done at once (即办件) or promised (承诺件). */
export interface CaseTerms {
  type: 'immediate' | 'promised';
  /** For a promised case: the working days promised (限时办结). */
  promisedWorkingDays?: number;
}

export type CommandOf<T extends HallCommand['type']> = Extract<HallCommand, { type: T }>;

export interface CommandEnvelope {
  command: HallCommand;
  actor: Actor;
  at: number;
}
