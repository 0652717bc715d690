import { VoiceError } from './errors.ts';
import { CLIPS, DIGIT_IDS, isLetter, WORDS_BY_HANZI, type ClipId, type DigitClipId } from './vocabulary.ts';

/**
 * How a call is read aloud (pure: no I/O, no clock).
 *
 * The rules, each pinned by reading.test.ts:
 *
 * 1. **Ticket numbers are read letter by letter, then digit by digit, then 号**, leading zeros
 *    included, because that is what the ticket and the wall show: `A012` → 「A零一二号」,
 *    `A100` → 「A一零零号」 (never 「A一百号」). Letters are clips of their own (A–Z). `1` is 一 by
 *    default; `one: 'yao'` reads it 幺 as some halls do (「A零幺二号」).
 * 2. **Window numbers are read as cardinals, then 号**: 1 「一号」, 10 「十号」, 12 「十二号」,
 *    20 「二十号」, 21 「二十一号」, 100 「一百号」, 101 「一百零一号」, 110 「一百一十号」. The 一 of
 *    十 is dropped only when 十 leads (十二 but 一百一十); a run of inner zeros is one 零 (一千零一);
 *    trailing zeros are silent (二百); 2 is 二 in every place (二百, not 两百). 0 … 9999.
 * 3. **A template has `{number}` and `{window}` exactly once each.** Both readings end in 号, and a
 *    号 written right after a placeholder is that same 号, so it is not read twice:
 *    "请{number}号到{window}号窗口办理" and "请{number}到{window}窗口办理" give the same plan.
 * 4. **The rest of a template is matched, longest word first, against the clip words**
 *    (请 号 到 窗口 办理 尽快 再次 呼叫 顾客 业务). Spaces are ignored; a run of punctuation
 *    (，,、。；;：:！!) is one `pause` clip, and none at the end. Any other text is an error that names
 *    it: a hall that wants a new word needs a clip for it in vocabulary.ts.
 * 5. **The plan starts with `chime`** unless the chime is turned off.
 */

/** What a piece of an announcement sounds like (clips) and says (Chinese, for Web Speech). */
export interface Reading {
  clips: ClipId[];
  text: string;
}

export interface ReadingRules {
  /** How the digit 1 is read in ticket numbers: 一 (default) or 幺. Window numbers always use 一. */
  one: 'yi' | 'yao';
}

export const DEFAULT_READING_RULES: ReadingRules = { one: 'yi' };

const hanzi = (clips: readonly ClipId[]) => clips.map((id) => CLIPS[id].hanzi).join('');
const reading = (clips: ClipId[]): Reading => ({ clips, text: hanzi(clips) });

function digitClip(d: number): DigitClipId {
  const id = DIGIT_IDS[d];
  if (id === undefined) throw new RangeError(`not a digit: ${d}`);
  return id;
}

/** Digit by digit: '012' → 零一二. */
export function readDigits(digits: string, rules: ReadingRules = DEFAULT_READING_RULES): Reading {
  if (!/^[0-9]+$/.test(digits)) throw new VoiceError('HQ_ERR_VOICE_NUMBER', `not a digit string: ${JSON.stringify(digits)}`);
  const clips: ClipId[] = [...digits].map((ch) => (ch === '1' && rules.one === 'yao' ? 'yao' : digitClip(Number(ch))));
  return reading(clips);
}

const PLACES = [
  { value: 1000, unit: 'qian' },
  { value: 100, unit: 'bai' },
  { value: 10, unit: 'shi' },
  { value: 1, unit: null },
] as const;

