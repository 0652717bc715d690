import { describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../../test/support/upstream-testing.ts';
import { signatureMatches, signBody } from './http-post.ts';

describe('signatureMatches', () => {
  const body = '{"serviceNumber":"s1","satisfaction":"5"}';

  it('takes the signature of these bytes, in either case of hex', () => {
    expect(signatureMatches(TEST_SECRET, body, signBody(TEST_SECRET, body))).toBe(true);
    expect(signatureMatches(TEST_SECRET, Buffer.from(body), signBody(TEST_SECRET, body).toUpperCase())).toBe(true);
  });

  it('refuses another body, another secret, a missing or malformed header', () => {
    expect(signatureMatches(TEST_SECRET, `${body} `, signBody(TEST_SECRET, body))).toBe(false);
    expect(signatureMatches(TEST_SECRET, body, signBody('another-secret-0123456789', body))).toBe(false);
    for (const header of [undefined, '', 'zz'.repeat(32), signBody(TEST_SECRET, body).slice(2), ['a'], 42]) expect(signatureMatches(TEST_SECRET, body, header)).toBe(false);
  });
});
