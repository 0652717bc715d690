/** IPC message from bench/kiosk-hub-server.ts to the bench process: the fake printer cut a receipt. */
export interface ReceiptReport {
  kind: 'receipt';
  /** Figure 10: which printer cut it, the hub's own or the agent's; absent for figure 3's one printer. */
  printer?: 'hub' | 'agent';
  /** Wall time (wallNow) the chunk holding the receipt's last byte (its cut) was read by the printer. */
  lastByteAt: number;
  /** Wall time the receipt was decoded (right after; the difference is the tokenizer's work on that chunk). */
  decodedAt: number;
  /** Decoded text lines; the ticket number is one of them. */
  lines: string[];
  /** Chunks and bytes the printer read since the previous receipt (the status query included). */
  chunks: number;
  bytes: number;
}

/** Figure 10: the token of kiosk-2, whose printer is on a device agent (bench/agent-hub-server.ts). */
export const AGENT_KIOSK_TOKEN = 'bench-kiosk-2-token-00000001';
