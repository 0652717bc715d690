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

/**
 * The kiosk's spoken guidance: whole sentences, each its own clip (and recording), played by the
 * kiosk itself, never by the hall's announcement queue. `refuse_*` speak a refusal the screen shows.
 */
export const PROMPT_IDS = [
  'prompt_card',
  'prompt_choose',
  'prompt_take',
  'prompt_no_paper',
  'refuse_card',
  'refuse_closed',
  'refuse_full',
  'refuse_have',
  'refuse_late',
  'refuse_other',
] as const;
export type PromptClipId = (typeof PROMPT_IDS)[number];

/** Made in code, not spoken: the ding-dong before an announcement, and a comma's pause. */
export const SYNTHETIC_IDS = ['chime', 'pause'] as const;
export type SyntheticClipId = (typeof SYNTHETIC_IDS)[number];

export type ClipId = LetterClipId | DigitClipId | NumeralClipId | WordClipId | PromptClipId | SyntheticClipId;

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

const PROMPTS: Record<PromptClipId, SpokenClip> = {
  prompt_card: spoken('qing3 shua1 shen1 fen4 zheng4', '请刷身份证'),
  prompt_choose: spoken('qing3 xuan3 ze2 ye4 wu4', '请选择业务'),
  prompt_take: spoken('qing3 qu3 zou3 hao4 piao4', '请取走号票'),
  prompt_no_paper: spoken('hao4 piao4 mei2 you3 da3 yin4 qing3 ji4 xia4 ping2 mu4 shang4 de5 hao4 ma3', '号票没有打印，请记下屏幕上的号码'),
  refuse_card: spoken('ban4 li3 zhe4 ge4 ye4 wu4 xu1 yao4 shua1 shen1 fen4 zheng4', '办理这个业务需要刷身份证'),
  refuse_closed: spoken('zhe4 ge4 ye4 wu4 xian4 zai4 bu4 ban4 li3 qing3 kan4 ping2 mu4 shang4 de5 shi2 jian1', '这个业务现在不办理，请看屏幕上的时间'),
  refuse_full: spoken('zhe4 ge4 ye4 wu4 jin1 tian1 de5 hao4 yi3 jing1 qu3 wan2 le5', '这个业务今天的号已经取完了'),
  refuse_have: spoken('nin2 yi3 jing1 you3 zhe4 ge4 ye4 wu4 de5 hao4 le5 qing3 kan4 ping2 mu4', '您已经有这个业务的号了，请看屏幕'),
  refuse_late: spoken('jin1 tian1 deng3 hou4 hui4 chao1 guo4 xia4 ban1 shi2 jian1 qing3 gai3 tian1 zai4 lai2', '今天等候会超过下班时间，请改天再来'),
  refuse_other: spoken('zan4 shi2 bu4 neng2 qu3 hao4 qing3 kan4 ping2 mu4 ti2 shi4 huo4 dao4 dao3 ban4 tai2', '暂时不能取号，请看屏幕提示或到导办台'),
};

const SYNTHETIC: Record<SyntheticClipId, SyntheticClip> = {
  chime: { kind: 'synthetic', hanzi: '' },
  pause: { kind: 'synthetic', hanzi: ',' },
};

/** Every clip, by id. */
export const CLIPS: Readonly<Record<ClipId, ClipSpec>> = { ...LETTERS, ...DIGITS, ...NUMERALS, ...WORDS, ...PROMPTS, ...SYNTHETIC };

export const ALL_CLIP_IDS: readonly ClipId[] = [...LETTER_IDS, ...DIGIT_IDS, ...NUMERAL_IDS, ...WORD_IDS, ...PROMPT_IDS, ...SYNTHETIC_IDS];

export function isPromptId(s: string): s is PromptClipId {
  return (PROMPT_IDS as readonly string[]).includes(s);
}

/** The prompt that speaks a refusal the kiosk shows (by its error code). */
export function refusalPrompt(code: string): PromptClipId {
  switch (code) {
    case 'HQ_ERR_ID_CARD_REQUIRED':
      return 'refuse_card';
    case 'HQ_ERR_CATEGORY_CLOSED':
      return 'refuse_closed';
    case 'HQ_ERR_QUOTA_REACHED':
      return 'refuse_full';
    case 'HQ_ERR_ONE_PER_ID':
      return 'refuse_have';
    case 'HQ_ERR_WAIT_PAST_CLOSING':
      return 'refuse_late';
    default:
      return 'refuse_other';
  }
}

export function isClipId(s: string): s is ClipId {
  return Object.hasOwn(CLIPS, s);
}

export function isLetter(ch: string): ch is LetterClipId {
  return ch.length === 1 && ch >= 'A' && ch <= 'Z';
}

/** Template words by their Chinese text, for the template tokenizer. */
export const WORDS_BY_HANZI: ReadonlyMap<string, WordClipId> = new Map(WORD_IDS.map((id) => [WORDS[id].hanzi, id]));
