/**
 * The clip vocabulary of voice calling (语音叫号): every sound an announcement is built from.
 *
 * A clip id is also the file name of a recording that replaces the generated clip
 * (`config/voice/<id>.wav`, see config/voice/README.md), so ids are ASCII and stable: renaming one
 * silently drops a hall's recording.
 *
 * `say` is what espeak-ng (`cmn-latn-pinyin`) is given to generate the placeholder clip: toned
 * pinyin, one syllable per space-separated word, so each syllable keeps its citation tone. `hanzi`
 * is what the clip means, used for the Web Speech fallback sentence and the logs. Letters are read
 * the way a Mandarin speaker names the English letter (A 「诶」, K 「开」, W 「达不溜」); their `hanzi`
 * is the letter itself, since a browser voice reads a lone capital as its letter name.
 */

export const LETTER_IDS = [
  'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M',
  'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z',
] as const;
export type LetterClipId = (typeof LETTER_IDS)[number];

/** 零一二…九 in order, so `DIGIT_IDS[d]` reads digit d. */
export const DIGIT_IDS = ['ling', 'yi', 'er', 'san', 'si', 'wu', 'liu', 'qi', 'ba', 'jiu'] as const;
export type DigitClipId = (typeof DIGIT_IDS)[number];

/** Place words of cardinal numbers, and 幺, the "one" some halls use when reading digits. */
export const NUMERAL_IDS = ['shi', 'bai', 'qian', 'yao'] as const;
export type NumeralClipId = (typeof NUMERAL_IDS)[number];

/** Words a template may use (matched longest first, see reading.ts rule 4). */
export const WORD_IDS = ['qing', 'hao', 'dao', 'chuangkou', 'banli', 'jinkuai', 'zaici', 'hujiao', 'guke', 'yewu'] as const;
export type WordClipId = (typeof WORD_IDS)[number];

/** Made in code, not spoken: the ding-dong before an announcement, and a comma's pause. */
export const SYNTHETIC_IDS = ['chime', 'pause'] as const;
export type SyntheticClipId = (typeof SYNTHETIC_IDS)[number];

export type ClipId = LetterClipId | DigitClipId | NumeralClipId | WordClipId | SyntheticClipId;

export interface SpokenClip {
  kind: 'spoken';
  /** Toned pinyin for espeak-ng `cmn-latn-pinyin`. */
  say: string;
  /** The Chinese it stands for (the Web Speech sentence is built from these). */
  hanzi: string;
}
export interface SyntheticClip {
  kind: 'synthetic';
  hanzi: string;
}
export type ClipSpec = SpokenClip | SyntheticClip;

const spoken = (say: string, hanzi: string): SpokenClip => ({ kind: 'spoken', say, hanzi });

const LETTERS: Record<LetterClipId, SpokenClip> = {
  A: spoken('ei1', 'A'),
  B: spoken('bi1', 'B'),
  C: spoken('xi1', 'C'),
  D: spoken('di1', 'D'),
  E: spoken('yi1', 'E'),
  F: spoken('ai4 fu5', 'F'),
  G: spoken('ji1', 'G'),
  H: spoken('ai4 qi1', 'H'),
  I: spoken('ai1', 'I'),
  J: spoken('jie1', 'J'),
  K: spoken('kai1', 'K'),
  L: spoken('ai4 le5', 'L'),
  M: spoken('ai4 mu5', 'M'),
  N: spoken('en1', 'N'),
  O: spoken('ou1', 'O'),
  P: spoken('pi1', 'P'),
  // "kiu" is no pinyin syllable, but espeak-ng reads it kh'iou55, the Mandarin name of Q.
  Q: spoken('kiu1', 'Q'),
  R: spoken('a4 er3', 'R'),
  S: spoken('ai4 si1', 'S'),
  T: spoken('ti1', 'T'),
  U: spoken('you1', 'U'),
  V: spoken('wei1', 'V'),
  W: spoken('da2 bu5 liu5', 'W'),
  X: spoken('ai4 ke4 si1', 'X'),
  Y: spoken('wai1', 'Y'),
  Z: spoken('zei4', 'Z'),
};

const DIGITS: Record<DigitClipId, SpokenClip> = {
  ling: spoken('ling2', '零'),
  yi: spoken('yi1', '一'),
  er: spoken('er4', '二'),
  san: spoken('san1', '三'),
  si: spoken('si4', '四'),
  wu: spoken('wu3', '五'),
  liu: spoken('liu4', '六'),
  qi: spoken('qi1', '七'),
  ba: spoken('ba1', '八'),
  jiu: spoken('jiu3', '九'),
};

const NUMERALS: Record<NumeralClipId, SpokenClip> = {
  shi: spoken('shi2', '十'),
  bai: spoken('bai3', '百'),
  qian: spoken('qian1', '千'),
  yao: spoken('yao1', '幺'),
};

const WORDS: Record<WordClipId, SpokenClip> = {
  qing: spoken('qing3', '请'),
  hao: spoken('hao4', '号'),
  dao: spoken('dao4', '到'),
  chuangkou: spoken('chuang1 kou3', '窗口'),
  banli: spoken('ban4 li3', '办理'),
  jinkuai: spoken('jin3 kuai4', '尽快'),
  zaici: spoken('zai4 ci4', '再次'),
  hujiao: spoken('hu1 jiao4', '呼叫'),
  guke: spoken('gu4 ke4', '顾客'),
  yewu: spoken('ye4 wu4', '业务'),
};

const SYNTHETIC: Record<SyntheticClipId, SyntheticClip> = {
  chime: { kind: 'synthetic', hanzi: '' },
  pause: { kind: 'synthetic', hanzi: ',' },
};

/** Every clip, by id. */
export const CLIPS: Readonly<Record<ClipId, ClipSpec>> = { ...LETTERS, ...DIGITS, ...NUMERALS, ...WORDS, ...SYNTHETIC };

export const ALL_CLIP_IDS: readonly ClipId[] = [...LETTER_IDS, ...DIGIT_IDS, ...NUMERAL_IDS, ...WORD_IDS, ...SYNTHETIC_IDS];

export function isClipId(s: string): s is ClipId {
  return Object.hasOwn(CLIPS, s);
}

export function isLetter(ch: string): ch is LetterClipId {
  return ch.length === 1 && ch >= 'A' && ch <= 'Z';
}

/** Template words by their Chinese text, for the template tokenizer. */
export const WORDS_BY_HANZI: ReadonlyMap<string, WordClipId> = new Map(WORD_IDS.map((id) => [WORDS[id].hanzi, id]));