/** The Chinese cardinal reading of 0 … 9999 (rule 2, without 号). */
export function readCardinal(n: number): Reading {
  if (!Number.isInteger(n) || n < 0 || n > 9999) {
    throw new VoiceError('HQ_ERR_VOICE_NUMBER', `window numbers are read from 0 to 9999, not ${n}`);
  }
  if (n === 0) return reading(['ling']);
  const clips: ClipId[] = [];
  let started = false;
  let zeroPending = false;
  for (const { value, unit } of PLACES) {
    const d = Math.floor(n / value) % 10;
    if (d === 0) {
      if (started) zeroPending = true;
      continue;
    }
    if (zeroPending) clips.push('ling');
    zeroPending = false;
    // 十二, not 一十二; but 一百一十 keeps its 一.
    if (!(unit === 'shi' && d === 1 && !started)) clips.push(digitClip(d));
    if (unit) clips.push(unit);
    started = true;
  }
  return reading(clips);
}

/** A ticket number as called (rule 1): 'A012' → 「A零一二号」. */
export function readNumber(number: string, rules: ReadingRules = DEFAULT_READING_RULES): Reading {
  const m = /^([A-Z]*)([0-9]+)$/.exec(number);
  if (!m) {
    throw new VoiceError('HQ_ERR_VOICE_NUMBER', `ticket number ${JSON.stringify(number)} is not capital letters followed by digits`);
  }
  const letters = [...(m[1] ?? '')].filter(isLetter);
  return reading([...letters, ...readDigits(m[2] ?? '', rules).clips, 'hao']);
}

/** A window number as called (rule 2): 12 → 「十二号」. */
export function readWindow(windowNumber: number): Reading {
  return reading([...readCardinal(windowNumber).clips, 'hao']);
}

/// Templates

export type TemplatePart =
  | { kind: 'number' }
  | { kind: 'window' }
  /** Literal template text: `raw` as written less a 号 swallowed by rule 3 (for captions), `clips` as read. */
  | { kind: 'text'; raw: string; clips: ClipId[] };

export const DEFAULT_TEMPLATE = '请{number}号到{window}号窗口办理';
/** [inferred] The seeds have no recall wording (hall-rules §19); "please come quickly" is ours. */
export const DEFAULT_RECALL_TEMPLATE = '请{number}号尽快到{window}号窗口办理';
/** At a peak: the same call without 请 and 办理 (1.2 s of a 5.2 s play), so the hall hears more calls a minute. */
export const DEFAULT_BUSY_TEMPLATE = '{number}号到{window}号窗口';
export const DEFAULT_BUSY_RECALL_TEMPLATE = '{number}号尽快到{window}号窗口';

const PUNCTUATION = /[，,、。；;：:！!]/;
const MAX_WORD = Math.max(...[...WORDS_BY_HANZI.keys()].map((w) => w.length));

/** The longest clip word starting at `i`. */
function wordAt(template: string, i: number): { id: ClipId; text: string } | null {
  for (let len = Math.min(MAX_WORD, template.length - i); len > 0; len--) {
    const text = template.slice(i, i + len);
    const id = WORDS_BY_HANZI.get(text);
    if (id) return { id, text };
  }
  return null;
}

function templateError(template: string, why: string): VoiceError {
  return new VoiceError('HQ_ERR_VOICE_TEMPLATE', `call template ${JSON.stringify(template)}: ${why}`);
}

