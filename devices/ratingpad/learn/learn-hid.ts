import { parseArgs } from 'node:util';
import { hexByte } from '../codec/decoder-config.ts';
import { toHex } from '../codec/hex.ts';
import { type KeyLevelTable, presetTable, usageName } from '../codec/key-levels.ts';
import { DEFAULT_RATING_ORDER, RATING_LABELS, RATING_ORDERS, type RatingOrder, describeOrder, isRatingOrder } from '../../rating-levels.ts';
import { type HidDeviceInfo, type HidDeviceLike, type HidTarget, describeTarget, hex4, matchDevices } from '../transport/hid-device.ts';
import { type NodeHidLoad, loadNodeHid, realpathOf } from '../transport/node-hid.ts';

/**
 * `npm run devices -- learn hid`: lists HID devices, then prints the raw input reports of one pad
 * (every interface that matches) until Ctrl-C, so an installer can write the decoder config of a
 * model nobody documented. Each key a keyboard-wedge report holds is shown with the level the
 * presets give it in the chosen order (default best-first), so the installer sees at once whether
 * the pad's labels agree or it needs `order: worst-first`. Exit codes: 0 done, 1 bad arguments or the pad was lost, 2 node-hid
 * unavailable, no devices, or the chosen one not found / not openable.
 */

export interface LearnHidIo {
  out(line: string): void;
  err(line: string): void;
  /** Ends the reading (Ctrl-C). */
  signal: AbortSignal;
  /** Default: the real node-hid, imported now. */
  load?: () => Promise<NodeHidLoad>;
  /** Default Date.now. */
  now?: () => number;
}

export const LEARN_HID_USAGE = `用法 / usage: npm run devices -- learn hid [--path <path> | --vid <id> --pid <id> [--interface <n>]] [--order best-first|worst-first]
  no option             list HID devices / 列出 HID 设备
  --path /dev/hidraw3   read that device / 读取该设备的原始报告
  --vid 0x1a2b --pid 0x3c4d [--interface 0]
                        read every matching interface / 读取匹配的所有接口
  --order worst-first   show levels for a pad whose key 1 is 非常不满意 (default ${DEFAULT_RATING_ORDER}: key 1 = 5 非常满意)
                        按该顺序显示各键对应的评价等级
Press each key of the pad in turn, then Ctrl-C. / 依次按评价器的每个键，然后按 Ctrl-C 结束。`;

