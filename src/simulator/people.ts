import type { Holder } from '../domain/state.ts';
import { CardReads } from '../personal/card-reads.ts';
import { maskPhone, withCheckDigit } from '../personal/id-number.ts';
import { Rng } from './rng.ts';

/**
 * Residents: resident `k` of a seed is always the same person (name, ID number, phone), drawn from
 * that seed and `k` alone, so nobody has to be stored. ID numbers are valid GB 11643 numbers (region,
 * birth date, sequence with the sex digit, ISO 7064 check); they exist only here, in memory, and go
 * through `CardReads` as the kiosk's reader would hand them over: hashed, masked, dropped.
 */
export interface Resident {
  index: number;
  name: string;
  idNumber: string;
  birthYear: number;
  phone: string;
}

const SURNAMES: [string, number][] = [
  ['王', 72], ['李', 72], ['张', 70], ['刘', 55], ['陈', 46], ['杨', 32], ['黄', 23], ['赵', 22], ['吴', 21], ['周', 21],
  ['徐', 17], ['孙', 16], ['马', 15], ['朱', 14], ['胡', 13], ['郭', 12], ['何', 12], ['林', 11], ['罗', 11], ['高', 11],
  ['郑', 10], ['梁', 9], ['谢', 8], ['宋', 7], ['唐', 7], ['许', 7], ['韩', 7], ['冯', 7], ['邓', 7], ['曹', 6],
  ['彭', 6], ['曾', 6], ['肖', 5], ['田', 5], ['董', 5], ['袁', 5], ['潘', 5], ['蒋', 4], ['蔡', 4], ['余', 4],
  ['杜', 4], ['叶', 4], ['程', 4], ['苏', 4], ['魏', 4], ['吕', 4], ['丁', 4], ['任', 4], ['沈', 3], ['姚', 3],
  ['欧阳', 1], ['司马', 0.3], ['上官', 0.3],
];
const SURNAME_WEIGHTS = SURNAMES.map(([, w]) => w);
const GIVEN_M = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩俊峰建国志文德春林海龙成亮新兵东';
const GIVEN_F = '芳娜敏静丽艳娟霞秀英玲燕萍红梅琳雪莉婷慧佳颖倩洁云丹兰凤琴桂珍月';

export class People {
  readonly #regions: string[];
  readonly #regionWeights: number[];
  readonly #ageWeights: number[];

  constructor(
    private readonly seed: string,
    private readonly refYear: number,
    regions: [string, number][],
    private readonly ages: [number, number, number][],
  ) {
    this.#regions = regions.map(([r]) => r);
    this.#regionWeights = regions.map(([, w]) => w);
    this.#ageWeights = ages.map(([, , w]) => w);
  }

  resident(index: number): Resident {
    const rng = Rng.stream(this.seed, 'resident', index);
    const region = this.#regions[rng.weighted(this.#regionWeights)]!;
    const [from, to] = this.ages[rng.weighted(this.#ageWeights)]!;
    const age = from + rng.int(to - from + 1);
    const birthYear = this.refYear - age;
    const month = 1 + rng.int(12);
    const day = 1 + rng.int(daysIn(birthYear, month));
    const male = rng.chance(0.5);
    // Sequence: two digits of the police station's order, then the sex digit (odd: male).
    const order = rng.int(100);
    const sexDigit = 2 * rng.int(5) + (male ? 1 : 0);
    const body = `${region}${birthYear}${pad2(month)}${pad2(day)}${pad2(order)}${sexDigit}`;
    const surname = SURNAMES[rng.weighted(SURNAME_WEIGHTS)]![0];
    const pool = male ? GIVEN_M : GIVEN_F;
    const given = rng.chance(0.75) ? pool[rng.int(pool.length)]! + pool[rng.int(pool.length)]! : pool[rng.int(pool.length)]!;
    const phone = `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(1e9)).padStart(9, '0')}`;
    return { index, name: surname + given, idNumber: withCheckDigit(body), birthYear, phone };
  }
}

/** A card placed on the kiosk's reader, as the hub takes it: a token, then the holder behind it. */
export function holderOf(cards: CardReads, r: Resident): Holder {
  // The holder the kiosk's card read would name; no session token, which only a kiosk needs.
  return cards.holderOf({ name: r.name, idNumber: r.idNumber });
}

export function maskedPhoneOf(r: Resident): string {
  return maskPhone(r.phone);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
