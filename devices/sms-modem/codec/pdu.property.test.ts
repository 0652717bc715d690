import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConcatAssembler } from './concat-assembler.ts';
import { decodePdu } from './decode-pdu.ts';
import { encodeDeliver } from './encode-deliver.ts';
import { encodeSubmit } from './encode-submit.ts';

// Texts a hall sends and receives: Chinese, ASCII, GSM specials and the odd emoji.
const hanzi = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCodePoint(c));
const ascii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCodePoint(c));
const special = fc.constantFrom('€', '[', ']', '{', '}', '\\', '^', '~', '|', '\n', 'é', 'Ä', '￥', '，', '。', '😀');
const text = fc.array(fc.oneof({ weight: 3, arbitrary: hanzi }, { weight: 3, arbitrary: ascii }, { weight: 1, arbitrary: special }), { minLength: 1, maxLength: 400 }).map((cs) => cs.join(''));
const asciiText = fc.array(ascii, { minLength: 1, maxLength: 500 }).map((cs) => cs.join(''));
const mobile = fc.tuple(fc.constantFrom('', '+86'), fc.constantFrom('13', '15', '18', '19'), fc.stringMatching(/^[0-9]{9}$/)).map(([p, a, b]) => `${p}${a}${b}`);
// Whole seconds, whole quarters of an hour: what a TP-SCTS can carry.
const scts = fc.record({ at: fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2089, 11, 31) / 1000 }).map((s) => s * 1000), zoneMinutes: fc.integer({ min: -48, max: 56 }).map((q) => q * 15) });

describe('SMS PDU round trips (fast-check)', () => {
  it('a submitted text decodes to the same number and text, part by part', () => {
    fc.assert(
      fc.property(mobile, fc.oneof(text, asciiText), fc.integer({ min: 0, max: 255 }), (to, body, ref) => {
        const parts = encodeSubmit(to, body, { concatRef: ref }).map((p) => decodePdu(p.hex, p.tpduLength));
        for (const p of parts) {
          if (p.type !== 'submit') throw new Error(p.type);
          expect(p.to).toBe(to);
          expect(p.statusReportRequested).toBe(true);
          if (parts.length > 1) expect(p.concat).toMatchObject({ ref, total: parts.length });
        }
        expect(parts.map((p) => (p.type === 'submit' ? p.text : '')).join('')).toBe(body);
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('a delivered text comes back whole from its parts in any order, with sender and timestamp', () => {
    fc.assert(
      fc.property(mobile, text, scts, fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(8 as const, 16 as const), fc.func(fc.integer()), (from, body, stamp, ref, refBits, order) => {
        const pdus = encodeDeliver(from, body, stamp, { concatRef: refBits === 8 ? ref & 0xff : ref, refBits });
        const shuffled = pdus.map((p, i) => ({ p, k: order(i) })).sort((a, b) => a.k - b.k).map((x) => x.p);
        const assembler = new ConcatAssembler<number>();
        let whole: string | null = null;
        for (const [i, p] of shuffled.entries()) {
          const m = decodePdu(p.hex, p.tpduLength);
          if (m.type !== 'deliver') throw new Error(m.type);
          expect(m.from).toBe(from);
          expect(m.scts).toEqual(stamp);
          if (!m.concat) {
            whole = m.text;
            continue;
          }
          const done = assembler.add({ from: m.from, concat: m.concat, text: m.text, tag: i }, 0);
          if (done) whole = done.text;
        }
        expect(whole).toBe(body);
        expect(assembler.size).toBe(0);
      }),
      { numRuns: 300, seed: 16 },
    );
  });

  it('a 7-bit text stays 7-bit and packs 160 characters into one message', () => {
    fc.assert(
      fc.property(fc.array(ascii, { minLength: 1, maxLength: 160 }).map((cs) => cs.join('').replace(/[[\]{}\\^~|`$@]/g, 'a')), (body) => {
        const parts = encodeSubmit('10086', body);
        expect(parts).toHaveLength(1);
        expect(decodePdu(parts[0]!.hex)).toMatchObject({ alphabet: 'gsm7', text: body });
      }),
      { numRuns: 200, seed: 17 },
    );
  });
});
