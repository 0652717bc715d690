import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { demoEntries, HallConfigError, loadHallConfig, parseHallConfig } from '../../src/config/load-hall-config.ts';

const demo = () => parse(readFileSync('config/hall.yaml', 'utf8'));

function problems(mutate: (c: any) => void): string[] {
  const c = demo();
  mutate(c);
  try {
    parseHallConfig(c, 'hall.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(HallConfigError);
    return (err as HallConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('hall config', () => {
  it('loads the demo township hall: 7 windows, 10 categories, A/B staff, demo entries flagged', () => {
    const c = loadHallConfig('config/hall.yaml');
    expect(c.windows).toHaveLength(7);
    expect(c.categories).toHaveLength(10);
    expect(c.windows.every((w) => w.staff.a && w.staff.b)).toBe(true);
    expect(c.schedule.week.sat[0]?.extended).toBe(true);
    expect(c.priorityGroups.find((g) => g.source === 'age')?.minAge).toBe(60);
    expect(demoEntries(c).length).toBeGreaterThan(10);
  });

  it('names the path and the problem', () => {
    expect(problems((c) => (c.windows[2].categories[0].id = 'NOPE'))).toContain('windows[2].categories[0]: unknown category "NOPE"');
    expect(problems((c) => (c.categories[1].prefix = 'A'))).toContain('categories[1]: duplicate prefix "A" (also at categories[0])');
    expect(problems((c) => (c.hall.timeZone = 'Mars/Olympus'))).toEqual(['hall.timeZone: unknown time zone "Mars/Olympus" (use an IANA name such as Asia/Shanghai)']);
    expect(problems((c) => (c.schedule.week.mon[0].end = '08:00'))[0]).toMatch(/^schedule\.week\.mon\[0\]: session ends/);
    expect(problems((c) => (c.windows[0].staff.a = '2001'))).toContain('windows[0].staff.a: staff "2001" is a guide, not a clerk');
    expect(problems((c) => (c.categories[0].prefix = 'ab'))[0]).toMatch(/^categories\[0\]\.prefix: /);
    expect(problems((c) => (c.windows[0].colour = 'blue'))[0]).toMatch(/^windows\[0\]\.colour: /);
    expect(problems((c) => delete c.hall)[0]).toMatch(/^hall: /);
    // Device addresses go through the parser the hub connects with.
    expect(problems((c) => (c.devices.printers[0].uri = 'usb://x'))).toEqual(['devices.printers[0].uri: "usb://x": printer address must start with tcp://, serial: or file: (or sim)']);
    expect(problems((c) => (c.devices.led.bars.uri = 'tcp://10.0.0.9'))).toEqual(['devices.led.bars.uri: "tcp://10.0.0.9": LED bars address must start with serial: (or sim)']);
    expect(problems((c) => (c.devices.caller.uri = 'serial:/dev/ttyUSB2?baud=fast'))[0]).toMatch(/^devices\.caller\.uri: .*baud must be a positive integer/);
    expect(problems((c) => (c.devices.led.wall.uri = 'tcp://10.0.0.8:5005'))).toEqual([]);
    expect(problems((c) => (c.devices.idcard.uri = 'tcp://10.0.0.7'))).toEqual(['devices.idcard.uri: "tcp://10.0.0.7": ID-card reader address must start with serial: (or sim)']);
    expect(problems((c) => (c.devices.idcard.uri = 'serial:/dev/ttyUSB1'))).toEqual([]);
    expect(problems((c) => (c.devices.caller.keypads[0].order = 'worst-first'))).toEqual([]);
  });

  it('makes the hub exit non-zero without starting, naming the file and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-config-'));
    const file = join(dir, 'broken.yaml');
    const c = demo();
    c.windows[2].categories[0].id = 'NOPE';
    writeFileSync(file, stringify(c));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', '--config', file, '--data', dir, '--port', '0'], { encoding: 'utf8', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('windows[2].categories[0]');
    expect(r.stderr).toContain('did not start');
  });
});

describe('the parse kept for the next start (parsedCacheDir)', () => {
  it('keeps the YAML parse by the text, for the hub alone; a changed text is parsed again; the checks run on a kept parse too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-config-cache-'));
    try {
      const file = join(dir, 'hall.yaml');
      const text = readFileSync('config/hall.yaml', 'utf8');
      writeFileSync(file, text);
      const first = loadHallConfig(file, { parsedCacheDir: dir });
      const kept = join(dir, 'config.parsed.json');
      expect(statSync(kept).mode & 0o777).toBe(0o600);
      expect(loadHallConfig(file, { parsedCacheDir: dir })).toEqual(first);
      // An edit is read: the kept parse belongs to the old text.
      writeFileSync(file, text.replace(/name: 青石镇便民服务中心/, 'name: 改过的中心'));
      expect(loadHallConfig(file, { parsedCacheDir: dir }).hall.name).toBe('改过的中心');
      // A kept parse is checked as a fresh one is: one that the schema refuses is refused.
      const cached = JSON.parse(readFileSync(kept, 'utf8'));
      cached.value.windows = 'none';
      writeFileSync(kept, JSON.stringify(cached));
      expect(() => loadHallConfig(file, { parsedCacheDir: dir })).toThrow(HallConfigError);
      // A text that does not parse is not kept.
      rmSync(kept);
      writeFileSync(file, 'hall: [unclosed');
      expect(() => loadHallConfig(file, { parsedCacheDir: dir })).toThrow(HallConfigError);
      expect(existsSync(kept)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
