import { describe, expect, it } from 'vitest';
import { applyCounts, applyEnvelope, applySnapshot, callsToCatchUp, emptyScreen, mainCall, MAX_CALLS } from '../../src/read-model/hall-view-state.ts';
import type { AnyEnvelope } from '../../src/realtime/protocol.ts';
import { hallView } from '../../src/read-model/hall-view.ts';
import { emptyState } from '../../src/domain/state.ts';
import { testConfig } from '../support/test-config.ts';

const NOW = Date.parse('2026-11-23T02:00:00Z');
const snapshot = (seq = 10) => {
  const view = hallView(emptyState(), testConfig(), NOW);
  view.recentCalls = [{ callId: 'old', number: 'A001', windowId: 1, calledAt: NOW - 60_000, lastCalledAt: NOW - 60_000, recalls: 0, status: 'serving', toWindowId: null, toCategoryId: null }];
  return { seq, hubId: 'h', rooms: ['hall'], state: view };
};
/** An envelope as a public screen receives it (the public form of the event). */
const env = (seq: number, type: string, data: Record<string, unknown>) => ({ seq, at: NOW, type, data }) as unknown as AnyEnvelope;
const called = (seq: number, callId: string, number: string, windowId = 1, recall = false) =>
  env(seq, 'ticket.called', { callId, number, categoryId: 'ZX', windowId, calledAt: NOW + seq, recalls: recall ? 1 : 0, recall });

