import { type IdCardErrorCode, IdCardStatusError, type Sw3Scope } from './errors.ts';

/** The SW3 values the driver branches on. */
export const SW3 = {
  OK: 0x90,
  NO_CONTENT: 0x91,
  CARD_FOUND: 0x9f,
  NO_CARD: 0x80,
  SELECT_FAILED: 0x81,
  REQUEST_CHECKSUM: 0x10,
  REQUEST_LENGTH: 0x11,
  BAD_COMMAND: 0x21,
  NOT_FOUND_YET: 0x34,
  UNKNOWN_CARD_TYPE: 0x40,
  READ_FAILED: 0x41,
  SAM_SELF_TEST_FAILED: 0x60,
  SAM_UNAUTHORIZED: 0x66,
} as const;

export interface Sw3Failure {
  sw3: number;
  code: IdCardErrorCode;
  scope: Sw3Scope;
}

/** Every failing SW3 of hardware.md §1.5. 0x90 (ok) and 0x9F (card found) are successes. */
export const SW3_FAILURES: readonly Sw3Failure[] = [
  { sw3: 0x91, code: 'HQ_ERR_IDCARD_NO_CONTENT', scope: 'card' },
  { sw3: 0x10, code: 'HQ_ERR_IDCARD_REQUEST_CHECKSUM', scope: 'link' },
  { sw3: 0x11, code: 'HQ_ERR_IDCARD_REQUEST_LENGTH', scope: 'link' },
  { sw3: 0x21, code: 'HQ_ERR_IDCARD_BAD_COMMAND', scope: 'command' },
  { sw3: 0x23, code: 'HQ_ERR_IDCARD_UNAUTHORIZED_OPERATION', scope: 'command' },
  { sw3: 0x24, code: 'HQ_ERR_IDCARD_UNRECOGNIZED_ERROR', scope: 'link' },
  { sw3: 0x31, code: 'HQ_ERR_IDCARD_CARD_AUTH_FAILED', scope: 'card' },
  { sw3: 0x32, code: 'HQ_ERR_IDCARD_SAM_AUTH_FAILED', scope: 'card' },
  { sw3: 0x33, code: 'HQ_ERR_IDCARD_INFO_VERIFY_FAILED', scope: 'card' },
  { sw3: 0x34, code: 'HQ_ERR_IDCARD_NOT_FOUND_YET', scope: 'card' },
  { sw3: 0x37, code: 'HQ_ERR_IDCARD_FINGERPRINT_VERIFY_FAILED', scope: 'card' },
  { sw3: 0x3f, code: 'HQ_ERR_IDCARD_INFO_LENGTH', scope: 'card' },
  { sw3: 0x40, code: 'HQ_ERR_IDCARD_UNKNOWN_CARD_TYPE', scope: 'card' },
  { sw3: 0x41, code: 'HQ_ERR_IDCARD_READ_FAILED', scope: 'card' },
  { sw3: 0x47, code: 'HQ_ERR_IDCARD_RANDOM_FAILED', scope: 'card' },
  { sw3: 0x60, code: 'HQ_ERR_IDCARD_SAM_SELF_TEST_FAILED', scope: 'sam' },
  { sw3: 0x66, code: 'HQ_ERR_IDCARD_SAM_UNAUTHORIZED', scope: 'sam' },
  { sw3: 0x80, code: 'HQ_ERR_IDCARD_FIND_FAILED', scope: 'card' },
  { sw3: 0x81, code: 'HQ_ERR_IDCARD_SELECT_FAILED', scope: 'card' },
];

const BY_SW3 = new Map(SW3_FAILURES.map((f) => [f.sw3, f]));

/** The typed error for a failing SW3. An SW3 outside the table is `HQ_ERR_IDCARD_STATUS_UNKNOWN` on the link. */
export function statusError(sw3: number, command: string): IdCardStatusError {
  const f = BY_SW3.get(sw3);
  return f ? new IdCardStatusError(f.code, sw3, f.scope, command) : new IdCardStatusError('HQ_ERR_IDCARD_STATUS_UNKNOWN', sw3, 'link', command);
}
