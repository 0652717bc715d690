import { describe, expect, it } from 'vitest';
import { VoiceError } from './errors.ts';
import {
  DEFAULT_PLAN_RULES,
  parseTemplate,
  planAnnouncement,
  planRules,
  readCardinal,
  readDigits,
  readNumber,
  readWindow,
  type PlanRules,
} from './reading.ts';
import { ALL_CLIP_IDS, CLIPS, isPromptId, LETTER_IDS, PROMPT_IDS } from './vocabulary.ts';

const words = (s: string) => s.split(' ');
const plan = (number: string, windowId: number, recall = false, rules: PlanRules = DEFAULT_PLAN_RULES) =>
  planAnnouncement({ number, windowId, recall }, rules);

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof VoiceError ? err.code : `not a VoiceError: ${String(err)}`;
  }
  return undefined;
};

describe('ticket numbers: letters, then digit by digit, then 号', () => {
  it.each([
    ['A012', 'A ling yi er hao', 'A零一二号'],
    ['A001', 'A ling ling yi hao', 'A零零一号'],
    ['A100', 'A yi ling ling hao', 'A一零零号'],
    ['B012', 'B ling yi er hao', 'B零一二号'],
    ['K120', 'K yi er ling hao', 'K一二零号'],
    ['Z999', 'Z jiu jiu jiu hao', 'Z九九九号'],
    ['C1000', 'C yi ling ling ling hao', 'C一零零零号'],
    ['W345', 'W san si wu hao', 'W三四五号'],
    ['AB067', 'A B ling liu qi hao', 'AB零六七号'],
    ['0123', 'ling yi er san hao', '零一二三号'],
    ['E818', 'E ba yi ba hao', 'E八一八号'],
  ])('%s → %s', (number, clips, text) => {
    expect(readNumber(number)).toEqual({ clips: words(clips), text });
  });

  it('reads 1 as 幺 when the hall asks for it, and only in ticket numbers', () => {
    expect(readNumber('A011', { one: 'yao' })).toEqual({ clips: words('A ling yao yao hao'), text: 'A零幺幺号' });
    const rules = planRules({ template: '请{number}号到{window}号窗口办理', recallTemplate: '请{number}号到{window}号窗口办理', chime: true, one: 'yao' });
    expect(plan('A001', 11, false, rules).clips).toEqual(words('chime qing A ling ling yao hao dao shi yi hao chuangkou banli'));
  });

  it.each(['', 'A', 'a012', 'A01B', 'A-12', 'A 12', '12.5', 'Ａ012'])('refuses %j', (number) => {
    expect(codeOf(() => readNumber(number))).toBe('HQ_ERR_VOICE_NUMBER');
  });

  it('readDigits keeps leading zeros', () => {
    expect(readDigits('007')).toEqual({ clips: words('ling ling qi'), text: '零零七' });
  });
});

describe('window numbers: Chinese cardinals, then 号', () => {
  it.each([
    [1, 'yi', '一'],
    [2, 'er', '二'],
    [3, 'san', '三'],
    [9, 'jiu', '九'],
    [10, 'shi', '十'],
    [11, 'shi yi', '十一'],
    [12, 'shi er', '十二'],
    [19, 'shi jiu', '十九'],
    [20, 'er shi', '二十'],
    [21, 'er shi yi', '二十一'],
    [30, 'san shi', '三十'],
    [99, 'jiu shi jiu', '九十九'],
    [100, 'yi bai', '一百'],
    [101, 'yi bai ling yi', '一百零一'],
    [105, 'yi bai ling wu', '一百零五'],
    [110, 'yi bai yi shi', '一百一十'],
    [111, 'yi bai yi shi yi', '一百一十一'],
    [120, 'yi bai er shi', '一百二十'],
    [200, 'er bai', '二百'],
    [210, 'er bai yi shi', '二百一十'],
    [999, 'jiu bai jiu shi jiu', '九百九十九'],
    [1000, 'yi qian', '一千'],
    [1001, 'yi qian ling yi', '一千零一'],
    [1010, 'yi qian ling yi shi', '一千零一十'],
    [1100, 'yi qian yi bai', '一千一百'],
    [2020, 'er qian ling er shi', '二千零二十'],
    [9999, 'jiu qian jiu bai jiu shi jiu', '九千九百九十九'],
  ])('%i → %s', (n, clips, text) => {
    expect(readCardinal(n)).toEqual({ clips: words(clips), text });
    expect(readWindow(n)).toEqual({ clips: [...words(clips), 'hao'], text: `${text}号` });
  });

  it('0 is 零', () => {
    expect(readCardinal(0)).toEqual({ clips: ['ling'], text: '零' });
  });

  it.each([-1, 1.5, 10_000, Number.NaN])('refuses %d', (n) => {
    expect(codeOf(() => readWindow(n))).toBe('HQ_ERR_VOICE_NUMBER');
  });
});

