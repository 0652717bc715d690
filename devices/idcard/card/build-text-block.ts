import type { IdCardFields } from './id-card-fields.ts';
import { CARD_TYPE_FLAG, type Field, FOREIGN_LAYOUT, RESIDENT_LAYOUT, TEXT_BLOCK_SIZE } from './text-block-layout.ts';

/** What a card holds: the parsed fields minus what the parser derives. */
export type TextBlockInput = Omit<IdCardFields, 'layoutVerified'>;

/**
 * The inverse of parseTextBlock, for the simulator and tests: UCS-2LE, right-padded with spaces.
 * Throws TypeError when a value does not fit its field.
 */
export function buildTextBlock(card: TextBlockInput): Buffer {
  const block = Buffer.alloc(TEXT_BLOCK_SIZE, Buffer.from(' ', 'utf16le'));
  const put = (f: Field, value: string, name: string): void => {
    const bytes = Buffer.from(value, 'utf16le');
    if (bytes.length > f[1]) throw new TypeError(`"${name}" is ${bytes.length / 2} characters; the field holds ${f[1] / 2}`);
    bytes.copy(block, f[0]);
  };
  if (card.cardType === 'I') {
    const L = FOREIGN_LAYOUT;
    put(L.nameEn, card.foreign?.nameEn ?? '', 'foreign.nameEn');
    put(L.gender, card.gender, 'gender');
    put(L.idNumber, card.idNumber, 'idNumber');
    put(L.nationality, card.foreign?.nationality ?? '', 'foreign.nationality');
    put(L.name, card.name, 'name');
    put(L.validFrom, card.validFrom, 'validFrom');
    put(L.validUntil, card.validUntil, 'validUntil');
    put(L.birth, card.birth, 'birth');
    put(L.cardVersion, card.foreign?.cardVersion ?? '', 'foreign.cardVersion');
    put(L.authorityCode, card.authority, 'authority');
    put(CARD_TYPE_FLAG, 'I', 'cardType');
    return block;
  }
  const L = RESIDENT_LAYOUT;
  put(L.name, card.name, 'name');
  put(L.gender, card.gender, 'gender');
  put(L.nation, card.nation, 'nation');
  put(L.birth, card.birth, 'birth');
  put(L.address, card.address, 'address');
  put(L.idNumber, card.idNumber, 'idNumber');
  put(L.authority, card.authority, 'authority');
  put(L.validFrom, card.validFrom, 'validFrom');
  put(L.validUntil, card.validUntil, 'validUntil');
  if (card.cardType === 'J') {
    put(L.passNumber, card.permit?.passNumber ?? '', 'permit.passNumber');
    put(L.issueCount, card.permit?.issueCount ?? '', 'permit.issueCount');
    put(CARD_TYPE_FLAG, 'J', 'cardType');
  }
  return block;
}
