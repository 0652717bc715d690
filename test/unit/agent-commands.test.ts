import { describe, expect, it } from 'vitest';
import { AgentCommands } from '../../src/agents/agent-commands.ts';
import { openDb } from '../../src/store/open-db.ts';

describe('agent commands once they have ended', () => {
  it('keep their ticket and outcome but not the print bytes, which nothing sends again', () => {
    const db = openDb(':memory:');
    const commands = new AgentCommands(db, { now: () => 1_000 });
    const device = 'printer:kiosk-1';
    const printed = commands.print(device, Buffer.alloc(8_000, 7), 't-1', 'A001');
    const failed = commands.print(device, Buffer.alloc(8_000, 7), 't-2', 'A002');
    expect(commands.openFor([device]).map((m) => (m.kind === 'print' ? m.bytes.length : -1))).toEqual([printed.bytes.length, failed.bytes.length]);
    expect(printed.bytes.length).toBeGreaterThan(10_000);

    expect(commands.report([device], printed.id, 'printed')).toMatchObject({ outcome: 'printed', first: true });
    expect(commands.report([device], failed.id, 'failed')).toMatchObject({ outcome: 'failed', first: true });
    // A repeated report answers as the first did.
    expect(commands.report([device], printed.id, 'printed')).toMatchObject({ outcome: 'printed', first: false });
    expect(commands.openFor([device])).toEqual([]);
    expect(commands.needingReprint()).toEqual([expect.objectContaining({ ticketId: 't-2', number: 'A002', outcome: 'failed', handled: false })]);
    // Every ticket's receipt kept forever would grow the hub's file by its size each ticket.
    const sizes = db.prepare('SELECT length(payload) AS n FROM agent_commands ORDER BY seq').all() as { n: number }[];
    expect(sizes.every((s) => s.n < 200)).toBe(true);
    expect(commands.reconcile([{ ticketId: 't-1', number: 'A001', kioskId: 'kiosk-1' }])).toBe(0);
    db.close();
  });

  it('keep only the latest text per LED bar and LCD while the agent is away, and forget a device command once reported', () => {
    const db = openDb(':memory:');
    const commands = new AgentCommands(db, { now: () => 1_000 });
    const old1 = commands.device('led-bars', { kind: 'led.show', address: 1, text: 'A001 请到1号窗口' });
    commands.device('led-bars', { kind: 'led.show', address: 2, text: 'B001 请到2号窗口' });
    const beep = commands.device('caller-bus', { kind: 'keypad.beep', address: 1, pattern: 'urgent' });
    const new1 = commands.device('led-bars', { kind: 'led.show', address: 1, text: 'A002 请到1号窗口' });
    commands.device('caller-bus', { kind: 'keypad.beep', address: 1, pattern: 'urgent' });
    const open = commands.openFor(['led-bars', 'caller-bus']);
    // The newer text for bar 1 replaced the older, which is gone; beeps are each their own.
    expect(open.map((m) => (m.kind === 'device' ? m.command : null))).toEqual([
      { kind: 'led.show', address: 2, text: 'B001 请到2号窗口' },
      { kind: 'keypad.beep', address: 1, pattern: 'urgent' },
      { kind: 'led.show', address: 1, text: 'A002 请到1号窗口' },
      { kind: 'keypad.beep', address: 1, pattern: 'urgent' },
    ]);
    expect(open.some((m) => m.id === old1.id)).toBe(false);
    // Another agent's devices are not this one's.
    expect(commands.openFor(['led-bars']).map((m) => m.id)).not.toContain(beep.id);
    expect(commands.report(['caller-bus'], beep.id, 'done')).toMatchObject({ first: true });
    expect(() => commands.report(['caller-bus'], beep.id, 'done')).toThrow();
    expect(() => commands.report(['led-bars'], old1.id, 'done')).toThrow();
    expect(commands.report(['led-bars'], new1.id, 'done')).toMatchObject({ first: true });
    expect(commands.openFor(['led-bars', 'caller-bus'])).toHaveLength(2);
    // Device commands never reach the guide desk's reprint list.
    expect(commands.needingReprint()).toEqual([]);
    db.close();
  });

  it('drop a beep or a rating request past its time instead of sending it to an agent back from an outage, and keep one request per evaluator', () => {
    const db = openDb(':memory:');
    let now = 1_000;
    const commands = new AgentCommands(db, { now: () => now });
    commands.device('pad-bus', { kind: 'pad.request', address: 9, until: 31_000 });
    const second = commands.device('pad-bus', { kind: 'pad.request', address: 9, until: 61_000 });
    const beep = commands.device('caller-bus', { kind: 'keypad.beep', address: 1, pattern: 'urgent', until: 11_000 });
    const text = commands.device('led-bars', { kind: 'led.show', address: 1, text: 'A001 请到1号窗口' });
    expect(commands.openFor(['pad-bus', 'caller-bus', 'led-bars']).map((m) => m.id)).toEqual([second.id, beep.id, text.id]);
    now = 40_000;
    expect(commands.openFor(['pad-bus', 'caller-bus', 'led-bars']).map((m) => m.id)).toEqual([second.id, text.id]);
    now = 70_000;
    expect(commands.openFor(['pad-bus', 'caller-bus', 'led-bars']).map((m) => m.id)).toEqual([text.id]);
    // Gone for good: a late report of one finds nothing.
    expect(() => commands.report(['caller-bus'], beep.id, 'done')).toThrow();
    db.close();
  });
});
