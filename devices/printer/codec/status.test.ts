import { describe, expect, it } from 'vitest';
import { blockedReason, isDleEotReply, statusFromDleEot, statusFromGsR } from './status-decode.ts';
import { encodeDleEotReply, encodeGsRPaperReply, type SimulatedCondition } from './status-encode.ts';

const ok: SimulatedCondition = { paperOut: false, paperNearEnd: false, coverOpen: false, cutterError: false, feeding: false };

function roundTrip(c: SimulatedCondition) {
  return statusFromDleEot({
    printer: encodeDleEotReply(1, c),
    offlineCause: encodeDleEotReply(2, c),
    errorCause: encodeDleEotReply(3, c),
    rollPaper: encodeDleEotReply(4, c),
  });
}

describe('status bits (Epson ESC/POS)', () => {
  it('reads the reference bytes', () => {
    // ready: 0x12 everywhere
    expect(statusFromDleEot({ printer: 0x12, offlineCause: 0x12, errorCause: 0x12, rollPaper: 0x12 })).toEqual({
      online: true, paperOut: false, paperNearEnd: false, coverOpen: false, error: false,
    });
    // DLE EOT 1 bit 3 offline; DLE EOT 2 bit 2 cover; DLE EOT 4 bits 2,3 near end; bits 5,6 end
    expect(statusFromDleEot({ printer: 0x1a }).online).toBe(false);
    expect(statusFromDleEot({ offlineCause: 0x16 }).coverOpen).toBe(true);
    expect(statusFromDleEot({ offlineCause: 0x32 }).paperOut).toBe(true); // bit 5: stopped by paper end
    expect(statusFromDleEot({ offlineCause: 0x52 }).error).toBe(true); // bit 6
    expect(statusFromDleEot({ rollPaper: 0x1e })).toMatchObject({ paperNearEnd: true, paperOut: false });
    expect(statusFromDleEot({ rollPaper: 0x72 })).toMatchObject({ paperOut: true });
    expect(statusFromDleEot({ errorCause: 0x1a }).error).toBe(true); // autocutter
    // GS r 1: bits 0,1 near end; bits 2,3 end
    expect(statusFromGsR(0x03)).toMatchObject({ paperNearEnd: true, paperOut: false });
    expect(statusFromGsR(0x0f)).toMatchObject({ paperOut: true });
  });

  it('tells replies from other bytes', () => {
    expect(isDleEotReply(0x12)).toBe(true);
    expect(isDleEotReply(0x7e)).toBe(true);
    expect(isDleEotReply(0x13)).toBe(false); // XOFF
    expect(isDleEotReply(0x00)).toBe(false);
  });

  it('round-trips the simulator encoding', () => {
    expect(roundTrip(ok)).toEqual({ online: true, paperOut: false, paperNearEnd: false, coverOpen: false, error: false });
    expect(roundTrip({ ...ok, paperOut: true })).toEqual({ online: false, paperOut: true, paperNearEnd: true, coverOpen: false, error: false });
    expect(roundTrip({ ...ok, paperNearEnd: true })).toMatchObject({ online: true, paperNearEnd: true });
    expect(roundTrip({ ...ok, coverOpen: true })).toMatchObject({ online: false, coverOpen: true });
    expect(roundTrip({ ...ok, cutterError: true })).toMatchObject({ online: false, error: true });
    expect(statusFromGsR(encodeGsRPaperReply({ ...ok, paperOut: true }))).toMatchObject({ paperOut: true });
  });

  it('blocks on paper out, cover open, error and offline; not on near end', () => {
    const ready = roundTrip(ok);
    expect(blockedReason(ready)).toBeNull();
    expect(blockedReason({ ...ready, paperNearEnd: true })).toBeNull();
    expect(blockedReason(roundTrip({ ...ok, paperOut: true }))).toBe('paperOut');
    expect(blockedReason(roundTrip({ ...ok, coverOpen: true }))).toBe('coverOpen');
    expect(blockedReason({ ...ready, online: false })).toBe('offline');
  });
});