export async function learnHid(argv: readonly string[], io: LearnHidIo): Promise<number> {
  const now = io.now ?? Date.now;
  let target: HidTarget | null | 'help';
  let order: RatingOrder;
  try {
    ({ target, order } = parseArgv(argv));
  } catch (err) {
    io.err(`${(err as Error).message}\n${LEARN_HID_USAGE}`);
    return 1;
  }
  if (target === 'help') {
    io.out(LEARN_HID_USAGE);
    return 0;
  }

  const load = await (io.load ?? loadNodeHid)();
  if (!load.available) {
    io.err(load.message);
    return 2;
  }
  let devices: HidDeviceInfo[];
  try {
    devices = await load.hid.devicesAsync();
  } catch (err) {
    io.err(`无法列出 HID 设备 / cannot list HID devices: ${messageOf(err)}`);
    return 2;
  }
  if (devices.length === 0) {
    io.err(
      '未发现任何 HID 设备：请检查评价器是否插好（lsusb 可见），以及 /dev/hidraw* 的权限（见 devices/ratingpad/README.md 的 udev 规则）。\n' +
        'No HID devices found: check that the pad is plugged in (visible in lsusb) and the permissions on /dev/hidraw* (udev rule in devices/ratingpad/README.md).',
    );
    return 2;
  }
  io.out(`hidapi ${load.version}: ${devices.length} HID device(s) / 发现 ${devices.length} 个 HID 设备`);
  for (const line of deviceTable(devices)) io.out(line);

  if (target === null) {
    const first = devices[0]!;
    io.out('');
    io.out('选择一个设备读取原始报告 / pick one to read its raw reports:');
    if (first.path) io.out(`  npm run devices -- learn hid --path ${first.path}`);
    io.out(`  npm run devices -- learn hid --vid 0x${hex4(first.vendorId)} --pid 0x${hex4(first.productId)}`);
    io.out(`配置中的地址 / its address in config: uri: hid:${hex4(first.vendorId)}:${hex4(first.productId)}${first.path ? ` (or uri: hid:${first.path})` : ''}`);
    return 0;
  }

  let chosen = withPath(matchDevices(devices, target));
  if (chosen.length === 0 && 'path' in target) {
    // A udev symlink: node-hid lists the hidraw node it points to.
    const real = await realpathOf(target.path);
    if (real !== undefined) chosen = withPath(matchDevices(devices, { path: real }));
  }
  if (chosen.length === 0) {
    io.err(`未找到 ${describeTarget(target)}（见上表）/ ${describeTarget(target)} is not in the list above`);
    return 2;
  }

  const open: { path: string; device: HidDeviceLike }[] = [];
  for (const info of chosen) {
    try {
      open.push({ path: info.path, device: await load.hid.HIDAsync.open(info.path) });
    } catch (err) {
      io.err(
        `无法打开 ${info.path}：${messageOf(err)}。Linux 上普通用户需要 udev 规则（见 README），或临时用 sudo 运行。\n` +
          `cannot open ${info.path}: ${messageOf(err)}. On Linux a normal user needs a udev rule (see README), or run it once with sudo.`,
      );
    }
  }
  if (open.length === 0) return 2;

  const start = now();
  const tagged = open.length > 1;
  const seen = new Map<string, { last: Buffer | null; count: number; values: Map<number, number[]> }>();
  let lost = 0;
  const table = presetTable('default', order);
  io.out('');
  io.out(`评价等级（${order}）/ levels (${order}): ${describeOrder(order)}; F1–F5 and keypad 1–5 alike`);
  io.out(
    order === DEFAULT_RATING_ORDER
      ? '若评价器的键反过来（1 键为非常不满意），在配置中写 order: worst-first / if the pad runs the other way (key 1 = 非常不满意), set order: worst-first in its decoder config'
      : '配置中写 order: worst-first / set order: worst-first in its decoder config',
  );
  io.out(`读取中：请依次按评价器的每个键，Ctrl-C 结束 / reading ${open.map((o) => o.path).join(', ')}: press each key of the pad in turn, Ctrl-C to stop`);

  const finished = new Promise<void>((resolve) => {
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
    for (const { path, device } of open) {
      const state = { last: null as Buffer | null, count: 0, values: new Map<number, number[]>() };
      seen.set(path, state);
      device.on('data', (report) => {
        const t = now();
        state.count += 1;
        io.out(reportLine(t, t - start, tagged ? path : null, report, state.last, table));
        report.forEach((b, i) => {
          const vs = state.values.get(i) ?? [];
          if (!vs.includes(b)) vs.push(b);
          state.values.set(i, vs);
        });
        state.last = Buffer.from(report);
      });
      device.on('error', (err) => {
        io.err(`${path} 读取失败（已拔出？）/ reading ${path} failed (unplugged?): ${messageOf(err)}`);
        lost += 1;
        if (lost === open.length) resolve();
      });
    }
  });
  await finished;

  for (const { device } of open) {
    try {
      await device.close();
    } catch {
      // already gone
    }
  }
  io.out('');
  for (const [path, state] of seen) {
    io.out(`${path}: ${state.count} report(s) / 份报告`);
    const varying = [...state.values].filter(([, vs]) => vs.length > 1);
    for (const [i, vs] of varying) io.out(`  byte ${i}: ${vs.map(hexByte).join(' ')}`);
  }
  io.out('下一步：把映射写进 config/hall.yaml 的 devices.ratingPads（见 devices/ratingpad/README.md）/ next: put the mapping into devices.ratingPads in config/hall.yaml (devices/ratingpad/README.md)');
  return lost === open.length && !io.signal.aborted ? 1 : 0;
}

function withPath(devices: HidDeviceInfo[]): (HidDeviceInfo & { path: string })[] {
  return devices.filter((d): d is HidDeviceInfo & { path: string } => typeof d.path === 'string' && d.path !== '');
}