describe('golden clip plans, default template 请{number}号到{window}号窗口办理', () => {
  it.each([
    ['A012', 12, 'chime qing A ling yi er hao dao shi er hao chuangkou banli', '请A零一二号到十二号窗口办理', '请A012号到12号窗口办理'],
    ['A001', 1, 'chime qing A ling ling yi hao dao yi hao chuangkou banli', '请A零零一号到一号窗口办理', '请A001号到1号窗口办理'],
    ['A012', 3, 'chime qing A ling yi er hao dao san hao chuangkou banli', '请A零一二号到三号窗口办理', '请A012号到3号窗口办理'],
    ['B012', 10, 'chime qing B ling yi er hao dao shi hao chuangkou banli', '请B零一二号到十号窗口办理', '请B012号到10号窗口办理'],
    ['K120', 20, 'chime qing K yi er ling hao dao er shi hao chuangkou banli', '请K一二零号到二十号窗口办理', '请K120号到20号窗口办理'],
    ['C305', 21, 'chime qing C san ling wu hao dao er shi yi hao chuangkou banli', '请C三零五号到二十一号窗口办理', '请C305号到21号窗口办理'],
    ['D100', 100, 'chime qing D yi ling ling hao dao yi bai hao chuangkou banli', '请D一零零号到一百号窗口办理', '请D100号到100号窗口办理'],
    ['J010', 101, 'chime qing J ling yi ling hao dao yi bai ling yi hao chuangkou banli', '请J零一零号到一百零一号窗口办理', '请J010号到101号窗口办理'],
    ['H999', 110, 'chime qing H jiu jiu jiu hao dao yi bai yi shi hao chuangkou banli', '请H九九九号到一百一十号窗口办理', '请H999号到110号窗口办理'],
    ['G042', 7, 'chime qing G ling si er hao dao qi hao chuangkou banli', '请G零四二号到七号窗口办理', '请G042号到7号窗口办理'],
  ])('%s to window %i', (number, windowId, clips, speech, caption) => {
    expect(plan(number, windowId)).toEqual({ clips: words(clips), speech, caption });
  });

  it('a recall reads the recall template: 请…尽快到…', () => {
    expect(plan('A012', 3, true)).toEqual({
      clips: words('chime qing A ling yi er hao jinkuai dao san hao chuangkou banli'),
      speech: '请A零一二号尽快到三号窗口办理',
      caption: '请A012号尽快到3号窗口办理',
    });
  });

  it('without the chime the plan starts with the first word', () => {
    const rules = { ...DEFAULT_PLAN_RULES, chime: false };
    expect(plan('A012', 12, false, rules).clips).toEqual(words('qing A ling yi er hao dao shi er hao chuangkou banli'));
  });
});

