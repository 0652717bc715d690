import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** A bitmap font in GNU Unifont .hex format: `4E2D:<32 or 64 hex digits>`, 8×16 or 16×16 glyphs. */
export interface HexFont {
  /** Rows top to bottom, bit (width-1) = leftmost dot; undefined when the font lacks the code point. */
  glyph(codePoint: number): { width: number; rows: number[] } | undefined;
}

export function parseHexFont(text: string): HexFont {
  const glyphs = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9A-Fa-f]{4,6}):([0-9A-Fa-f]+)\s*$/.exec(line);
    if (m && (m[2]!.length === 32 || m[2]!.length === 64)) glyphs.set(parseInt(m[1]!, 16), m[2]!);
  }
  return {
    glyph(cp) {
      const hex = glyphs.get(cp);
      if (!hex) return undefined;
      const digits = hex.length / 16; // hex digits per row: 2 (8 wide) or 4 (16 wide)
      const rows: number[] = [];
      for (let y = 0; y < 16; y++) rows.push(parseInt(hex.slice(y * digits, (y + 1) * digits), 16));
      return { width: digits * 4, rows };
    },
  };
}

const CANDIDATES = ['/usr/share/unifont/unifont.hex', '/usr/share/unifont/unifont.hex.gz'];

/**
 * The CJK font for previews: $HALLQ_PRINTER_HEX_FONT, else Debian's `unifont` package if installed, else null
 * (the preview then draws Hanzi as boxes). Read once per process.
 */
let cached: HexFont | null | undefined;
export function findHexFont(): HexFont | null {
  if (cached !== undefined) return cached;
  const path = [process.env.HALLQ_PRINTER_HEX_FONT, ...CANDIDATES].find((p): p is string => !!p && existsSync(p));
  if (!path) return (cached = null);
  const raw = readFileSync(path);
  cached = parseHexFont((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('latin1'));
  return cached;
}
