import { describe, expect, it } from 'vitest';
import { filesUnder, HALF_WIDTH_IN_CHINESE, halfWidthPunctuation, tsStrings, vueText, yamlText } from '../support/chinese-text.ts';

/**
 * Chinese text uses full-width punctuation (，：；), never the half-width `,:;` between Chinese
 * characters (issue #13). Scanned: the locale files and every screen of both UIs, the hub's message
 * catalogue and selection reasons, the receipt template, the spoken prompts and the demo hall.
 */
const FILES = [
  ...filesUnder('kiosk-ui/src', ['.ts', '.vue']),
  ...filesUnder('display-ui/src', ['.ts', '.vue']),
  'display-ui/index.html',
  'display-ui/manager.html',
  'display-ui/ranking.html',
  'src/read-model/quiet-days.ts',
  'src/domain/errors.ts',
  'src/domain/select-next.ts',
  'src/api/browser-client.ts',
  'src/devices-bridge/receipt-text.ts',
  'src/devices-bridge/printer-host.ts',
  'src/devices-bridge/device-registry.ts',
  'src/backup/errors.ts',
  'src/announcer/vocabulary.ts',
  'src/main.ts',
  'config/hall.yaml',
];

describe('punctuation in Chinese text', () => {
  it('is full width in the locale files, the screens, the messages and the receipt', () => {
    expect(FILES).toContain('kiosk-ui/src/i18n.ts');
    expect(FILES.some((f) => f.endsWith('ConsolePage.vue'))).toBe(true);
    // The manager's dashboard, the month-end publication and the congestion words are screens too.
    for (const f of ['display-ui/src/manager/ManagerPage.vue', 'display-ui/src/manager/dashboard-model.ts', 'display-ui/src/ranking/RankingPage.vue', 'display-ui/src/congestion.ts', 'kiosk-ui/src/components/QuietHint.vue']) expect(FILES).toContain(f);
    expect(halfWidthPunctuation(FILES)).toEqual([]);
  });

  it('finds what it must find, and only text', () => {
    expect('已读取身份证:张*三'.match(HALF_WIDTH_IN_CHINESE)).toHaveLength(1);
    expect('等了1小时,排了38人'.match(HALF_WIDTH_IN_CHINESE)).toHaveLength(1);
    expect('办结并叫下一位: complete and call next'.match(HALF_WIDTH_IN_CHINESE)).toBeNull();
    expect('Bad slot: it must end, after it starts'.match(HALF_WIDTH_IN_CHINESE)).toBeNull();
    // Comments are not text; strings, template parts and their expressions are.
    expect(tsStrings("// 过号:注释\nconst a = '请取号,谢谢'; const b = `第${n}号:${f('号,码')}`;")).toEqual(['请取号,谢谢', '第', '号:', '号,码']);
    expect(vueText('<template><p>你好,世界</p><!-- 注:释 --></template><script setup>const x = "好:的"</script><style>a{b:c}</style>').join('|')).toBe('<p>你好,世界</p>|好:的');
    expect(yamlText('a: { zh: 老年人, en: Senior }\nb: [甲, 乙]\n# 注:释\n')).toEqual(['老年人', 'Senior', '甲', '乙']);
  });
});
