import { describe, expect, it } from 'vitest';
import { IDCARD_ERRORS, IdCardDriverError, IdCardError, IdCardStatusError } from './errors.ts';
import { SW3_FAILURES, statusError } from './sw3.ts';

// hardware.md §1.5, every SW3 that is not a success (0x90, 0x9F).
const SPEC_FAILURES = [0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x34, 0x37, 0x3f, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81];

describe('SW3 table', () => {
  it('covers every failing SW3 of hardware.md §1.5, once', () => {
    expect(SW3_FAILURES.map((f) => f.sw3).sort((a, b) => a - b)).toEqual([...SPEC_FAILURES].sort((a, b) => a - b));
  });

  it('maps each to a catalogued code, and no two to the same code', () => {
    const codes = SW3_FAILURES.map((f) => f.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(IDCARD_ERRORS).toHaveProperty(code);
  });

  it.each([
    [0x41, 'HQ_ERR_IDCARD_READ_FAILED', 'card', true, '读居民身份证操作失败'],
    [0x60, 'HQ_ERR_IDCARD_SAM_SELF_TEST_FAILED', 'sam', false, 'SAM自检失败，不能接收命令'],
    [0x10, 'HQ_ERR_IDCARD_REQUEST_CHECKSUM', 'link', true, '接收业务终端数据的校验和错'],
    [0x21, 'HQ_ERR_IDCARD_BAD_COMMAND', 'command', false, '接收业务终端的命令错误'],
    [0x40, 'HQ_ERR_IDCARD_UNKNOWN_CARD_TYPE', 'card', false, '无法识别的卡类型'],
  ])('SW3 0x%s → %s', (sw3, code, scope, retryable, zh) => {
    const err = statusError(sw3, 'readBase');
    expect(err).toBeInstanceOf(IdCardStatusError);
    expect(err).toBeInstanceOf(IdCardError);
    expect(err).toMatchObject({ sw3, code, scope, retryable, messageZh: zh, command: 'readBase', kind: 'status' });
    expect(err.message).toContain(`SW3 0x${sw3.toString(16).padStart(2, '0').toUpperCase()} on readBase`);
  });

  it('an SW3 outside the table is a retryable unknown status, not a crash', () => {
    expect(statusError(0xee, 'findCard')).toMatchObject({ code: 'HQ_ERR_IDCARD_STATUS_UNKNOWN', sw3: 0xee, retryable: true });
  });
});

describe('error catalogue', () => {
  it('every code is HQ_ERR_IDCARD_* with a Chinese and an English message', () => {
    for (const [code, e] of Object.entries(IDCARD_ERRORS)) {
      expect(code).toMatch(/^HQ_ERR_IDCARD_[A-Z_]+$/);
      expect(e.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(e.en.length).toBeGreaterThan(5);
    }
  });

  it('driver errors carry the vendor SDK code they stand for', () => {
    const err = new IdCardDriverError('HQ_ERR_IDCARD_TIMEOUT', 'no reply to findCard', { sdkCode: 0x02 });
    expect(err).toMatchObject({ kind: 'driver', sdkCode: 2, retryable: true, messageZh: '接收读卡器数据超时', name: 'IdCardDriverError' });
  });
});
