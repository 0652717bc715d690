/** Status replies as a printer sends them (the simulator's side of status-decode.ts). */

export interface SimulatedCondition {
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  /** Autocutter error (DLE EOT 3 bit 3). */
  cutterError: boolean;
  /** FEED button held (DLE EOT 2 bit 3). */
  feeding: boolean;
}

/** One reply byte to DLE EOT n (fixed bits 1 and 4 set). Unknown n answers like n=1. */
export function encodeDleEotReply(n: number, c: SimulatedCondition): number {
  const base = 0x12;
  const offline = c.paperOut || c.coverOpen || c.cutterError || c.feeding;
  switch (n) {
    case 2:
      return base | (c.coverOpen ? 0x04 : 0) | (c.feeding ? 0x08 : 0) | (c.paperOut ? 0x20 : 0) | (c.cutterError ? 0x40 : 0);
    case 3:
      return base | (c.cutterError ? 0x08 : 0);
    case 4:
      return base | (c.paperNearEnd || c.paperOut ? 0x0c : 0) | (c.paperOut ? 0x60 : 0);
    default:
      return base | (offline ? 0x08 : 0);
  }
}

/** Reply byte to GS r 1. */
export function encodeGsRPaperReply(c: SimulatedCondition): number {
  return (c.paperNearEnd || c.paperOut ? 0x03 : 0) | (c.paperOut ? 0x0c : 0);
}
