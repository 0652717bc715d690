import { describe, expect, it } from 'vitest';
import { CALLER_KEYS } from '../codec/protocol.ts';
import { KEY_INTENTS, KEYPAD_INTENTS, keyToIntent } from './key-intent.ts';

describe('keyToIntent (what a key asks for; the hub maps it to a command)', () => {
  it('has an entry for every key, and every intent it names is listed', () => {
    for (const key of CALLER_KEYS) expect(KEY_INTENTS).toHaveProperty(key);
    for (const entry of Object.values(KEY_INTENTS)) {
      if (!entry) continue;
      expect(KEYPAD_INTENTS).toContain(entry.intent);
      if (entry.toggle) expect(KEYPAD_INTENTS).toContain(entry.toggle);
    }
  });

  it('names the intents of the keys', () => {
    expect(keyToIntent('call')?.intent).toBe('call');
    expect(keyToIntent('recall')?.intent).toBe('recall');
    expect(keyToIntent('confirm')?.intent).toBe('startService');
    expect(keyToIntent('evaluate')?.intent).toBe('completeService');
    expect(keyToIntent('pause')).toMatchObject({ intent: 'pause', toggle: 'resume', needs: 'reason', defaultReason: '暂停服务' });
    expect(keyToIntent('transfer')).toMatchObject({ intent: 'transfer', needs: 'target', from: 'digits' });
    expect(keyToIntent('digit')).toBeNull();
    expect(keyToIntent('cancel')).toBeNull();
  });

  it('takes a key event, and a combo wins over its key', () => {
    expect(keyToIntent({ key: 'confirm', combo: 'noShow' })?.intent).toBe('noShow');
    expect(keyToIntent({ key: 'confirm', combo: 'hold' })).toBeNull();
    expect(keyToIntent({ key: 'confirm' })?.intent).toBe('startService');
  });
});
