/**
 * What a resident can text the hall (issue #15 §2), in Chinese or by short code, with any case,
 * full-width letters, spaces or none: `取号 SB`, `QH sb`, `取号SB`; `查询`/`CX`; `取消`/`QX`.
 * Anything else gets the help text.
 */
export type SmsRequest =
  | { kind: 'take'; category: string }
  | { kind: 'query' }
  | { kind: 'cancel' }
  | { kind: 'help' }
  /** `取号` with no category: the help text lists them. */
  | { kind: 'take-which' };

export function parseSmsRequest(raw: string): SmsRequest {
  // NFKC turns full-width letters and digits (ＱＨ１) into ASCII; residents' phones often send those.
  const text = raw.normalize('NFKC').trim().replace(/[\s，,。.！!]+/g, ' ').trim();
  const take = /^(?:取号|QH)\s*([A-Za-z0-9]{1,8})?$/i.exec(text);
  if (take) return take[1] ? { kind: 'take', category: take[1].toUpperCase() } : { kind: 'take-which' };
  if (/^(?:查询|查|CX)$/i.test(text)) return { kind: 'query' };
  if (/^(?:取消|QX)$/i.test(text)) return { kind: 'cancel' };
  return { kind: 'help' };
}

/** The category a code names: its id (`SB`) or its ticket prefix letter (`B`). */
export function categoryOfCode<C extends { id: string; prefix: string }>(categories: readonly C[], code: string): C | null {
  const up = code.toUpperCase();
  return categories.find((c) => c.id.toUpperCase() === up) ?? categories.find((c) => c.prefix === up) ?? null;
}
