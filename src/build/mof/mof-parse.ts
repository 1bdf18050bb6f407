/**
 * A reader for the MOF a WMI driver writes (the subset mofcomp -WMI accepts for data and event blocks):
 * `#pragma` lines, qualifier lists (`[WMI, guid("{...}"), WmiDataId(1), Description("...") : amended]`),
 * classes with an optional superclass, data items (scalars, fixed `[n]` and variable `[]` arrays,
 * embedded classes) and methods with [in]/[out] parameters. Errors carry the file and line.
 */
import { MOF_SCALARS, MOF_STRING } from './mof-types.ts';

export class MofError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: error: ${reason}`);
  }
}

/** A qualifier's name (lower case) -> its values (strings and numbers as written, in order). */
export type Qualifiers = ReadonlyMap<string, readonly string[]>;

export interface MofItem {
  readonly name: string;
  /** A MOF scalar (uint32...), `string`, or the name of an embedded class. */
  readonly type: string;
  /** undefined: not an array; a number: fixed `[n]`; 'variable': `[]`. */
  readonly array?: number | 'variable';
  readonly qualifiers: Qualifiers;
  readonly line: number;
  /** A method parameter's place in the whole parameter list, from 1: its ID, [in] and [out] counting alike. */
  readonly position?: number;
}

export interface MofMethod {
  readonly name: string;
  readonly id: number;
  readonly inputs: readonly MofItem[];
  readonly outputs: readonly MofItem[];
  readonly line: number;
}

export interface MofClass {
  readonly name: string;
  readonly superclass?: string;
  readonly qualifiers: Qualifiers;
  /** Every property as written (InstanceName and Active too). */
  readonly properties: readonly MofItem[];
  readonly methods: readonly MofMethod[];
  readonly line: number;
}

interface Token {
  readonly kind: 'ident' | 'number' | 'string' | 'punct';
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const err = (at: number, reason: string) => new MofError(file, line, at - lineStart + 1, reason);
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      lineStart = ++i;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw err(i, 'unterminated comment');
      for (let j = i; j < end; j++) if (text[j] === '\n') (line++, (lineStart = j + 1));
      i = end + 2;
      continue;
    }
    // #pragma autorecover, #pragma namespace(...), #pragma classflags(...): none changes a data block's layout.
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const column = i - lineStart + 1;
    if (ch === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\n') throw err(i, 'unterminated string');
        if (text[j] === '\\') j++;
        value += text[j] ?? '';
      }
      if (j >= text.length) throw err(i, 'unterminated string');
      tokens.push({ kind: 'string', text: value, line, column });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_][\w]*/.exec(text.slice(i, i + 256));
    if (word) {
      tokens.push({ kind: 'ident', text: word[0], line, column });
      i += word[0].length;
      continue;
    }
    const num = /^[-+]?(0x[0-9a-fA-F]+|\d+(\.\d+)?)/.exec(text.slice(i, i + 64));
    if (num) {
      tokens.push({ kind: 'number', text: num[0], line, column });
      i += num[0].length;
      continue;
    }
    if ('[](){};,:='.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, line, column });
      i++;
      continue;
    }
    throw err(i, `unexpected character '${ch}'`);
  }
  return tokens;
}

export function parseMof(text: string, file: string): MofClass[] {
  const tokens = tokenize(text, file);
  let pos = 0;
  const eofLine = text.split('\n').length;
  const peek = (): Token | undefined => tokens[pos];
  const errAt = (t: Token | undefined, reason: string) => new MofError(file, t?.line ?? eofLine, t?.column ?? 1, reason);
  const next = (what: string): Token => {
    const t = tokens[pos];
    if (!t) throw errAt(undefined, `expected ${what} before the end of the file`);
    pos++;
    return t;
  };
  const isPunct = (t: Token | undefined, p: string) => t?.kind === 'punct' && t.text === p;
  const expect = (p: string) => {
    const t = next(`'${p}'`);
    if (t.kind !== 'punct' || t.text !== p) throw errAt(t, `expected '${p}', found '${t.text}'`);
  };
  const ident = (what: string) => {
    const t = next(what);
    if (t.kind !== 'ident') throw errAt(t, `expected ${what}, found '${t.text}'`);
    return t;
  };

  /** Values inside (...) or {...}: strings (adjacent ones joined), numbers and words, commas between. */
  const values = (close: string): string[] => {
    const out: string[] = [];
    let joining = false;
    for (;;) {
      const t = next(`'${close}'`);
      if (isPunct(t, close)) return out;
      if (isPunct(t, ',')) {
        joining = false;
        continue;
      }
      if (t.kind === 'punct') throw errAt(t, `unexpected '${t.text}' in a qualifier's value`);
      if (t.kind === 'string' && joining && out.length > 0) out[out.length - 1] += t.text;
      else out.push(t.text);
      joining = t.kind === 'string';
    }
  };

  const qualifiers = (): Map<string, string[]> => {
    const q = new Map<string, string[]>();
    if (!isPunct(peek(), '[')) return q;
    pos++;
    for (;;) {
      const name = ident('a qualifier name');
      let v: string[] = [];
      if (isPunct(peek(), '(')) (pos++, (v = values(')')));
      else if (isPunct(peek(), '{')) (pos++, (v = values('}')));
      q.set(name.text.toLowerCase(), v);
      // Flavors (`: amended`, `: ToSubclass`) say how a qualifier propagates, not what it is.
      if (isPunct(peek(), ':')) {
        pos++;
        while (peek()?.kind === 'ident') pos++;
      }
      const t = next("']'");
      if (isPunct(t, ']')) return q;
      if (!isPunct(t, ',')) throw errAt(t, `expected ',' or ']' in a qualifier list, found '${t.text}'`);
    }
  };

  const arraySuffix = (): number | 'variable' | undefined => {
    if (!isPunct(peek(), '[')) return undefined;
    pos++;
    if (isPunct(peek(), ']')) return (pos++, 'variable');
    const n = next('an array size');
    if (n.kind !== 'number' || !/^\d+$/.test(n.text) || Number(n.text) === 0) throw errAt(n, `an array size must be a positive number, found '${n.text}'`);
    expect(']');
    return Number(n.text);
  };

  const classes: MofClass[] = [];
  while (peek()) {
    const q = qualifiers();
    const kw = ident("'class'");
    if (kw.text.toLowerCase() === 'instance') throw errAt(kw, "'instance of' declarations are not supported: a WMI driver's MOF declares classes");
    if (kw.text.toLowerCase() !== 'class') throw errAt(kw, `expected 'class', found '${kw.text}'`);
    const name = ident('a class name');
    let superclass: string | undefined;
    if (isPunct(peek(), ':')) (pos++, (superclass = ident('a superclass name').text));
    expect('{');
    const properties: MofItem[] = [];
    const methods: MofMethod[] = [];
    while (!isPunct(peek(), '}')) {
      const mq = qualifiers();
      const type = ident('a type');
      const member = ident('a member name');
      if (isPunct(peek(), '(')) {
        pos++;
        const inputs: MofItem[] = [];
        const outputs: MofItem[] = [];
        let position = 0;
        while (!isPunct(peek(), ')')) {
          const pq = qualifiers();
          const pt = ident('a parameter type');
          const pn = ident('a parameter name');
          const item: MofItem = { name: pn.text, type: pt.text, array: arraySuffix(), qualifiers: pq, line: pn.line, position: ++position };
          if (!pq.has('in') && !pq.has('out')) throw errAt(pn, `parameter '${pn.text}' of ${name.text}.${member.text} is neither [in] nor [out]`);
          if (pq.has('in')) inputs.push(item);
          if (pq.has('out')) outputs.push(item);
          if (isPunct(peek(), ',')) pos++;
          else if (!isPunct(peek(), ')')) throw errAt(peek(), `expected ',' or ')' in a parameter list, found '${peek()?.text ?? 'the end'}'`);
        }
        pos++;
        expect(';');
        const idText = mq.get('wmimethodid')?.[0];
        if (idText === undefined || !/^\d+$/.test(idText)) throw errAt(member, `method ${name.text}.${member.text} has no WmiMethodId(n) qualifier`);
        methods.push({ name: member.text, id: Number(idText), inputs, outputs, line: member.line });
        continue;
      }
      const array = arraySuffix();
      if (isPunct(peek(), '=')) {
        // A default value: no part of the data block's layout.
        while (peek() && !isPunct(peek(), ';')) pos++;
      }
      expect(';');
      properties.push({ name: member.text, type: type.text, array, qualifiers: mq, line: member.line });
    }
    pos++;
    expect(';');
    classes.push({ name: name.text, superclass, qualifiers: q, properties, methods, line: name.line });
  }
  checkTypes(classes, file);
  return classes;
}

/** Every item's type is a MOF scalar, string, or a class of the same file. */
function checkTypes(classes: readonly MofClass[], file: string): void {
  const names = new Set(classes.map((c) => c.name.toLowerCase()));
  for (const c of classes) {
    for (const item of [...c.properties, ...c.methods.flatMap((m) => [...m.inputs, ...m.outputs])]) {
      const t = item.type.toLowerCase();
      if (t in MOF_SCALARS || t === MOF_STRING || names.has(t)) continue;
      throw new MofError(file, item.line, 1, `unknown type '${item.type}' of ${c.name}.${item.name} (not a MOF data type nor a class of this file)`);
    }
  }
}