function parseArgv(argv: readonly string[]): { target: HidTarget | null | 'help'; order: RatingOrder } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      path: { type: 'string' },
      vid: { type: 'string' },
      pid: { type: 'string' },
      interface: { type: 'string' },
      order: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const order = values.order ?? DEFAULT_RATING_ORDER;
  if (!isRatingOrder(order)) throw new Error(`--order: ${RATING_ORDERS.join(' 或 / or ')}, not ${order}`);
  return { target: parseTarget(values), order };
}

function parseTarget(values: { path?: string | undefined; vid?: string | undefined; pid?: string | undefined; interface?: string | undefined; help?: boolean | undefined }): HidTarget | null | 'help' {
  if (values.help) return 'help';
  if (values.path !== undefined) {
    if (values.vid !== undefined || values.pid !== undefined || values.interface !== undefined) throw new Error('--path 与 --vid/--pid 二选一 / give --path or --vid/--pid, not both');
    return { path: values.path };
  }
  if (values.vid === undefined && values.pid === undefined) {
    if (values.interface !== undefined) throw new Error('--interface needs --vid and --pid');
    return null;
  }
  if (values.vid === undefined || values.pid === undefined) throw new Error('--vid 和 --pid 需同时给出 / --vid and --pid go together');
  const iface = values.interface === undefined ? undefined : parseId(values.interface, '--interface', 255);
  return { vendorId: parseId(values.vid, '--vid', 0xffff), productId: parseId(values.pid, '--pid', 0xffff), ...(iface === undefined ? {} : { interface: iface }) };
}

function parseId(text: string, name: string, max: number): number {
  const n = /^0x[0-9a-f]{1,4}$/i.test(text) ? Number.parseInt(text.slice(2), 16) : /^[0-9]{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= max)) throw new Error(`${name}: not an ID: ${text} (write 0x1a2b or 6699)`);
  return n;
}

function deviceTable(devices: readonly HidDeviceInfo[]): string[] {
  const rows = devices.map((d, i) => [
    String(i),
    `${hex4(d.vendorId)}:${hex4(d.productId)}`,
    d.path ?? '-',
    d.interface === undefined ? '-' : String(d.interface),
    d.usagePage === undefined ? '-' : `${hex4(d.usagePage)}:${hex4(d.usage ?? 0)}`,
    [d.manufacturer, d.product].filter((s) => s).join(' — ') || '-',
  ]);
  const header = ['#', 'vid:pid', 'path', 'if', 'usagePage:usage', 'manufacturer — product'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  return [header, ...rows].map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}`);
}

/** `12:03:04.123  +1520ms  [8] 00 00 1e 00 00 00 00 00  changed: 2  keyboard? Digit1 (0x1e) = 5 非常满意`. */
export function reportLine(at: number, sinceStart: number, path: string | null, report: Buffer, previous: Buffer | null, table: KeyLevelTable = presetTable('default')): string {
  const parts = [clock(at), `+${sinceStart}ms`];
  if (path) parts.push(path);
  parts.push(`[${report.length}] ${toHex(report)}`);
  if (previous) {
    const changed: number[] = [];
    for (let i = 0; i < Math.max(report.length, previous.length); i++) if (report[i] !== previous[i]) changed.push(i);
    parts.push(changed.length === 0 ? 'same' : `changed: ${changed.join(',')}`);
  }
  const guess = keyboardGuess(report, table);
  if (guess) parts.push(`keyboard? ${guess}`);
  return parts.join('  ');
}

/**
 * What a boot keyboard report (8 bytes, byte 1 reserved = 0) holds, each key with the level the
 * table gives it (`Digit1 (0x1e) = 5 非常满意`), or null if it does not look like one.
 */
function keyboardGuess(report: Buffer, table: KeyLevelTable): string | null {
  if (report.length !== 8 || report[1] !== 0) return null;
  const keys = [...report.subarray(2)].filter((b) => b !== 0);
  const mods = report[0]!;
  if (keys.length === 0) return mods === 0 ? 'all keys up' : `modifiers ${hexByte(mods)}`;
  const named = keys.map((k) => {
    const level = table[k];
    return level === undefined ? usageName(k) : `${usageName(k)} = ${level} ${RATING_LABELS[level]}`;
  });
  return `${mods === 0 ? '' : `modifiers ${hexByte(mods)} + `}${named.join(', ')}`;
}

function clock(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
