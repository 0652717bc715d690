import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandJournal, type Outcome } from '../../src/agent/command-journal.ts';
import { CommandRunner } from '../../src/agent/command-runner.ts';
import type { AgentCommandMessage } from '../../src/realtime/protocol.ts';

const dir = mkdtempSync(join(tmpdir(), 'hallq-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const command = (id: string, text: string): AgentCommandMessage => ({ id, seq: 1, device: 'printer:kiosk-1', kind: 'print', bytes: Buffer.from(text).toString('base64'), ticketId: `t-${id}`, number: 'A001', at: 0 });

describe('the agent runs each command at most once', () => {
  it('prints a new command, reports a repeat without printing it again, and reports an interrupted one as uncertain', async () => {
    const paper = join(dir, 'lp0');
    writeFileSync(paper, '');
    const reports: [string, Outcome][] = [];
    const open = () => {
      const journal = new CommandJournal(dir);
      const runner = new CommandRunner([{ device: 'printer:kiosk-1', uri: `file:${paper}` }], journal, async (id, outcome) => void reports.push([id, outcome]), () => {});
      return { journal, runner };
    };

    let { journal, runner } = open();
    runner.handle(command('cmd_aaaaaaaaaa', 'ONE'));
    runner.handle(command('cmd_aaaaaaaaaa', 'ONE'));
    await runner.idle();
    expect(readFileSync(paper, 'utf8')).toBe('ONE');
    expect(reports).toEqual([
      ['cmd_aaaaaaaaaa', 'printed'],
      ['cmd_aaaaaaaaaa', 'printed'],
    ]);

    // The agent died between starting a print and recording it: after a restart it is never run again.
    journal.started('cmd_bbbbbbbbbb');
    await runner.close();
    journal.close();
    ({ journal, runner } = open());
    runner.handle(command('cmd_bbbbbbbbbb', 'TWO'));
    runner.handle(command('cmd_aaaaaaaaaa', 'ONE'));
    await runner.idle();
    expect(readFileSync(paper, 'utf8')).toBe('ONE');
    expect(reports.slice(2)).toEqual([
      ['cmd_bbbbbbbbbb', 'uncertain'],
      ['cmd_aaaaaaaaaa', 'printed'],
    ]);
    await runner.close();
    journal.close();
    expect(readFileSync(join(dir, 'journal.log'), 'utf8').trim().split('\n')).toEqual(['S cmd_aaaaaaaaaa', 'D cmd_aaaaaaaaaa printed', 'S cmd_bbbbbbbbbb', 'D cmd_bbbbbbbbbb uncertain']);
  });
});

describe('the agent’s journal after a power cut', () => {
  it('reads a torn last line as a command started, never as an outcome, and goes on on a line of its own', () => {
    const torn = mkdtempSync(join(dir, 'torn-'));
    // The last record was half on disk when the power went: `D <id> printed` cut short.
    writeFileSync(join(torn, 'journal.log'), 'S cmd_cccccccccc\nD cmd_cccccccccc pri');
    let journal = new CommandJournal(torn);
    expect(journal.state('cmd_cccccccccc')).toEqual({ kind: 'interrupted' });
    journal.started('cmd_dddddddddd');
    journal.close();
    journal = new CommandJournal(torn);
    expect(journal.state('cmd_dddddddddd')).toEqual({ kind: 'interrupted' });
    expect(journal.state('cmd_cccccccccc')).toEqual({ kind: 'interrupted' });
    journal.close();
  });
});
