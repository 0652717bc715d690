import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import type { ReceiptItem } from '../codec/receipt-builder.ts';
import { parseHexFont } from './hex-font.ts';
import { renderPng } from './render-png.ts';

const line = (text: string, width = 1): ReceiptItem => ({
  kind: 'text', align: 'left', text, width, height: width, runs: [{ text, width, height: width, bold: false, underline: false }],
});

function blackDots(png: Buffer, x0: number, y0: number, w: number, h: number): number {
  const img = PNG.sync.read(png);
  let n = 0;
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if (img.data[(y * img.width + x) * 4] === 0) n++;
  return n;
}

describe('renderPng', () => {
  it('scales text by its GS ! size and fits the paper width', () => {
    const small = PNG.sync.read(renderPng([line('8')], { paperDots: 384, cjkFont: null }));
    const big = PNG.sync.read(renderPng([line('8', 4)], { paperDots: 384, cjkFont: null }));
    expect(small.width).toBe(384);
    expect(big.height - small.height).toBe(24 * 3);
  });

  it('draws Hanzi from a Unifont .hex font when given one, boxes otherwise', () => {
    // 中 as a 16×16 glyph that is all black: the 24×24 cell must come out all black
    const font = parseHexFont(`4E2D:${'F'.repeat(64)}\n0041:${'0'.repeat(32)}\n`);
    expect(font.glyph(0x4e2d)).toEqual({ width: 16, rows: Array(16).fill(0xffff) });
    expect(font.glyph(0x41)?.width).toBe(8);
    expect(font.glyph(0x4e00)).toBeUndefined();
    const withFont = renderPng([line('中')], { cjkFont: font });
    const boxed = renderPng([line('中')], { cjkFont: null });
    expect(blackDots(withFont, 0, 16, 24, 24)).toBe(24 * 24);
    expect(blackDots(boxed, 0, 16, 24, 24)).toBeGreaterThan(60);
    expect(blackDots(boxed, 0, 16, 24, 24)).toBeLessThan(200);
  });
});
