import iconv from 'iconv-lite';

/** Text as the printer gets it in Chinese mode (FS &): GB18030, which is a superset of GBK and GB2312. */
export function encodeGb(text: string): Buffer {
  return iconv.encode(text, 'gb18030');
}

export function decodeGb(bytes: Buffer): string {
  return iconv.decode(bytes, 'gb18030');
}

/**
 * Columns a character takes in font A at size 1: ASCII is half width (12 dots), everything else
 * (Hanzi, full-width punctuation) full width (24 dots) — which is how the printer's GB font lays it out.
 */
export function charColumns(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x80 ? 1 : 2;
}

export function displayColumns(text: string): number {
  let n = 0;
  for (const ch of text) n += charColumns(ch);
  return n;
}

/**
 * Splits text into lines of at most `columns` columns, breaking anywhere (Chinese has no spaces to break at)
 * but never inside a character. A character wider than the line still gets its own line.
 */
export function wrapColumns(text: string, columns: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let used = 0;
    for (const ch of paragraph) {
      const w = charColumns(ch);
      if (used + w > columns && line !== '') {
        lines.push(line);
        line = '';
        used = 0;
      }
      line += ch;
      used += w;
    }
    lines.push(line);
  }
  return lines;
}
