import { Writable } from 'node:stream';

/**
 * Where the hub's log goes. A machine (systemd's journal, a pipe) gets pino's JSON lines as they are;
 * a person at a terminal gets one readable line per record: time, level, message, then the fields.
 * Written here rather than with pino-pretty: a dozen lines, and no dependency for them.
 */
export function logDestination(out: NodeJS.WriteStream = process.stdout): { stream: NodeJS.WritableStream } | Record<string, never> {
  return out.isTTY ? { stream: prettyStream(out) } : {};
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[41m' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v']);

/** One JSON log record as a line a person reads. Anything that is not JSON passes through. */
export function prettyLine(json: string, colour = true): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = typeof r.level === 'number' ? r.level : 30;
  const time = typeof r.time === 'number' ? new Date(r.time).toTimeString().slice(0, 8) : '';
  const fields: string[] = [];
  let stack: string | null = null;
  for (const [k, v] of Object.entries(r)) {
    if (SKIP.has(k)) continue;
    if ((k === 'err' || k === 'error') && v && typeof v === 'object' && 'stack' in v) {
      stack = String((v as { stack: unknown }).stack);
      continue;
    }
    fields.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  const tag = colour && COLOURS[level] ? `${COLOURS[level]}${LEVELS[level] ?? level}\x1b[0m` : (LEVELS[level] ?? String(level));
  return `${time} ${tag} ${String(r.msg ?? '')}${fields.length ? `  ${fields.join(' ')}` : ''}${stack ? `\n${stack}` : ''}`;
}

function prettyStream(out: NodeJS.WriteStream): Writable {
  let rest = '';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l) out.write(`${prettyLine(l)}\n`);
      done();
    },
  });
}
