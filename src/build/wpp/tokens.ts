/**
 * A C tokenizer just good enough for tracewpp's job: identifiers, literals and punctuation with
 * their lines, comments dropped, and each token marked when it sits on a preprocessor line (a trace
 * call inside a #define is expanded elsewhere: it is not a call site).
 */
export interface Token {
  readonly kind: 'id' | 'str' | 'char' | 'num' | 'punct';
  readonly text: string;
  readonly line: number;
  readonly directive: boolean;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let directive = false;
  let lineStart = true;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
      directive = false;
      lineStart = true;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      line++;
      i += 2;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\r' && src[i + 2] === '\n') {
      line++;
      i += 3;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') {
        // A // comment ends at the line's end, unless that newline is escaped.
        if (src[i] === '\\' && src[i + 1] === '\n') {
          line++;
          i++;
        }
        i++;
      }
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let j = i; j < stop; j++) if (src[j] === '\n') line++;
      i = stop;
      continue;
    }
    if (lineStart && c === '#') directive = true;
    lineStart = false;
    const start = i;
    const startLine = line;
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /\w/.test(src[i]!)) i++;
      // L"..", u8"..": a string literal with its prefix.
      if ((src[i] === '"' || src[i] === "'") && /^(L|u8|u|U)$/.test(src.slice(start, i))) {
        const q = src[i];
        i = quoted(src, i);
        for (let j = start; j < i; j++) if (src[j] === '\n') line++;
        out.push({ kind: q === '"' ? 'str' : 'char', text: src.slice(start, i), line: startLine, directive });
        continue;
      }
      out.push({ kind: 'id', text: src.slice(start, i), line: startLine, directive });
      continue;
    }
    if (/\d/.test(c) || (c === '.' && /\d/.test(src[i + 1] ?? ''))) {
      while (i < n && /[\w.]/.test(src[i]!)) i++;
      out.push({ kind: 'num', text: src.slice(start, i), line: startLine, directive });
      continue;
    }
    if (c === '"' || c === "'") {
      i = quoted(src, i);
      for (let j = start; j < i; j++) if (src[j] === '\n') line++;
      out.push({ kind: c === '"' ? 'str' : 'char', text: src.slice(start, i), line: startLine, directive });
      continue;
    }
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    const p = three === '...' || three === '<<=' || three === '>>=' ? three : ['::', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '##'].includes(two) ? two : c;
    i += p.length;
    out.push({ kind: 'punct', text: p, line: startLine, directive });
  }
  return out;
}

/** The index just past the literal starting at `i` (its quote). */
function quoted(src: string, i: number): number {
  const q = src[i];
  i++;
  while (i < src.length && src[i] !== q && src[i] !== '\n') i += src[i] === '\\' ? (src[i + 1] === '\r' && src[i + 2] === '\n' ? 3 : 2) : 1;
  return i + 1;
}

/** The value of a narrow string literal token (escapes decoded as C does). */
export function stringValue(token: string): string {
  // A backslash at a line's end continues the literal on the next line (translation phase 2).
  const body = token.slice(token.indexOf('"') + 1, -1).replace(/\\\r?\n/g, '');
  return body.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}
