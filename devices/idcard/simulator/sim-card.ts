import type { TextBlockInput } from '../card/build-text-block.ts';

/** A card the simulator can hold: the text fields plus the opaque blocks. */
export interface SimCard extends TextBlockInput {
  /** 1024 bytes; a recognisable dummy pattern when absent. */
  photo?: Buffer;
  /** 1024 bytes; without it `readWithFingerprint` answers SW3 0x91. */
  fingerprint?: Buffer;
  /** 追加住址 (up to 35 characters); without it `readNewAddress` answers SW3 0x91. */
  newAddress?: string;
}

/** The GB 11643 example number's holder, as in hardware.md §1.8. */
export function exampleCard(overrides: Partial<SimCard> = {}): SimCard {
  return {
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
    ...overrides,
  };
}

/** 1024 bytes that are obviously not a real WLT photo. */
export function dummyPhoto(): Buffer {
  const photo = Buffer.alloc(1024);
  for (let i = 0; i < photo.length; i++) photo[i] = (i * 7 + 3) & 0xff;
  return photo;
}
