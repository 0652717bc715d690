import { IdCardDataError } from '../status/errors.ts';
import { type CardType, type IdCardFields, LONG_TERM } from './id-card-fields.ts';
import { isValidIdNumber, maskIdNumber } from './id-number.ts';
import { CARD_TYPE_FLAG, type Field, FOREIGN_LAYOUT, RESIDENT_LAYOUT, TEXT_BLOCK_SIZE } from './text-block-layout.ts';

/**
 * Parses the 256-byte UCS-2LE text block. Throws IdCardDataError when the card type is not
 * supported, a date is malformed, or the ID number fails its check (the message masks it).
 */
export function parseTextBlock(block: Buffer): IdCardFields {
  if (block.length < TEXT_BLOCK_SIZE) throw new IdCardDataError('HQ_ERR_IDCARD_TEXT_INVALID', 'block', `${block.length} bytes, expected ${TEXT_BLOCK_SIZE}`);
  const cardType = cardTypeOf(block);
  return cardType === 'I' ? parseForeign(block) : parseResident(block, cardType);
}

function field(block: Buffer, [offset, length]: Field): string {
  return block
    .toString('utf16le', offset, offset + length)
    .replace(/^[\u0020\u0000]+|[\u0020\u0000]+$/g, '');
}

function cardTypeOf(block: Buffer): CardType {
  const flag = field(block, CARD_TYPE_FLAG);
  if (flag === '') return 'resident';
  if (flag === 'I' || flag === 'J') return flag;
  // 'Y' is the 2023 foreign permanent-resident card, whose layout differs again.
  throw new IdCardDataError('HQ_ERR_IDCARD_CARD_TYPE_UNSUPPORTED', 'cardType', `flag ${JSON.stringify(flag)}`);
}

function parseResident(block: Buffer, cardType: 'resident' | 'J'): IdCardFields {
  const L = RESIDENT_LAYOUT;
  const idNumber = field(block, L.idNumber).toUpperCase();
  if (!isValidIdNumber(idNumber)) throw invalidIdNumber(idNumber);
  const fields: IdCardFields = {
    cardType,
    name: required(block, L.name, 'name'),
    gender: field(block, L.gender),
    nation: field(block, L.nation),
    birth: date(block, L.birth, 'birth'),
    address: field(block, L.address),
    idNumber,
    authority: field(block, L.authority),
    validFrom: date(block, L.validFrom, 'validFrom'),
    validUntil: validUntil(block, L.validUntil),
    layoutVerified: cardType === 'resident',
  };
  if (cardType === 'J') fields.permit = { passNumber: field(block, L.passNumber), issueCount: field(block, L.issueCount) };
  return fields;
}

function parseForeign(block: Buffer): IdCardFields {
  const L = FOREIGN_LAYOUT;
  const idNumber = field(block, L.idNumber).toUpperCase();
  // 2017 cards: 3-letter nationality + 12 digits, no published check character. 18-character
  // numbers (newer cards) carry the GB 11643 check.
  const ok = idNumber.length === 18 ? isValidIdNumber(idNumber) : /^[A-Z]{3}\d{12}$/.test(idNumber);
  if (!ok) throw invalidIdNumber(idNumber);
  const nameEn = field(block, L.nameEn);
  const nameZh = field(block, L.name);
  if (!nameEn && !nameZh) throw new IdCardDataError('HQ_ERR_IDCARD_TEXT_INVALID', 'name', 'empty');
  return {
    cardType: 'I',
    name: nameZh || nameEn,
    gender: field(block, L.gender),
    nation: '',
    birth: date(block, L.birth, 'birth'),
    address: '',
    idNumber,
    authority: field(block, L.authorityCode),
    validFrom: date(block, L.validFrom, 'validFrom'),
    validUntil: validUntil(block, L.validUntil),
    layoutVerified: false,
    foreign: { nameEn, nationality: field(block, L.nationality), cardVersion: field(block, L.cardVersion) },
  };
}

function required(block: Buffer, f: Field, name: string): string {
  const v = field(block, f);
  if (!v) throw new IdCardDataError('HQ_ERR_IDCARD_TEXT_INVALID', name, 'empty');
  return v;
}

function date(block: Buffer, f: Field, name: string): string {
  const v = field(block, f);
  if (!/^\d{8}$/.test(v)) throw new IdCardDataError('HQ_ERR_IDCARD_TEXT_INVALID', name, `not YYYYMMDD: ${JSON.stringify(v)}`);
  return v;
}

/** YYYYMMDD, or 长期: the readers' SDKs look at the first character to tell them apart. */
function validUntil(block: Buffer, f: Field): string {
  const v = field(block, f);
  const startsWithDigit = /^\d/.test(v);
  if (startsWithDigit ? /^\d{8}$/.test(v) : v === LONG_TERM) return v;
  throw new IdCardDataError('HQ_ERR_IDCARD_TEXT_INVALID', 'validUntil', `neither YYYYMMDD nor ${LONG_TERM}: ${JSON.stringify(v)}`);
}

function invalidIdNumber(id: string): IdCardDataError {
  return new IdCardDataError('HQ_ERR_IDCARD_ID_NUMBER_INVALID', 'idNumber', id.length >= 8 ? maskIdNumber(id) : `${id.length} characters`);
}
