import { describe, expect, it } from 'vitest';
import { withCheckDigit } from './id-number.ts';
import { IdCardDataError } from '../status/errors.ts';
import { exampleCard } from '../simulator/sim-card.ts';
import { buildTextBlock } from './build-text-block.ts';
import { parseTextBlock } from './parse-text-block.ts';

/** Writes a UCS-2LE string at a byte offset of a space-filled block, as a reader would deliver it. */
function blockWith(fields: [offset: number, text: string][]): Buffer {
  const block = Buffer.alloc(256, Buffer.from(' ', 'utf16le'));
  for (const [offset, text] of fields) Buffer.from(text, 'utf16le').copy(block, offset);
  return block;
}

const RESIDENT: [number, string][] = [
  [0, '张三'],
  [30, '1'],
  [32, '01'],
  [36, '19491231'],
  [52, '北京市西城区某某街道1号'],
  [122, '11010519491231002X'],
  [158, '北京市公安局西城分局'],
  [188, '20200101'],
  [204, '20400101'],
];

describe('parseTextBlock: resident card (hardware.md §1.6 offsets)', () => {
  it('reads every field at its offset and trims the padding', () => {
    expect(parseTextBlock(blockWith(RESIDENT))).toEqual({
      cardType: 'resident',
      name: '张三',
      gender: '1',
      nation: '01',
      birth: '19491231',
      address: '北京市西城区某某街道1号',
      idNumber: '11010519491231002X',
      authority: '北京市公安局西城分局',
      validFrom: '20200101',
      validUntil: '20400101',
      layoutVerified: true,
    });
  });

  it('accepts 长期 as the expiry, and a lowercase x check character', () => {
    const block = blockWith([...RESIDENT, [204, '长期      '], [122, '11010519491231002x']]);
    expect(parseTextBlock(block)).toMatchObject({ validUntil: '长期', idNumber: '11010519491231002X' });
  });

  it('takes zero padding as well as spaces', () => {
    const block = blockWith(RESIDENT);
    block.fill(0, 4, 30); // after '张三'
    block.fill(0, 220, 256);
    expect(parseTextBlock(block)).toMatchObject({ name: '张三', cardType: 'resident' });
  });

  it('an ID number with a wrong check character is a typed error that does not carry the number', () => {
    const block = blockWith([...RESIDENT, [122, '110105194912310021']]);
    let err: unknown;
    try {
      parseTextBlock(block);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IdCardDataError);
    expect(err).toMatchObject({ code: 'HQ_ERR_IDCARD_ID_NUMBER_INVALID', field: 'idNumber', retryable: false, messageZh: '公民身份号码校验失败' });
    expect((err as Error).message).not.toContain('110105194912310021');
    // Masked as the device masks for logs: the last four only, never the region code.
    expect((err as Error).message).toContain('**************0021');
    expect((err as Error).message).not.toContain('1101');
  });

  it.each([
    ['validUntil', 204, '2040-1-1'],
    ['validUntil', 204, '永久'],
    ['birth', 36, '1949123'],
    ['validFrom', 188, ''],
  ])('a malformed %s is a typed error', (field, offset, value) => {
    const block = blockWith(RESIDENT);
    block.fill(Buffer.from(' ', 'utf16le'), offset, offset + 16);
    Buffer.from(value, 'utf16le').copy(block, offset);
    expect(() => parseTextBlock(block)).toThrow(expect.objectContaining({ code: 'HQ_ERR_IDCARD_TEXT_INVALID', field }));
  });

  it('a short block is a typed error', () => {
    expect(() => parseTextBlock(Buffer.alloc(100))).toThrow(expect.objectContaining({ code: 'HQ_ERR_IDCARD_TEXT_INVALID' }));
  });
});

describe('parseTextBlock: I and J cards', () => {
  it("'J' (港澳台居民居住证): resident layout plus pass number and issue count, marked unverified", () => {
    const id = withCheckDigit('81000019900101123');
    const block = blockWith([...RESIDENT, [122, id], [220, 'H12345678'], [238, '01'], [248, 'J']]);
    expect(parseTextBlock(block)).toMatchObject({
      cardType: 'J',
      idNumber: id,
      layoutVerified: false,
      permit: { passNumber: 'H12345678', issueCount: '01' },
    });
  });

  it("'I' (外国人永久居留身份证 2017): its own layout, marked unverified", () => {
    const block = blockWith([
      [0, 'SMITH, JOHN'],
      [120, '1'],
      [122, 'USA110019800101'],
      [152, 'USA'],
      [158, '史密斯'],
      [188, '20200101'],
      [204, '20300101'],
      [220, '19800101'],
      [236, '01'],
      [240, '1500'],
      [248, 'I'],
    ]);
    expect(parseTextBlock(block)).toEqual({
      cardType: 'I',
      name: '史密斯',
      gender: '1',
      nation: '',
      birth: '19800101',
      address: '',
      idNumber: 'USA110019800101',
      authority: '1500',
      validFrom: '20200101',
      validUntil: '20300101',
      layoutVerified: false,
      foreign: { nameEn: 'SMITH, JOHN', nationality: 'USA', cardVersion: '01' },
    });
  });

  it('an unknown card-type flag (e.g. the 2023 foreign card, Y) is refused, not misread', () => {
    expect(() => parseTextBlock(blockWith([...RESIDENT, [248, 'Y']]))).toThrow(
      expect.objectContaining({ code: 'HQ_ERR_IDCARD_CARD_TYPE_UNSUPPORTED', field: 'cardType' }),
    );
  });
});

describe('buildTextBlock (the simulator side)', () => {
  it('round-trips through parseTextBlock for all three card types', () => {
    const resident = exampleCard();
    expect(parseTextBlock(buildTextBlock(resident))).toEqual({ ...resident, layoutVerified: true });
    const j = exampleCard({ cardType: 'J', idNumber: withCheckDigit('82000019851212002'), permit: { passNumber: 'M87654321', issueCount: '02' } });
    expect(parseTextBlock(buildTextBlock(j))).toEqual({ ...j, layoutVerified: false });
    const i = exampleCard({ cardType: 'I', name: '', nation: '', address: '', authority: '1500', idNumber: 'CAN310019700505', foreign: { nameEn: 'DOE, JANE', nationality: 'CAN', cardVersion: '01' } });
    expect(parseTextBlock(buildTextBlock(i))).toEqual({ ...i, name: 'DOE, JANE', layoutVerified: false });
  });

  it('matches the hand-placed bytes of the resident layout exactly', () => {
    expect(buildTextBlock(exampleCard())).toEqual(blockWith(RESIDENT));
  });

  it('refuses a value longer than its field', () => {
    expect(() => buildTextBlock(exampleCard({ name: '一二三四五六七八九十一二三四五六' }))).toThrow(/"name" is 16 characters; the field holds 15/);
  });
});
