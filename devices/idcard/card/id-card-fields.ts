/** 'resident' 居民身份证; 'I' 外国人永久居留身份证 (2017); 'J' 港澳台居民居住证. */
export type CardType = 'resident' | 'I' | 'J';

/** `长期`: a card that does not expire (the word itself, as printed on the card). */
export const LONG_TERM = '长期';

/**
 * The text of one card. Structurally a `CardRead` (src/personal/card-reads.ts), so the hub can
 * hand it to `CardReads.accept` as is. Holds a full ID number: never log it (use maskIdNumber from id-number.ts: last four only).
 */
export interface IdCardFields {
  cardType: CardType;
  /** 姓名; on an 'I' card the Chinese name, or the English name when there is none. */
  name: string;
  /** GB/T 2261.1: '0' unknown, '1' male, '2' female, '9' unspecified. */
  gender: string;
  /** 民族 code '01'..'56', '97', '98'; empty on 'I' cards. */
  nation: string;
  /** YYYYMMDD */
  birth: string;
  /** 住址; empty on 'I' cards. */
  address: string;
  /** 18 characters (GB 11643, checked); on a 2017 'I' card the 15-character permanent-residence number. */
  idNumber: string;
  /** 签发机关; on an 'I' card the 4-digit authority code. */
  authority: string;
  /** YYYYMMDD */
  validFrom: string;
  /** YYYYMMDD or `长期`. */
  validUntil: string;
  /** False for 'I' and 'J': their layout comes from a single public source (card/text-block-layout.ts). */
  layoutVerified: boolean;
  /** 'I' cards only. */
  foreign?: { nameEn: string; nationality: string; cardVersion: string };
  /** 'J' cards only: 通行证号码 and 签发次数. */
  permit?: { passNumber: string; issueCount: string };
}
