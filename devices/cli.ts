/**
 * `npm run devices -- <command>`: installer tools for hallq's devices (package.json:
 * `"devices": "tsx devices/cli.ts"`).
 *
 *   npm run devices -- learn hid                       list USB HID devices
 *   npm run devices -- learn hid --path /dev/hidraw3   print a pad's raw reports until Ctrl-C
 */
import { pathToFileURL } from 'node:url';
import { LEARN_HID_USAGE, type LearnHidIo, learnHid } from './ratingpad/learn/learn-hid.ts';

export const USAGE = `用法 / usage: npm run devices -- <command>
  learn hid [--path <path> | --vid <id> --pid <id>]   USB 评价器：列出设备、打印原始报告 / USB pads: list devices, print raw reports

${LEARN_HID_USAGE}`;

/** Runs one command; resolves to the exit code. */
export async function main(argv: readonly string[], io: LearnHidIo): Promise<number> {
  const [command, kind, ...rest] = argv;
  if (command === 'learn' && kind === 'hid') return learnHid(rest, io);
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return 0;
  }
  io.err(`未知命令 / unknown command: ${argv.join(' ')}\n${USAGE}`);
  return 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const controller = new AbortController();
  // The first Ctrl-C ends the reading cleanly; a second one, with the handler gone, kills the process.
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const code = await main(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    signal: controller.signal,
  });
  // node-hid's reader thread can keep the loop alive after close().
  process.exit(code);
}
