/**
 * Decoding of ESC/POS status replies (Epson ESC/POS reference, DLE EOT and GS r). Every reply is one byte.
 *
 * DLE EOT n (10 04 n), real-time, answered even while the printer is offline; reply pattern 0xx1xx10:
 * - n=1 printer status: bit 3 offline; bit 5 waiting for online recovery.
 * - n=2 offline cause: bit 2 cover open; bit 3 paper being fed by the FEED button; bit 5 printing stopped by paper end;
 *   bit 6 an error occurred.
 * - n=3 error cause: bit 2 recoverable error; bit 3 autocutter error; bit 5 unrecoverable error; bit 6 auto-recoverable.
 * - n=4 roll paper sensor: bits 2,3 paper near end; bits 5,6 paper end.
 * GS r 1 (1D 72 01), queued behind print data; reply pattern 0xx0xxxx: bits 0,1 near end; bits 2,3 paper end.
 */

/** What the hub shows in device.status. */
export interface PrinterStatus {
  online: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  /** Cutter jam, head overheating or another error the printer reports. */
  error: boolean;
}

/** Raw reply bytes of DLE EOT 1..4; a missing one was not asked or not answered. */
export interface DleEotReplies {
  printer?: number;
  offlineCause?: number;
  errorCause?: number;
  rollPaper?: number;
}

const bit = (b: number, n: number): boolean => (b & (1 << n)) !== 0;

/** Bits 1 and 4 set, bits 0 and 7 clear: anything else is not a DLE EOT reply (e.g. a stray XOFF). */
export function isDleEotReply(b: number): boolean {
  return (b & 0x93) === 0x12;
}

/** Bits 4 and 7 clear. */
export function isGsRReply(b: number): boolean {
  return (b & 0x90) === 0x00;
}

export function decodePrinterStatus(b: number): { offline: boolean; waitingRecovery: boolean } {
  return { offline: bit(b, 3), waitingRecovery: bit(b, 5) };
}

export function decodeOfflineCause(b: number): {
  coverOpen: boolean;
  feedButton: boolean;
  paperEndStop: boolean;
  error: boolean;
} {
  return { coverOpen: bit(b, 2), feedButton: bit(b, 3), paperEndStop: bit(b, 5), error: bit(b, 6) };
}

export function decodeErrorCause(b: number): {
  recoverable: boolean;
  autocutter: boolean;
  unrecoverable: boolean;
  autoRecoverable: boolean;
} {
  return { recoverable: bit(b, 2), autocutter: bit(b, 3), unrecoverable: bit(b, 5), autoRecoverable: bit(b, 6) };
}

/** Either bit of a pair counts: the spec sets both, some clones set one. */
export function decodeRollPaper(b: number): { nearEnd: boolean; paperEnd: boolean } {
  return { nearEnd: (b & 0x0c) !== 0, paperEnd: (b & 0x60) !== 0 };
}

export function decodeGsRPaper(b: number): { nearEnd: boolean; paperEnd: boolean } {
  return { nearEnd: (b & 0x03) !== 0, paperEnd: (b & 0x0c) !== 0 };
}

/** Folds whatever DLE EOT replies came back into one status. A missing reply contributes nothing. */
export function statusFromDleEot(r: DleEotReplies): PrinterStatus {
  const printer = r.printer === undefined ? undefined : decodePrinterStatus(r.printer);
  const cause = r.offlineCause === undefined ? undefined : decodeOfflineCause(r.offlineCause);
  const errors = r.errorCause === undefined ? undefined : decodeErrorCause(r.errorCause);
  const paper = r.rollPaper === undefined ? undefined : decodeRollPaper(r.rollPaper);
  const errorCause = errors !== undefined && (errors.autocutter || errors.unrecoverable || errors.autoRecoverable);
  return {
    online: printer ? !printer.offline : true,
    paperOut: (paper?.paperEnd ?? false) || (cause?.paperEndStop ?? false),
    paperNearEnd: paper?.nearEnd ?? false,
    coverOpen: cause?.coverOpen ?? false,
    error: (cause?.error ?? false) || errorCause,
  };
}

export function statusFromGsR(b: number): PrinterStatus {
  const paper = decodeGsRPaper(b);
  return { online: !paper.paperEnd, paperOut: paper.paperEnd, paperNearEnd: paper.nearEnd, coverOpen: false, error: false };
}

/** Why a job must wait, or null when the printer can take it. */
export function blockedReason(s: PrinterStatus): 'paperOut' | 'coverOpen' | 'error' | 'offline' | null {
  if (s.paperOut) return 'paperOut';
  if (s.coverOpen) return 'coverOpen';
  if (s.error) return 'error';
  if (!s.online) return 'offline';
  return null;
}
