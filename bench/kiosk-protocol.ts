/** IPC message from bench/kiosk-hub-server.ts to the bench process: the fake printer cut a receipt. */
export interface ReceiptReport {
  kind: 'receipt';
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
