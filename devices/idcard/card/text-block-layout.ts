/**
 * Byte offsets of the 256-byte UCS-2LE text block (hardware.md §1.6). Every field is right-padded
 * with U+0020. [offset, length in bytes].
 *
 * The resident layout is the same in every public source. The 'J' extras and the whole 'I' layout
 * come from one public header (`tagIDCardInfor` / `tagIDForeigner` structs), not yet checked
 * against a real card, which is why parsed I/J reads say `layoutVerified: false`.
 */
export type Field = readonly [offset: number, length: number];

export const TEXT_BLOCK_SIZE = 256;

/** 'I'/'J' in UCS-2 at 248; spaces (or zeros) on resident cards. */
export const CARD_TYPE_FLAG: Field = [248, 2];

/** 居民身份证; also 港澳台居民居住证 ('J'), which adds the pass number and issue count. */
export const RESIDENT_LAYOUT = {
  name: [0, 30],
  gender: [30, 2],
  nation: [32, 4],
  birth: [36, 16],
  address: [52, 70],
  idNumber: [122, 36],
  authority: [158, 30],
  validFrom: [188, 16],
  validUntil: [204, 16],
  passNumber: [220, 18],
  issueCount: [238, 4],
} as const satisfies Record<string, Field>;

/** 外国人永久居留身份证, 2017 edition ('I'). */
export const FOREIGN_LAYOUT = {
  nameEn: [0, 120],
  gender: [120, 2],
  idNumber: [122, 30],
  nationality: [152, 6],
  name: [158, 30],
  validFrom: [188, 16],
  validUntil: [204, 16],
  birth: [220, 16],
  cardVersion: [236, 4],
  authorityCode: [240, 8],
} as const satisfies Record<string, Field>;
