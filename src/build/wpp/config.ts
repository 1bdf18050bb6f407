/**
 * What tracewpp is told about trace functions and types: `-func:` specs (from the command line or a
 * project's WppTraceFunction) and the statements of `begin_wpp config` ... `end_wpp` comment blocks
 * (FUNC, USEPREFIX, USESUFFIX, CUSTOM_TYPE, DEFINE_CPLX_TYPE, WPP_FLAGS). A statement we cannot read is
 * an error naming its file and line, never skipped.
 */
import type { TmfCustomType } from '../../kernel/etw/tmf.ts';
import { stringValue, tokenize, type Token } from './tokens.ts';

export class WppError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: error: WPP: ${message}`);
  }
}

export interface Where {
  readonly file: string;
  readonly line: number;
}

/** A USEPREFIX or USESUFFIX: a format and the expressions (or the function's parameter names) it prints. */
export interface Affix {
  readonly fmt: string;
  readonly args: readonly string[];
}

export interface TraceFunction {
  readonly name: string;
  /** `{LEVEL=TRACE_LEVEL_ERROR, FLAGS=X}`: conditions the function fixes, in order. */
  readonly fixed: readonly { readonly name: string; readonly value: string }[];
  /** The call's parameters as declared: condition names, MSG, `...`. */
  readonly params: readonly string[];
  /**
   * The parameters from this index on are passed in one parenthesized argument: 0 for
   * `Hexdump((LEVEL, FLAGS, MSG, ...))`, 2 for `DoTrace(LEVEL, FLAG, (MSG, ...))`.
   */
  readonly nested?: number;
  readonly where: Where;
}

export interface WppConfig {
  readonly functions: Map<string, TraceFunction>;
  readonly prefixes: Map<string, Affix>;
  readonly suffixes: Map<string, Affix>;
  readonly types: Record<string, TmfCustomType>;
  /** CUSTOM_TYPE(name, ItemEnum(type)): the enumeration's name, resolved once the sources are read. */
  readonly pendingEnums: Map<string, { readonly type: string; readonly where: Where }>;
  /**
   * The texts a `%!TYPE!` no config declares is looked up in, as an enumeration (the WDK's own WPP
   * configuration declares its enumerations, WDF_POWER_DEVICE_STATE...): the files read, then the headers.
   */
  enumSources?: () => Iterable<string>;
}

export function emptyConfig(): WppConfig {
  const config: WppConfig = { functions: new Map(), prefixes: new Map(), suffixes: new Map(), types: {}, pendingEnums: new Map() };
  // WPP's own default: the flag is the condition (WPP_LEVEL_ENABLED(flag) takes it).
  addFunction(config, 'DoTraceMessage(LEVEL,MSG,...)', { file: '<default>', line: 0 });
  return config;
}

/** `Name(P1,...)`, `Name{K=V,...}(P...)`, `Name((P...))`, as -func: and FUNC take them. */
export function addFunction(config: WppConfig, spec: string, where: Where): void {
  const m = /^\s*([A-Za-z_]\w*)\s*(?:\{([^}]*)\})?\s*\(([\s\S]*)\)\s*;?\s*$/.exec(spec);
  if (!m) throw new WppError(where.file, where.line, `cannot read the trace function '${spec.trim()}': expected Name(ARGS) or Name{COND=VALUE,...}(ARGS)`);
  const [, name, fixedText, paramText] = m as unknown as [string, string, string | undefined, string];
  // `(LEVEL,FLAGS,MSG,...)` in a second pair of parentheses, or after the first conditions: `DoTrace(LEVEL,FLAG,(MSG,...))`.
  const group = /^([^()]*?)\(([^()]*)\)\s*$/.exec(paramText.trim());
  const outer = group ? group[1]!.split(',').map((p) => p.trim()).filter((p) => p !== '') : [];
  const inner = group ? group[2]!.trim() : paramText.trim();
  if (group && group[1]!.trim() !== '' && !group[1]!.trim().endsWith(',')) throw new WppError(where.file, where.line, `cannot read the trace function '${spec.trim()}'`);
  const nested = group ? outer.length : undefined;
  const params = [...outer, ...(inner === '' ? [] : inner.split(',').map((p) => p.trim()))];
  const fixed = (fixedText ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '')
    .map((f) => {
      const kv = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(f);
      if (!kv) throw new WppError(where.file, where.line, `${name}: '${f}' should be CONDITION=VALUE`);
      return { name: kv[1]!, value: kv[2]!.trim() };
    });
  params.forEach((p, i) => {
    if (p === '...' ? i !== params.length - 1 : !/^[A-Za-z_]\w*$/.test(p)) throw new WppError(where.file, where.line, `${name}: '${p}' is not a parameter name (names, MSG, and ... last)`);
  });
  if (params.filter((p) => p === 'MSG').length > 1) throw new WppError(where.file, where.line, `${name}: MSG appears twice`);
  config.functions.set(name, { name, fixed, params, ...(nested !== undefined ? { nested } : {}), where });
}

/** The statements of one source's config blocks: `file` for messages, `text` the whole file. */
export function readConfigBlocks(config: WppConfig, file: string, text: string): void {
  const lines = text.split('\n');
  // `begin_wpp config` and `end_wpp` open their own (comment) lines: prose that names them is not a block.
  const marker = (l: string, word: RegExp) => word.test(l.replace(/^\s*(\/\/+|\/\*+|\*+)?\s*/, ''));
  for (let i = 0; i < lines.length; i++) {
    if (!marker(lines[i]!, /^begin_wpp\s+config\b/)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !marker(lines[i]!, /^end_wpp\b/); i++) {
      // The block is inside comments: drop the comment markers, keep the lines where they are.
      body.push(lines[i]!.replace(/^\s*(\/\/+|\/\*+|\*+(?!\/))?/, '').replace(/\*+\/\s*$/, ''));
    }
    if (i >= lines.length) throw new WppError(file, start + 1, 'a begin_wpp config block without its end_wpp');
    for (const st of statements(body.join('\n'))) readStatement(config, file, start + 1 + st.line, st.tokens);
  }
}

/** Statements end with `;` at depth 0. */
function statements(body: string): { line: number; tokens: Token[] }[] {
  const out: { line: number; tokens: Token[] }[] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of tokenize(body)) {
    if (t.text === '(' || t.text === '{') depth++;
    if (t.text === ')' || t.text === '}') depth--;
    if (t.text === ';' && depth === 0) {
      if (cur.length > 0) out.push({ line: cur[0]!.line, tokens: cur });
      cur = [];
      continue;
    }
    cur.push(t);
  }
  if (cur.length > 0) out.push({ line: cur[0]!.line, tokens: cur });
  return out;
}

const joinTokens = (ts: readonly Token[]) => ts.map((t) => t.text).join(' ').replace(/\s*([(){},])\s*/g, '$1');

/** Split `( a, b(c, d), e )` (tokens from the open parenthesis) into its top-level arguments. */
export function splitArgs(ts: readonly Token[], open: number): { args: Token[][]; end: number } | undefined {
  const args: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (let i = open; i < ts.length; i++) {
    const t = ts[i]!;
    if (t.text === '(' || t.text === '[' || t.text === '{') {
      depth++;
      if (depth === 1) continue;
    } else if (t.text === ')' || t.text === ']' || t.text === '}') {
      depth--;
      if (depth === 0) {
        if (cur.length > 0 || args.length > 0) args.push(cur);
        return { args, end: i };
      }
    } else if (t.text === ',' && depth === 1) {
      args.push(cur);
      cur = [];
      continue;
    }
    cur.push(t);
  }
  return undefined;
}

function readStatement(config: WppConfig, file: string, line: number, ts: Token[]): void {
  const keyword = ts[0]!.text;
  const where = { file, line };
  const fail = (why: string): never => {
    throw new WppError(file, line, `${keyword}: ${why}`);
  };
  if (keyword === 'FUNC') return addFunction(config, joinTokens(ts.slice(1)), where);
  // `Name{COND=VALUE}(ARGS)` with its FUNC left out (a corpus sample's block): it can only be a trace function.
  if (ts[0]!.kind === 'id' && ts[1]?.text === '{') return addFunction(config, joinTokens(ts), where);
  if (keyword === 'WPP_FLAGS') return; // tracewpp command-line switches: none changes what we generate
  if (!['USEPREFIX', 'USESUFFIX', 'CUSTOM_TYPE', 'DEFINE_CPLX_TYPE'].includes(keyword)) {
    fail('unknown statement in a begin_wpp config block (FUNC, USEPREFIX, USESUFFIX, CUSTOM_TYPE, DEFINE_CPLX_TYPE and WPP_FLAGS are known)');
  }
  if (ts[1]?.text !== '(') fail(`expected ${keyword}(...)`);
  const parsed = splitArgs(ts, 1);
  if (!parsed || parsed.end !== ts.length - 1) return fail('unbalanced parentheses');
  const args = parsed.args;
  switch (keyword) {
    case 'USEPREFIX':
    case 'USESUFFIX': {
      const name = joinTokens(args[0] ?? []);
      const fmtTokens = args[1] ?? [];
      if (fmtTokens.length === 0 || fmtTokens.some((t) => t.kind !== 'str')) return fail(`expected ${keyword}(Function, "format", args...)`);
      const affix = { fmt: fmtTokens.map((t) => stringValue(t.text)).join(''), args: args.slice(2).map(joinTokens) };
      (keyword === 'USEPREFIX' ? config.prefixes : config.suffixes).set(name, affix);
      return;
    }
    case 'CUSTOM_TYPE': {
      const name = joinTokens(args[0] ?? []);
      const item = args[1] ?? [];
      const kind = item[0]?.text ?? '';
      const inner = splitArgs(item, 1);
      if (!/^\w+$/.test(name) || !inner) return fail('expected CUSTOM_TYPE(name, ItemEnum(type)) or CUSTOM_TYPE(name, ItemListLong(A, B, ...))');
      const values = inner.args.map(joinTokens);
      if (kind === 'ItemEnum') {
        config.pendingEnums.set(name, { type: values[0] ?? '', where });
        return;
      }
      const size = ({ ItemListLong: 4, ItemListShort: 2, ItemListByte: 1 } as Record<string, 1 | 2 | 4>)[kind];
      if (!size) return fail(`item type '${kind}' is not supported (ItemEnum, ItemListLong, ItemListShort, ItemListByte are)`);
      config.types[name] = { kind: 'enum', size, names: Object.fromEntries(values.map((v, i) => [String(i), v])) };
      return;
    }
    case 'DEFINE_CPLX_TYPE': {
      // DEFINE_CPLX_TYPE(NAME, Helper, ArgType, ItemType, "s", _TAG_, Size, ArgCount)
      const [name, helper, argType, item] = args.map(joinTokens);
      if (!name || !helper || !argType || !item) return fail('expected DEFINE_CPLX_TYPE(NAME, Helper, ArgType, ItemType, ...)');
      const kind = ({ ItemHEXDump: 'hexdump', ItemPString: 'pstring', ItemMACAddr: 'macaddr' } as const)[item as 'ItemHEXDump'];
      if (!kind) return fail(`item type '${item}' is not supported (ItemHEXDump, ItemPString and ItemMACAddr are)`);
      config.types[name] = { kind, cType: argType, helper };
      return;
    }
  }
}

/** ItemEnum(type): the names of `enum type { ... }` in any of the texts read, by value. */
export function resolveEnums(config: WppConfig, texts: Iterable<string>): void {
  for (const [name, { type }] of config.pendingEnums) {
    // An enumeration of a WDK header (not among the files read) prints its values as numbers.
    config.types[name] = { kind: 'enum', size: 4, names: enumNames(type, texts) ?? {} };
  }
  config.pendingEnums.clear();
}

/** The names of `enum type { ... }` (or `enum _type { ... }`, or a typedef naming `type`) by value; undefined when no text declares it. */
export function enumNames(type: string, texts: Iterable<string>): Record<string, string> | undefined {
  const tagged = new RegExp(`enum\\s+_?${type}\\s*\\{([^}]*)\\}`);
  const typedef = new RegExp(`enum\\s*\\w*\\s*\\{([^}]*)\\}\\s*${type}\\b`);
  for (const text of texts) {
    if (!text.includes(type)) continue;
    const m = tagged.exec(text) ?? typedef.exec(text);
    if (!m) continue;
    const names: Record<string, string> = {};
    let next = 0n;
    for (const entry of m[1]!.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').split(',')) {
      const e = /^\s*([A-Za-z_]\w*)\s*(?:=\s*(.+?))?\s*$/.exec(entry);
      if (!e) continue;
      if (e[2] !== undefined) {
        const v = /^(-?)\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/.exec(e[2].replace(/\(\s*\w+\s*\)/g, '').trim());
        // A value we cannot evaluate (another constant, an expression): the names up to it are known.
        if (!v) break;
        next = BigInt(v[2]!) * (v[1] ? -1n : 1n);
      }
      names[BigInt.asIntN(32, next).toString()] = e[1]!;
      next++;
    }
    return names;
  }
  return undefined;
}