describe('wall and window screen state', () => {
  it('never shows a call from a snapshot as new', () => {
    const s = applySnapshot(emptyScreen(), snapshot());
    expect(s.calls).toEqual([expect.objectContaining({ callId: 'old', fresh: false })]);
  });

  it('shows live calls newest first, only the newest highlighted, each callId once', () => {
    let s = applySnapshot(emptyScreen(), snapshot());
    s = applyEnvelope(s, called(11, 'c1', 'A002'));
    s = applyEnvelope(s, called(12, 'c2', 'A003', 2));
    s = applyEnvelope(s, called(12, 'c2', 'A003', 2)); // a duplicate delivery changes nothing
    expect(s.calls.map((c) => [c.number, c.fresh])).toEqual([
      ['A003', true],
      ['A002', false],
      ['A001', false],
    ]);
    expect(s.hall!.windows.find((w) => w.id === 2)!.currentNumber).toBe('A003');
    // A recall is its own call (its own callId).
    s = applyEnvelope(s, called(13, 'c3', 'A003', 2, true));
    expect(s.calls[0]).toMatchObject({ callId: 'c3', recall: true, fresh: true });
    for (let i = 0; i < 20; i++) s = applyEnvelope(s, called(20 + i, `x${i}`, `B${i}`));
    expect(s.calls).toHaveLength(MAX_CALLS);
  });

  it('follows windows: pause with its reason, resume, completion clears the number', () => {
    let s = applySnapshot(emptyScreen(), snapshot());
    s = applyEnvelope(s, called(11, 'c1', 'A002'));
    s = applyEnvelope(s, env(12, 'ticket.completed', { number: 'A002', windowId: 1 }));
    expect(s.hall!.windows[0]!.currentNumber).toBeNull();
    s = applyEnvelope(s, env(13, 'window.paused', { windowId: 1, reason: '午间休息' }));
    expect(s.hall!.windows[0]).toMatchObject({ status: 'paused', pauseReason: '午间休息' });
    s = applyEnvelope(s, env(14, 'window.resumed', { windowId: 1 }));
    expect(s.hall!.windows[0]).toMatchObject({ status: 'open', pauseReason: null });
    s = applyCounts(s, { seq: 15, at: NOW, type: 'queue.counts', data: { categories: [{ id: 'ZX', waiting: 7, estimatedWaitMin: 12 }] } });
    expect(s.hall!.categories.find((c) => c.id === 'ZX')).toMatchObject({ waiting: 7, estimatedWaitMin: 12 });
  });

  it('catches up on a missed call that still waits at its window, once, and not on one that ended or is old', () => {
    let s = applySnapshot(emptyScreen(), snapshot());
    s = applyEnvelope(s, called(11, 'c1', 'A002', 1));
    s = applyEnvelope(s, called(12, 'c2', 'A003', 2));
    s = applyEnvelope(s, env(13, 'ticket.started', { number: 'A003', windowId: 2, startedAt: NOW }));
    s = applyEnvelope(s, called(14, 'c3', 'B001', 3));
    // Window 1 still calls A002 (missed), window 2 serves A003 (the resident came), window 3's call was played.
    expect(callsToCatchUp(s, new Set(['c3']), NOW + 60_000).map((c) => c.callId)).toEqual(['c1']);
    // Too old to matter.
    expect(callsToCatchUp(s, new Set(['c3']), NOW + 10 * 60_000)).toEqual([]);
    // A recall is the latest call of its window: that is the one to play.
    s = applyEnvelope(s, called(15, 'c4', 'A002', 1, true));
    expect(callsToCatchUp(s, new Set(['c1', 'c3']), NOW + 60_000).map((c) => c.callId)).toEqual(['c4']);
  });

  it('updates the row of a recall instead of adding one, and brings it to the top', () => {
    let s = applySnapshot(emptyScreen(), snapshot());
    s = applyEnvelope(s, called(11, 'c1', 'A002', 1));
    s = applyEnvelope(s, called(12, 'c2', 'A003', 2));
    s = applyEnvelope(s, called(13, 'c3', 'A002', 1, true));
    expect(s.calls.filter((c) => c.number === 'A002')).toHaveLength(1);
    expect(s.calls[0]).toMatchObject({ number: 'A002', callId: 'c3', recalls: 1, recall: true, fresh: true, status: 'called' });
    expect(s.calls.map((c) => c.number)).toEqual(['A002', 'A003', 'A001']);
  });

  it('says how a ticket ended, or drops it, and never keeps an ended call as the main one', () => {
    let s = applySnapshot(emptyScreen(), snapshot());
    s = applyEnvelope(s, called(11, 'c1', 'A002', 1));
    s = applyEnvelope(s, called(12, 'c2', 'A003', 2));
    s = applyEnvelope(s, called(13, 'c3', 'A004', 3));
    expect(mainCall(s)?.number).toBe('A004');
    s = applyEnvelope(s, env(14, 'ticket.no_show', { number: 'A004', windowId: 3, reason: 'clerk', at: NOW }));
    s = applyEnvelope(s, env(15, 'window.paused', { windowId: 3, reason: '临时离岗', at: NOW }));
    expect(s.calls.find((c) => c.number === 'A004')).toMatchObject({ status: 'no_show' });
    expect(mainCall(s)?.number).toBe('A003');
    s = applyEnvelope(s, env(16, 'ticket.transferred', { number: 'A003', fromWindowId: 2, fromCategoryId: 'ZX', toCategoryId: 'SB', toWindowId: null, at: NOW }));
    expect(s.calls.find((c) => c.number === 'A003')).toMatchObject({ status: 'transferred', toCategoryId: 'SB' });
    expect(s.hall!.windows.find((w) => w.id === 2)!.currentNumber).toBeNull();
    s = applyEnvelope(s, env(17, 'ticket.started', { number: 'A002', windowId: 1, startedAt: NOW }));
    expect(mainCall(s)).toBeNull();
    s = applyEnvelope(s, env(18, 'ticket.completed', { number: 'A002', categoryId: 'ZX', windowId: 1, endedAt: NOW }));
    expect(s.calls.some((c) => c.number === 'A002')).toBe(false);
    // The row of the snapshot's A001 (being served at window 1) ended too.
    s = applyEnvelope(s, env(19, 'ticket.completed', { number: 'A001', categoryId: 'ZX', windowId: 1, endedAt: NOW }));
    expect(s.calls.map((c) => [c.number, c.status])).toEqual([
      ['A004', 'no_show'],
      ['A003', 'transferred'],
    ]);
    // Called again at its new window: one live row, the transferred one is gone.
    s = applyEnvelope(s, called(20, 'c9', 'A003', 2));
    expect(s.calls.filter((c) => c.number === 'A003').map((c) => c.status)).toEqual(['called']);
  });

  it('keeps the count of windows serving each category with the windows\' states', () => {
    let s = applySnapshot(emptyScreen(), snapshot());
    const zx = () => s.hall!.categories.find((c) => c.id === 'ZX')!;
    expect(zx().openWindows).toBe(0);
    s = applyEnvelope(s, env(11, 'window.opened', { windowId: 1, at: NOW }));
    s = applyEnvelope(s, env(12, 'window.opened', { windowId: 2, at: NOW }));
    expect(zx().openWindows).toBe(2);
    s = applyEnvelope(s, env(13, 'window.paused', { windowId: 2, reason: '午间休息', at: NOW }));
    expect(zx().openWindows).toBe(1);
    s = applyEnvelope(s, env(14, 'window.closed', { windowId: 1, at: NOW }));
    expect(zx().openWindows).toBe(0);
    s = applyCounts(s, { seq: 15, at: NOW, type: 'queue.counts', data: { categories: [{ id: 'ZX', waiting: 3, estimatedWaitMin: 0, issue: 'full', openWindows: 0, quotaLeft: 0 }] } });
    expect(zx()).toMatchObject({ issue: 'full', quotaLeft: 0, open: true });
  });

  it('follows the congestion alarm: a category congested until it clears, with the measure where the audience sees it', () => {
    let s = applySnapshot(emptyScreen(), snapshot());
    expect(s.hall!.congested).toEqual([]);
    // The public form: the category and the time.
    s = applyEnvelope(s, env(11, 'hall.congested', { categoryId: 'ZX', at: NOW }));
    // The manager's form: what crossed which threshold.
    s = applyEnvelope(s, env(12, 'hall.congested', { categoryId: 'SB', measure: 'waiting', value: 21, threshold: 20, at: NOW + 1 }));
    expect(s.hall!.congested).toEqual([
      { categoryId: 'ZX', since: NOW },
      { categoryId: 'SB', since: NOW + 1, measure: 'waiting', value: 21, threshold: 20 },
    ]);
    s = applyEnvelope(s, env(13, 'hall.cleared', { categoryId: 'ZX', at: NOW + 2 }));
    expect(s.hall!.congested.map((c) => c.categoryId)).toEqual(['SB']);
    expect(s.seq).toBe(13);
    // The longest wait follows the counts.
    s = applyCounts(s, { seq: 14, at: NOW, type: 'queue.counts', data: { categories: [{ id: 'SB', waiting: 2, estimatedWaitMin: 5, longestWaitingSince: NOW - 600_000 }] } });
    expect(s.hall!.categories.find((c) => c.id === 'SB')!.longestWaitingSince).toBe(NOW - 600_000);
  });
});
