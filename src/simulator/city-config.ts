import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../auth/passwords.ts';
import { loadHallConfig } from '../config/load-hall-config.ts';
import type { HallConfig } from '../config/schema.ts';

/**
 * Writes `config/city.yaml`: the county hall's window groups `ZONES` times over (a city centre,
 * 市民中心, of 312 windows), open every day of the year, with service times a little shorter.
 * Run it again after changing `config/county.yaml`:
 *
 *     npx tsx src/simulator/city-config.ts
 *
 * Every staff account gets its own scrypt hash of the demo password (`hallq-demo`).
 */
export const ZONES = 12;
export const WINDOWS_PER_ZONE = 26;
const SERVICE_FACTOR = 0.85;
const ZONE_NAMES = ['一区', '二区', '三区', '四区', '五区', '六区', '七区', '八区', '九区', '十区', '十一区', '十二区'];

export async function cityConfigYaml(county: HallConfig): Promise<string> {
  if (county.windows.length !== WINDOWS_PER_ZONE) throw new Error(`county.yaml has ${county.windows.length} windows, expected ${WINDOWS_PER_ZONE}`);
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const hash = () => hashPassword('hallq-demo');
  const out: string[] = [];
  out.push(
    '# Demo city centre (市民中心): the county hall (config/county.yaml) twelve times over, 312 windows,',
    '# open every day of the year (全年无休), about 10,000 tickets a day. Made by src/simulator/city-config.ts',
    '# from county.yaml: edit that, and run `npx tsx src/simulator/city-config.ts` again.',
    "# Everything marked `demo: true` is for the demo only. Demo password of every staff account: hallq-demo",
    'hall:',
    '  name: 青石市民中心',
    '  nameEn: Qingshi Citizen Service Centre',
    '  timeZone: Asia/Shanghai',
    '  demo: true',
    '  # No history on a first start: make it with npm run simulate -- --profile city.',
    '  demoHistoryWeeks: 0',
    '',
    'schedule:',
    '  # Weekdays as the county hall (lunch is extended service); weekends one full session.',
    '  week:',
    '    mon: &weekday',
    "      - { start: '09:00', end: '12:00' }",
    "      - { start: '12:00', end: '14:00', extended: true }",
    "      - { start: '14:00', end: '18:00' }",
    '    tue: *weekday',
    '    wed: *weekday',
    '    thu: *weekday',
    '    fri: *weekday',
    "    sat: &weekend [ { start: '09:00', end: '17:00' } ]",
    '    sun: *weekend',
    '  holidays: []',
    `  stopIssuingBeforeEndMin: ${county.schedule.stopIssuingBeforeEndMin}`,
    `  refuseIfWaitPastClose: ${county.schedule.refuseIfWaitPastClose}`,
    `  closeGraceMin: ${county.schedule.closeGraceMin}`,
    '',
    'queue:',
    `  recallLimit: ${county.queue.recallLimit}`,
    '  fairness:',
    ...(county.queue.fairness.priorityPerNormal !== undefined ? [`    priorityPerNormal: ${county.queue.fairness.priorityPerNormal}`] : []),
    ...(county.queue.fairness.maxWaitMin !== undefined ? [`    maxWaitMin: ${county.queue.fairness.maxWaitMin}`] : []),
    `  onePerIdPerCategoryPerDay: ${county.queue.onePerIdPerCategoryPerDay}`,
    `  appointmentEarlyMin: ${county.queue.appointmentEarlyMin}`,
    `  estimateAlpha: ${county.queue.estimateAlpha}`,
    '',
    'priorityGroups:',
    ...county.priorityGroups.map(
      (g) => `  - { id: ${g.id}, name: { zh: ${g.name.zh}, en: ${q(g.name.en)} }, source: ${g.source}${g.minAge !== undefined ? `, minAge: ${g.minAge}` : ''} }`,
    ),
    '',
    '# Every day the same sessions: the county hall\'s category weeks (engineering matters on weekdays) do not apply.',
    'categories:',
    ...county.categories.map(
      (c) =>
        `  - { id: ${c.id}, prefix: ${c.prefix}, name: { zh: ${q(c.name.zh)}, en: ${q(c.name.en)} }${c.icon ? `, icon: ${c.icon}` : ''}, avgServiceMin: ${Math.max(1, Math.round(c.avgServiceMin * SERVICE_FACTOR))}` +
        `${c.requiresIdCard ? ', requiresIdCard: true' : ''}${c.targetWaitMin !== undefined ? `, targetWaitMin: ${c.targetWaitMin}` : ''} }`,
    ),
    '',
    'windows:',
  );
  const staffLines: string[] = [];
  const bIds = new Map<string, string>();
  for (let z = 0; z < ZONES; z++) {
    out.push(`  # ${ZONE_NAMES[z]}`);
    for (const w of county.windows) {
      const id = z * WINDOWS_PER_ZONE + w.id;
      const a = String(10000 + id);
      let b: string | undefined;
      if (w.staff.b) {
        const key = `${z}|${w.staff.b}`;
        b = bIds.get(key);
        if (!b) bIds.set(key, (b = String(20000 + bIds.size + 1)));
      }
      const cats = w.categories.map((c) => (c.weight !== 1 ? `{ id: ${c.id}, weight: ${c.weight} }` : `{ id: ${c.id} }`)).join(', ');
      out.push(
        `  - { id: ${id}, name: ${q(`${ZONE_NAMES[z]}${w.name.replace(/\d+$/, '')}${id}`)}${w.department ? `, department: ${q(w.department)}` : ''}${w.selection !== 'weighted' ? `, selection: ${w.selection}` : ''}, categories: [ ${cats} ], staff: { a: '${a}'${b ? `, b: '${b}'` : ''} } }`,
      );
    }
  }
  const clerkName = (n: number) => `${'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高'[n % 20]}${'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平'[(n * 7) % 20]}${n >= 400 ? '' : '华英'[n % 2]}`;
  let n = 0;
  for (let id = 1; id <= ZONES * WINDOWS_PER_ZONE; id++) staffLines.push(`  - { id: '${10000 + id}', name: ${clerkName(n++)}, role: clerk, demo: true, passwordHash: '${await hash()}' }`);
  for (const b of bIds.values()) staffLines.push(`  - { id: '${b}', name: ${clerkName(n++)}, role: clerk, demo: true, passwordHash: '${await hash()}' }`);
  for (let g = 1; g <= ZONES; g++) staffLines.push(`  - { id: '${30000 + g}', name: 导办${ZONE_NAMES[g - 1]}, role: guide, demo: true, passwordHash: '${await hash()}' }`);
  staffLines.push(`  - { id: '40001', name: 市民中心主任, role: manager, demo: true, passwordHash: '${await hash()}' }`);
  staffLines.push(`  - { id: '90001', name: 系统管理员, role: admin, demo: true, passwordHash: '${await hash()}' }`);
  out.push('', 'staff:', ...staffLines, '', 'devices:', '  tokens:');
  const kiosks = ZONES * 2;
  for (let k = 1; k <= kiosks; k++) out.push(`    - { id: kiosk-${k}, kind: kiosk, token: demo-kiosk-token-${String(k).padStart(4, '0')}, demo: true }`);
  out.push('    - { id: wall-1, kind: screen, token: demo-wall-token-0001, demo: true }');
  for (let id = 1; id <= ZONES * WINDOWS_PER_ZONE; id++) out.push(`    - { id: pad-${id}, kind: pad, windowId: ${id}, token: demo-pad-token-${String(id).padStart(4, '0')}, demo: true }`);
  out.push('  printers:');
  for (let k = 1; k <= kiosks; k++) out.push(`    - { kioskId: kiosk-${k}, uri: sim, paperMm: 80 }`);
  out.push('  idcard: { uri: sim, kioskId: kiosk-1, tokenTtlSec: 300 }', '');
  out.push('ratings:', `  timeoutSec: ${county.ratings.timeoutSec}`, `  followupWorkingDays: ${county.ratings.followupWorkingDays}`);
  out.push(`  extraReasons: [${county.ratings.extraReasons.join(', ')}]`, '  items:');
  for (const [code, name] of Object.entries(county.ratings.items)) out.push(`    ${code}: ${name}`);
  out.push('');
  if (county.upstream?.mapping) {
    out.push('# The province\'s 好差评 platform (the mock: npm run mock-upstream).', 'upstream:', `  endpoint: ${county.upstream.endpoint}`);
    out.push("  secret: hallq-demo-upstream-secret   # demo only", '  mapping:', '    fields:');
    for (const [k, v] of Object.entries(county.upstream.mapping!.fields ?? {})) out.push(`      ${k}: ${v}`);
    out.push('    formats:');
    for (const [k, v] of Object.entries(county.upstream.mapping!.formats ?? {})) out.push(`      ${k}: ${v}`);
    out.push('    constants:');
    for (const [k, v] of Object.entries(county.upstream.mapping!.constants ?? {})) out.push(`      ${k}: '${v}'`);
    out.push('');
  }
  out.push('notices:', '  - 提供方便是我们的职责,让您满意是我们的追求', '  - 过号请重新取号', '  - 全年无休,周末照常办理', '');
  out.push('privacy:', `  retentionDays: ${county.privacy.retentionDays}`, '');
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const county = loadHallConfig(`${root}config/county.yaml`);
  writeFileSync(`${root}config/city.yaml`, await cityConfigYaml(county));
  const city = loadHallConfig(`${root}config/city.yaml`);
  console.log(`config/city.yaml: ${city.windows.length} windows, ${city.staff.length} staff, ${city.categories.length} categories`);
}
