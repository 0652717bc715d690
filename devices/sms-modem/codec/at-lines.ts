/**
 * Splits a modem's answer stream into lines (V.250: <CR><LF>-framed), and notices the `> ` prompt
 * of AT+CMGS, which comes with no line end. Pure: bytes in, items out. Empty lines are dropped.
 */
export type AtItem = { kind: 'line'; text: string } | { kind: 'prompt' };

/** A line this long without an end is noise: dropped, so a babbling port cannot grow the buffer. */
const MAX_LINE = 4096;

export class AtLineDecoder {
  #buffer = '';

  push(chunk: Buffer): AtItem[] {
    this.#buffer += chunk.toString('latin1');
    const out: AtItem[] = [];
    for (;;) {
      const end = this.#buffer.search(/[\r\n]/);
      if (end < 0) break;
      // Ctrl-Z and ESC echoed back with a PDU are not part of any line.
      const line = this.#buffer.slice(0, end).replace(/[\x1a\x1b]/g, '').trim();
      this.#buffer = this.#buffer.slice(end + 1);
      if (line !== '') out.push({ kind: 'line', text: line });
    }
    if (this.#buffer.startsWith('> ') || this.#buffer === '>') {
      // The prompt stands alone at the start of a line; what follows it is our own echo, if any.
      this.#buffer = this.#buffer.slice(this.#buffer.startsWith('> ') ? 2 : 1);
      out.push({ kind: 'prompt' });
    }
    if (this.#buffer.length > MAX_LINE) this.#buffer = '';
    return out;
  }

  reset(): void {
    this.#buffer = '';
  }
}