describe('templates', () => {
  const rules = (template: string) => planRules({ template, recallTemplate: template, chime: false, one: 'yi' });

  it('never doubles 号: a 号 after a placeholder is the reading’s own', () => {
    const withHao = plan('A012', 12, false, rules('请{number}号到{window}号窗口办理'));
    const withoutHao = plan('A012', 12, false, rules('请{number}到{window}窗口办理'));
    expect(withHao.clips).toEqual(withoutHao.clips);
    expect(withHao.clips.filter((c) => c === 'hao')).toHaveLength(2);
    expect(withHao.speech).toBe('请A零一二号到十二号窗口办理');
    expect(withoutHao.speech).toBe('请A零一二号到十二号窗口办理');
    expect(withHao.caption).toBe('请A012号到12号窗口办理');
    expect(withoutHao.caption).toBe('请A012号到12号窗口办理');
  });

  it('spaces do not separate a placeholder from its 号', () => {
    expect(plan('A012', 3, false, rules('请 {number} 号 到 {window} 号窗口办理')).clips).toEqual(words('qing A ling yi er hao dao san hao chuangkou banli'));
  });

  it('a 号 elsewhere is read', () => {
    expect(plan('A012', 3, false, rules('{number}请到{window}号窗口，号')).clips).toEqual(words('A ling yi er hao qing dao san hao chuangkou pause hao'));
  });

  it('punctuation is one pause, none at the end; the order of the placeholders is free', () => {
    const p = plan('B012', 3, false, rules('再次呼叫，，{number}号顾客,请到{window}号窗口办理业务。'));
    expect(p.clips).toEqual(words('zaici hujiao pause B ling yi er hao guke pause qing dao san hao chuangkou banli yewu'));
    expect(p.speech).toBe('再次呼叫，，B零一二号顾客,请到三号窗口办理业务。');
    expect(p.caption).toBe('再次呼叫，，B012号顾客,请到3号窗口办理业务。');
    expect(plan('B012', 3, false, rules('{window}号窗口，请{number}号')).clips).toEqual(words('san hao chuangkou pause qing B ling yi er hao'));
  });

  it.each([
    ['请{number}号到窗口办理', /needs \{window\} exactly once \(found 0\)/],
    ['请{number}号{number}号到{window}号窗口', /needs \{number\} exactly once \(found 2\)/],
    ['请{ticket}号到{window}号窗口', /unknown placeholder \{ticket\}/],
    ['请{number号到{window}号窗口', /unknown placeholder/],
    ['请{number}号到{window', /unclosed \{/],
    ['请{number}号到{window}号窗口办事', /no clip for 「办事」 at position 22/],
    ['请{number}号到{window}号窗口，谢谢', /no clip for 「谢谢」 at position 23/],
    ['Please {number} to {window}', /no clip for 「Please」 at position 0/],
  ])('refuses %j', (template, message) => {
    let error: unknown;
    try {
      parseTemplate(template);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(VoiceError);
    expect((error as VoiceError).code).toBe('HQ_ERR_VOICE_TEMPLATE');
    expect((error as VoiceError).message).toMatch(message);
  });
});

describe('vocabulary', () => {
  it('covers A–Z, 零–九, 十 百 千 幺, the template words, chime and pause, with ASCII ids usable as file names', () => {
    expect(LETTER_IDS.join('')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    // …and the kiosk's ten spoken prompts (issue #13), whole sentences with ids like prompt_card.
    expect(ALL_CLIP_IDS).toHaveLength(26 + 10 + 4 + 10 + PROMPT_IDS.length + 2);
    expect(PROMPT_IDS).toHaveLength(10);
    expect(new Set(ALL_CLIP_IDS).size).toBe(ALL_CLIP_IDS.length);
    for (const id of ALL_CLIP_IDS) expect(id).toMatch(/^[A-Za-z_]+$/);
    expect(
      ALL_CLIP_IDS.filter((id) => !isPromptId(id))
        .map((id) => CLIPS[id].hanzi)
        .join(''),
    ).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ零一二三四五六七八九十百千幺请号到窗口办理尽快再次呼叫顾客业务,');
    expect(PROMPT_IDS.slice(0, 3).map((id) => CLIPS[id].hanzi)).toEqual(['请刷身份证', '请选择业务', '请取走号票']);
  });

  it('every spoken clip has toned pinyin for espeak-ng (a tone digit on each syllable)', () => {
    for (const id of ALL_CLIP_IDS) {
      const spec = CLIPS[id];
      if (spec.kind === 'spoken') for (const syllable of spec.say.split(' ')) expect(syllable, id).toMatch(/^[a-z]+[1-5]$/);
    }
  });

  it('every clip of every plan is in the vocabulary', () => {
    for (const number of ['A012', 'Z999', 'Q120']) {
      for (const w of [1, 12, 110, 999]) {
        for (const id of plan(number, w, w % 2 === 0).clips) expect(ALL_CLIP_IDS).toContain(id);
      }
    }
  });
});
