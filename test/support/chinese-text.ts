import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The text a person reads, pulled out of source files: string literals of TypeScript (comments
 * left out), template text and attributes of Vue files (styles and comments left out), YAML values.
 * The punctuation test scans it for half-width `,:;` touching Chinese characters.
 */

/** String literals and template-literal text of TypeScript source, without comments. */
export function tsStrings(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  let lastSignificant = '';
  const n = src.length;
  const readQuoted = (q: string) => {
    let s = '';
    i++;
    while (i < n && src[i] !== q) {
      if (src[i] === '\\') {
        s += src[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (src[i] === '\n' && q !== '`') break;
      s += src[i];
      i++;
    }
    i++;
    return s;
  };
  const readTemplate = () => {
    // `...${ expr }...`: the literal parts are text, the expressions are code (scanned recursively).
    i++;
    let s = '';
    while (i < n && src[i] !== '`') {
      if (src[i] === '\\') {
        s += src[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (src[i] === '$' && src[i + 1] === '{') {
        out.push(s);
        s = '';
        i += 2;
        let depth = 1;
        const start = i;
        while (i < n && depth > 0) {
          if (src[i] === '{') depth++;
          else if (src[i] === '}') depth--;
          else if (src[i] === "'" || src[i] === '"') {
            readQuoted(src[i]!);
            continue;
          } else if (src[i] === '`') {
            readTemplate();
            continue;
          }
          i++;
        }
        out.push(...tsStrings(src.slice(start, i - 1)));
        continue;
      }
      s += src[i];
      i++;
    }
    i++;
    out.push(s);
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      i = src.indexOf('*/', i + 2);
      i = i < 0 ? n : i + 2;
      continue;
    }
    if (c === '/' && /[(,=:[!&|?{};]|^$/.test(lastSignificant)) {
      // A regular expression literal: skip it (character classes may hold '/').
      i++;
      let inClass = false;
      while (i < n && src[i] !== '\n') {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        else if (src[i] === '/' && !inClass) break;
        i++;
      }
      i++;
      lastSignificant = 'x';
      continue;
    }
    if (c === "'" || c === '"') {
      out.push(readQuoted(c));
      lastSignificant = 'x';
      continue;
    }
    if (c === '`') {
      readTemplate();
      lastSignificant = 'x';
      continue;
    }
    if (!/\s/.test(c)) lastSignificant = c;
    i++;
  }
  return out.filter((x) => x !== '');
}

/** The template (minus HTML comments) and the script strings of a Vue single-file component. */
export function vueText(src: string): string[] {
  const template = /<template>([\s\S]*)<\/template>/.exec(src)?.[1] ?? '';
  const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(src)?.[1] ?? '';
  return [template.replace(/<!--[\s\S]*?-->/g, ''), ...tsStrings(script)];
}

/** Every string value of a YAML file (its flow syntax's commas are syntax, not text). */
export function yamlText(src: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(parse(src));
  return out;
}

export function filesUnder(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, exts));
    else if (exts.some((e) => name.endsWith(e)) && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

export function readerText(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  if (file.endsWith('.vue')) return vueText(src);
  if (file.endsWith('.yaml') || file.endsWith('.yml')) return yamlText(src);
  return tsStrings(src);
}

const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
/**
 * A half-width comma, colon or semicolon touching a Chinese character (or a full-width mark). A
 * Chinese term inside an English sentence (「办结并叫下一位: complete …」) keeps English punctuation.
 */
export const HALF_WIDTH_IN_CHINESE = new RegExp(`[${CJK}\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20][,:;](?! [A-Za-z])|[,:;][${CJK}]`, 'g');

/** Every place in the files where Chinese text uses half-width `,:;`, as `file: …context…`. */
export function halfWidthPunctuation(files: string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const text of readerText(f)) {
      for (const m of text.matchAll(HALF_WIDTH_IN_CHINESE)) {
        const at = m.index ?? 0;
        out.push(`${f}: …${text.slice(Math.max(0, at - 8), at + 10).replace(/\s+/g, ' ')}…`);
      }
    }
  }
  return out;
}
