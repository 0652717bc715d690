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
    expect(commands.openFor([device]).map((m) => m.bytes.length)).toEqual([printed.bytes.length, failed.bytes.length]);
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
});
