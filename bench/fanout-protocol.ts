/** IPC messages from a socket client worker (bench/socket-clients.ts) to the bench process. */
export type WorkerReport =
  /** Every client of the worker received the `ticket.called` with this callId. */
  | { kind: 'called'; callId: string; clients: number; first: number; last: number; bytes: number }
  /** Every client of the worker received the `ticket.issued` of this ticket (so the fan-out is idle). */
  | { kind: 'issued'; ticketId: string }
  | { kind: 'disconnect'; reason: string; connected: number };

/** The worker's ready line on stdout. */
export interface WorkerReady {
  clients: number;
  connectMs: number;
}