/** Splits a template into placeholders and clip words (rules 3 and 4); throws on what it cannot read. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const seen = { number: 0, window: 0 };
  let i = 0;
  let afterPlaceholder = false;
  const pushText = (raw: string, clips: ClipId[]) => {
    const last = parts.at(-1);
    if (last?.kind === 'text') {
      last.raw += raw;
      last.clips.push(...clips);
    } else parts.push({ kind: 'text', raw, clips });
  };
  while (i < template.length) {
    const ch = template[i] ?? '';
    if (ch === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw templateError(template, `unclosed { at position ${i}`);
      const name = template.slice(i + 1, end);
      if (name !== 'number' && name !== 'window') {
        throw templateError(template, `unknown placeholder {${name}}; use {number} and {window}`);
      }
      seen[name]++;
      parts.push({ kind: name });
      i = end + 1;
      afterPlaceholder = true;
      continue;
    }
    if (/\s/.test(ch)) {
      pushText(ch, []);
      i++;
      continue;
    }
    if (afterPlaceholder && ch === '号') {
      // Rule 3: the reading already ends in 号 (and so does the caption's number).
      pushText('', []);
      i++;
      afterPlaceholder = false;
      continue;
    }
    afterPlaceholder = false;
    if (PUNCTUATION.test(ch)) {
      const last = parts.at(-1);
      pushText(ch, last?.kind === 'text' && last.clips.at(-1) === 'pause' ? [] : ['pause']);
      i++;
      continue;
    }
    const word = wordAt(template, i);
    if (!word) {
      let end = i + 1;
      while (end < template.length && !wordAt(template, end) && !/[\s{]/.test(template[end] ?? '') && !PUNCTUATION.test(template[end] ?? '')) end++;
      throw templateError(
        template,
        `no clip for 「${template.slice(i, end)}」 at position ${i}; templates may use ${[...WORDS_BY_HANZI.keys()].join(' ')}, punctuation and {number} {window}`,
      );
    }
    pushText(word.text, [word.id]);
    i += word.text.length;
  }
  for (const name of ['number', 'window'] as const) {
    if (seen[name] !== 1) throw templateError(template, `needs {${name}} exactly once (found ${seen[name]})`);
  }
  // No pause at the very end: silence there only delays the next announcement.
  const last = parts.at(-1);
  if (last?.kind === 'text') {
    while (last.clips.at(-1) === 'pause') last.clips.pop();
  }
  return parts;
}

/// Plans

export interface PlanRules extends ReadingRules {
  template: readonly TemplatePart[];
  recallTemplate: readonly TemplatePart[];
  chime: boolean;
}

export interface CallToRead {
  number: string;
  windowId: number;
  recall: boolean;
}

export interface AnnouncementPlan {
  /** The clips to play, in order: `['chime', 'qing', 'A', 'ling', 'yi', 'er', 'hao', 'dao', …]`. */
  clips: ClipId[];
  /** The sentence for Web Speech (zh-CN), digits spelt out as read: 「请A零一二号到十二号窗口办理」. */
  speech: string;
  /** The sentence as written, for a caption: 「请A012号到12号窗口办理」. */
  caption: string;
}

export function planRules(opts: { template: string; recallTemplate: string; chime: boolean; one: 'yi' | 'yao' }): PlanRules {
  return { template: parseTemplate(opts.template), recallTemplate: parseTemplate(opts.recallTemplate), chime: opts.chime, one: opts.one };
}

export const DEFAULT_PLAN_RULES: PlanRules = planRules({ template: DEFAULT_TEMPLATE, recallTemplate: DEFAULT_RECALL_TEMPLATE, chime: true, one: 'yi' });

/** The clip plan of one call: chime, then the template with the call's readings filled in. */
export function planAnnouncement(call: CallToRead, rules: PlanRules = DEFAULT_PLAN_RULES): AnnouncementPlan {
  const number = readNumber(call.number, rules);
  const window = readWindow(call.windowId);
  const clips: ClipId[] = rules.chime ? ['chime'] : [];
  let speech = '';
  let caption = '';
  for (const part of call.recall ? rules.recallTemplate : rules.template) {
    switch (part.kind) {
      case 'number':
        clips.push(...number.clips);
        speech += number.text;
        caption += `${call.number}号`;
        break;
      case 'window':
        clips.push(...window.clips);
        speech += window.text;
        caption += `${call.windowId}号`;
        break;
      case 'text':
        clips.push(...part.clips);
        caption += part.raw;
        speech += part.raw.replace(/\s+/g, '');
        break;
      default: {
        const _: never = part;
        return _;
      }
    }
  }
  return { clips, speech, caption: caption.trim() };
}
