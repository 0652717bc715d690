import { describe, expect, it } from 'vitest';
import type { HallCommand } from '../../../src/domain/commands.ts';
import { CALLER_KEYS } from '../codec/protocol.ts';
import { KEY_COMMANDS, type HubCommandName, keyToCommand } from './key-to-command.ts';

// Compile-time: every suggested name is a real hub command type.
const names: HallCommand['type'][] = [] as HubCommandName[];

describe('keyToCommand (a suggestion table; the hub decides)', () => {
  it('has an entry for every key', () => {
    for (const key of CALLER_KEYS) expect(KEY_COMMANDS).toHaveProperty(key);
    expect(names).toEqual([]);
  });

  it('suggests the console’s commands for the keys', () => {
    expect(keyToCommand('call')?.command).toBe('CallNext');
    expect(keyToCommand('recall')?.command).toBe('Recall');
    expect(keyToCommand('confirm')?.command).toBe('StartService');
    expect(keyToCommand('evaluate')?.command).toBe('CompleteService');
    expect(keyToCommand('pause')).toMatchObject({ command: 'PauseWindow', toggle: 'ResumeWindow', needs: 'reason', defaultReason: '暂停服务' });
    expect(keyToCommand('transfer')).toMatchObject({ command: 'TransferTicket', needs: 'target', from: 'digits' });
    expect(keyToCommand('digit')).toBeNull();
    expect(keyToCommand('cancel')).toBeNull();
  });

  it('takes a key event, and a combo wins over its key', () => {
    expect(keyToCommand({ key: 'confirm', combo: 'noShow' })?.command).toBe('MarkNoShow');
    expect(keyToCommand({ key: 'confirm', combo: 'hold' })).toBeNull();
    expect(keyToCommand({ key: 'confirm' })?.command).toBe('StartService');
  });
});
