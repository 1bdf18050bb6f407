/**
 * tracewpp's work for one source file: find its trace calls (the functions the config declares),
 * give each a message number, and write the .tmh that turns each call into a check of its
 * conditions and a WmiTraceMessage of its arguments. The messages' formats go into the image as our
 * TMF (kernel/etw/tmf.ts), through a file-scope asm that emits a `dv_wpp` custom section.
 */
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { encodeTmfLine, extendedType, TMF_SECTION, type Tmf, type TmfMessage } from '../../kernel/etw/tmf.ts';
import { printfSpecOf, printfType, WPP_FORMAT_PATTERN, WPP_STATIC_ITEMS, type WppArgType } from '../../kernel/etw/wpp-types.ts';
import { enumNames, splitArgs, WppError, type TraceFunction, type WppConfig } from './config.ts';
import { stringValue, tokenize, type Token } from './tokens.ts';

/** tracewpp numbers a file's messages from 10. */
const FIRST_MESSAGE = 10;

interface CallSite {
  readonly fn: TraceFunction;
  readonly line: number;
  readonly func: string;
  readonly args: readonly Token[][];
}

/**
 * `"built on " __DATE__`: tracewpp puts the build's date and time into the format, as the compiler
 * spells them (SOURCE_DATE_EPOCH, when set, is the build time, as clang takes it).
 */
const buildTime = () => new Date(process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) * 1000 : Date.now());
const BUILD_TIME: Readonly<Record<string, () => string>> = {
  __DATE__: () => {
    const d = buildTime();
    return `${d.toUTCString().slice(8, 11)} ${String(d.getUTCDate()).padStart(2)} ${d.getUTCFullYear()}`;
  },
  __TIME__: () => buildTime().toISOString().slice(11, 19),
};

const text = (ts: readonly Token[]) => ts.map((t) => t.text).join(' ');

/** The trace calls of a file, with the function each is in. */
function findCalls(file: string, src: string, config: WppConfig): CallSite[] {
  const ts = tokenize(src);
  const sites: CallSite[] = [];
  // The function a call is in: the last `name (` (with its `Class::` qualifiers) outside any body,
  // when a `{` follows its `)`. Other braces (namespace, extern "C", class, initializers) open no body;
  // a constructor's `: member(x)` list keeps the name.
  let depth = 0;
  let bodyDepth = -1;
  let candidate = '';
  let frozen = false;
  let func = '';
  const BODY_AFTER = new Set([')', 'const', 'noexcept', 'override', 'final']);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t.directive) continue;
    if (t.text === '{') {
      if (bodyDepth < 0 && candidate && BODY_AFTER.has(ts[i - 1]?.text ?? '')) {
        func = candidate;
        bodyDepth = depth;
      }
      if (bodyDepth < 0) candidate = '';
      frozen = false;
      depth++;
      continue;
    }
    if (t.text === '}') {
      depth = Math.max(0, depth - 1);
      if (depth === bodyDepth) {
        func = '';
        bodyDepth = -1;
        candidate = '';
      }
      continue;
    }
    if (bodyDepth < 0) {
      if (t.kind === 'id' && ts[i + 1]?.text === '(' && !frozen) {
        let name = t.text;
        for (let j = i - 1; j > 0 && ts[j]!.text === '::' && ts[j - 1]!.kind === 'id'; j -= 2) name = `${ts[j - 1]!.text}::${name}`;
        candidate = name;
      } else if (t.text === ':' && ts[i - 1]?.text === ')') frozen = true;
      else if (t.text === ';') {
        candidate = '';
        frozen = false;
      }
      continue;
    }
    const fn = t.kind === 'id' ? config.functions.get(t.text) : undefined;
    if (!fn || ts[i + 1]?.text !== '(') continue;
    const parsed = splitArgs(ts, i + 1);
    if (!parsed) throw new WppError(file, t.line, `${fn.name}: the call has no closing parenthesis`);
    let args = parsed.args;
    if (fn.nested !== undefined) {
      const last = args[fn.nested];
      const inner = args.length === fn.nested + 1 && last?.[0]?.text === '(' ? splitArgs(last, 0) : undefined;
      if (!inner || inner.end !== last!.length - 1) throw new WppError(file, t.line, `${fn.name} takes its arguments from ${fn.params[fn.nested]} on in one more pair of parentheses`);
      args = [...args.slice(0, fn.nested), ...inner.args];
    }
    sites.push({ fn, line: t.line, func: func || '<unknown>', args });
    i = parsed.end;
  }
  return sites;
}

interface Value {
  /** The C expression logged: a macro parameter or an expression of a USEPREFIX/USESUFFIX. */
  readonly expr: string;
  readonly type: WppArgType;
  readonly key: string;
}

/** A `%!TYPE!` naming an enumeration of the sources or headers: declared as CUSTOM_TYPE(TYPE, ItemEnum(TYPE)) would. */
function headerEnum(name: string, config: WppConfig): WppArgType | undefined {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name) || !config.enumSources) return undefined;
  const names = enumNames(name, config.enumSources());
  if (!names) return undefined;
  config.types[name] = { kind: 'enum', size: 4, names };
  return extendedType(name, config.types);
}

/** The file's id in macro names: `tracedrv.c` -> `tracedrv_c`. */
const fileId = (file: string) => basename(file).replace(/\W/g, '_');

function guidOf(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The GUID as a C initializer. */
function guidInit(g: string): string {
  const [a, b, c, d, e] = g.split('-') as [string, string, string, string, string];
  const bytes = (d + e).match(/../g)!.map((x) => `0x${x}`);
  return `{ 0x${a}, 0x${b}, 0x${c}, { ${bytes.join(', ')} } }`;
}

/** The parameter of a trace function that names the recorder log its message goes to (tracewpp's). */
const RECORDER_LOG_PARAM = 'IFRLOG';
/** The .tmh's test for recorder mode (ENABLE_WPP_RECORDER, as the WDK's WppPreprocessorDefinitions set it). */
const RECORDER_MODE = 'defined(ENABLE_WPP_RECORDER) && ENABLE_WPP_RECORDER';

/**
 * The recorder's filter and arguments for each set of conditions, where the driver defines none
 * (WPP_RECORDER_<conds>_FILTER and _ARGS, as the WDK's samples define for theirs): the log is the
 * IFRLOG argument, else the default log of the flag's control block; a message below
 * TRACE_LEVEL_VERBOSE is recorded, a verbose one when the block's AutoLogVerboseEnabled says so.
 */
function recorderDefaults(sets: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [key, names] of sets) {
    const prefix = `WPP_RECORDER_${key ? key + '_' : ''}`;
    const params = names.join(', ');
    const flag = names.find((n) => n === 'FLAGS' || n === 'FLAG');
    const level = names.find((n) => n === 'LEVEL');
    const block = flag ? `WPP_CONTROL(WPP_BIT_##${flag})` : 'WPP_MAIN_CB[0]';
    const log = names.includes(RECORDER_LOG_PARAM) ? `(PVOID)(${RECORDER_LOG_PARAM})` : `${block}.AutoLogContext`;
    const filter = level ? `((${level}) < TRACE_LEVEL_VERBOSE || ${block}.AutoLogVerboseEnabled)` : '1';
    out.push(`#ifndef ${prefix}FILTER`, `#define ${prefix}FILTER(${params}) ${filter}`, '#endif');
    out.push(`#ifndef ${prefix}ARGS`, `#define ${prefix}ARGS(${params}) ${log}, ${level ? `(UCHAR)(${level})` : 'TRACE_LEVEL_INFORMATION'}, ${flag ? `WPP_BIT_##${flag}` : '0'}`, '#endif');
  }
  return out;
}

export interface GeneratedTmh {
  readonly text: string;
  readonly tmf: Tmf;
}

/**
 * The .tmh of `file` (path as the user named it; `src` its text). `ownsControlBlocks`: this file's
 * .tmh defines WPP_MAIN_CB (the one that calls WPP_INIT_TRACING, as tracewpp chooses).
 */
export function generateTmh(file: string, src: string, config: WppConfig, ownsControlBlocks: boolean): GeneratedTmh {
  const id = fileId(file);
  const name = basename(file, extname(file));
  const sites = findCalls(file, src, config);
  const messages: TmfMessage[] = [];
  const macros: string[] = [];
  const functions = new Map<string, Value[]>();
  const conditionSets = new Set<string>();
  const recorderConditions = new Map<string, readonly string[]>();
  const byLine = new Map<number, string>();
  const usedFunctions = new Set<string>();
  sites.forEach((site, index) => {
    const { fn, line } = site;
    const fail = (why: string): never => {
      throw new WppError(file, line, `${fn.name}: ${why}`);
    };
    if (byLine.has(line)) fail(`a second trace call on line ${line} (after ${byLine.get(line)}): put each on its own line`);
    byLine.set(line, fn.name);
    usedFunctions.add(fn.name);
    const hasRest = fn.params.includes('...');
    const named = fn.params.filter((p) => p !== '...');
    if (site.args.length < named.length || (!hasRest && site.args.length > named.length)) {
      fail(`takes ${hasRest ? `at least ${named.length}` : named.length} argument${named.length === 1 ? '' : 's'} (${fn.params.join(', ')}), the call passes ${site.args.length}`);
    }
    const param = (i: number) => `_p${i}`;
    const paramOf = new Map(named.map((p, i) => [p, param(i)]));
    const msgIndex = named.indexOf('MSG');
    let msg = '';
    if (msgIndex >= 0) {
      const m = site.args[msgIndex]!;
      // A wide literal (L"...") is the same format to tracewpp.
      const literal = (t: Token) => (t.kind === 'str' && /^L?"/.test(t.text)) || (t.kind === 'id' && t.text in BUILD_TIME);
      if (m.length === 0 || !m.every(literal)) fail(`its MSG (argument ${msgIndex + 1}) must be a string literal, not '${text(m)}'`);
      msg = m.map((t) => (t.kind === 'id' ? BUILD_TIME[t.text]!() : stringValue(t.text))).join('');
    }
    const conditions = [...fn.fixed.map((f) => ({ name: f.name, value: f.value, text: f.value })), ...named.flatMap((p, i) => (p === 'MSG' ? [] : [{ name: p, value: param(i), text: text(site.args[i]!) }]))];
    const conditionText = (n: string) => conditions.find((c) => c.name === n)?.text;
    const prefix = config.prefixes.get(fn.name) ?? config.prefixes.get('*');
    const suffix = config.suffixes.get(fn.name) ?? config.suffixes.get('*');
    const affixArg = (a: string) => paramOf.get(a) ?? `(${a})`;
    const restArgs = site.args.slice(named.length).map((_, i) => param(named.length + i));
    const pieces = [
      { fmt: (prefix?.fmt ?? '').replace(/%!STDPREFIX!/g, ''), args: (prefix?.args ?? []).map(affixArg) },
      { fmt: msg, args: msgIndex >= 0 ? restArgs : [] },
      { fmt: suffix?.fmt ?? '', args: (suffix?.args ?? []).map(affixArg) },
    ];
    // Static items are tracewpp's to fill in; `%` in what they name stays literal.
    const staticValue: Record<(typeof WPP_STATIC_ITEMS)[number], string> = {
      FUNC: site.func,
      LINE: String(line),
      FILE: basename(file),
      LEVEL: conditionText('LEVEL') ?? '',
      FLAGS: conditionText('FLAGS') ?? conditionText('FLAG') ?? '',
      COMPNAME: name,
    };
    let fmt = '';
    const values: Value[] = [];
    for (const piece of pieces) {
      let used = 0;
      fmt += piece.fmt.replace(WPP_FORMAT_PATTERN, (whole, ...rest: unknown[]) => {
        if (whole === '%%') return whole;
        const m = [whole, ...rest] as unknown as RegExpMatchArray;
        const item = m[1];
        if (item !== undefined && item in staticValue) return staticValue[item as keyof typeof staticValue].replace(/%/g, '%%');
        const type = item !== undefined ? (extendedType(item, config.types) ?? headerEnum(item, config)) : printfType(printfSpecOf(m));
        if (!type) fail(item !== undefined ? `unknown format type %!${item}! in "${piece.fmt}"` : `the conversion ${whole} is not supported in "${piece.fmt}"`);
        const expr = piece.args[used++];
        if (expr === undefined) fail(`"${piece.fmt}" has more conversions than the ${piece.args.length} argument${piece.args.length === 1 ? '' : 's'} given`);
        values.push({ expr: type!.convert?.(expr!) ?? expr!, type: type!, key: (item ?? `${m[5] ?? ''}${m[6]}`).replace(/\W/g, '_') });
        return whole;
      });
      if (used < piece.args.length) fail(`"${piece.fmt}" has ${used} conversion${used === 1 ? '' : 's'}, the call gives ${piece.args.length} argument${piece.args.length === 1 ? '' : 's'}`);
    }
    const n = FIRST_MESSAGE + index;
    const level = conditionText('LEVEL');
    const flags = conditionText('FLAGS') ?? conditionText('FLAG');
    messages.push({ n, fmt, line, func: site.func, ...(level !== undefined ? { level } : {}), ...(flags !== undefined ? { flags } : {}) });

    const sf = `WPP_SF_${values.map((v) => v.key).join('_')}`;
    functions.set(sf, values);
    // IFRLOG names the recorder log a message goes to: a condition of the recorder's, not ETW's.
    const etwConditions = conditions.filter((c) => c.name !== RECORDER_LOG_PARAM);
    const conds = etwConditions.map((c) => c.name).join('_');
    const condArgs = etwConditions.map((c) => c.value).join(', ');
    const macroParams = site.args.map((_, i) => param(i)).join(', ');
    const call = `${sf}(WPP_${conds ? conds + '_' : ''}LOGGER(${condArgs}), ${n}, &WPP_${id}_Traceguids${values.map((v) => ', ' + v.expr).join('')})`;
    const enabled = `WPP_${conds ? conds + '_' : ''}ENABLED(${condArgs})`;
    if (conds) conditionSets.add(conds);
    const body = conds ? `WPP_${conds}_PRE(${condArgs}) ((${enabled}) ? ${call} : (void)0) WPP_${conds}_POST(${condArgs})` : `((${enabled}) ? ${call} : (void)0)`;
    // Recorder mode: the message also goes to a recorder log when the recorder's filter passes it.
    const rconds = conditions.map((c) => c.name).join('_');
    const rcondArgs = conditions.map((c) => c.value).join(', ');
    const rname = `WPP_RECORDER_${rconds ? rconds + '_' : ''}`;
    recorderConditions.set(rconds, conditions.map((c) => c.name));
    const rcall = `((${rname}FILTER(${rcondArgs})) ? WPP_RECORDER_${sf}(${rname}ARGS(${rcondArgs}), ${n}, &WPP_${id}_Traceguids${values.map((v) => ', ' + v.expr).join('')}) : (void)0)`;
    const recorderBody = conds
      ? `WPP_${conds}_PRE(${condArgs}) (((${enabled}) ? ${call} : (void)0), ${rcall}) WPP_${conds}_POST(${condArgs})`
      : `(((${enabled}) ? ${call} : (void)0), ${rcall})`;
    let head = `#define WPP_CALL_${id}_${line}(${macroParams})`;
    if (fn.nested !== undefined) {
      // The call's own arguments, the group last; the group's parentheses dropped to make the full list.
      const before = site.args.slice(0, fn.nested).map((_, i) => param(i));
      const call2 = `WPP_CALL2_${id}_${line}`;
      const expand = before.length === 0 ? `${call2} _args` : `WPP_APPLY(${call2}, (${before.join(', ')}, WPP_UNPAREN _args))`;
      head = `#define WPP_CALL_${id}_${line}(${[...before, '_args'].join(', ')}) ${expand}\n#define ${call2}(${macroParams})`;
    }
    macros.push(`#if ${RECORDER_MODE}`, `${head} ${recorderBody}`, '#else', `${head} ${body}`, '#endif');
  });

  const tmfBase = { name, file: basename(file), types: config.types, messages };
  const guid = guidOf(JSON.stringify(tmfBase));
  const tmf: Tmf = { guid, ...tmfBase };
  const out: string[] = [];
  out.push(`/* ${basename(file, extname(file))}.tmh: generated by dv build's WPP step (src/build/wpp) from ${basename(file)}. Do not edit. */`);
  if (ownsControlBlocks) out.push('#define WPP_DEFINE_CONTROL_BLOCKS');
  out.push('#include <dv/wpp.h>', '');
  for (const c of conditionSets) {
    for (const what of ['PRE', 'POST']) out.push(`#ifndef WPP_${c}_${what}`, `#define WPP_${c}_${what}(...)`, '#endif');
  }
  if (sites.length > 0) out.push(`static const GUID WPP_${id}_Traceguids = ${guidInit(guid)};`);
  for (const [sf, values] of functions) {
    const params = values.map((v, i) => `${v.type.cType} _a${i + 1}`).join(', ');
    const pairs = values.map((v, i) => v.type.log(`_a${i + 1}`) + ' ').join('');
    out.push(`static __inline void ${sf}(TRACEHANDLE Logger, USHORT Id, LPCGUID Guid${params ? ', ' + params : ''}) {`, `  WmiTraceMessage(Logger, WPP_TRACE_OPTIONS, Guid, Id, ${pairs}(const void *)0);`, '}');
  }
  if (sites.length > 0) {
    out.push(`#if ${RECORDER_MODE}`);
    out.push(...recorderDefaults(recorderConditions));
    for (const [sf, values] of functions) {
      const params = values.map((v, i) => `${v.type.cType} _a${i + 1}`).join(', ');
      const pairs = values.map((v, i) => v.type.log(`_a${i + 1}`) + ' ').join('');
      out.push(
        `static __inline void WPP_RECORDER_${sf}(PVOID Log, UCHAR Level, ULONG FlagBit, USHORT Id, LPCGUID Guid${params ? ', ' + params : ''}) {`,
        `  WppAutoLogTrace(Log, Level, FlagBit, Guid, Id, ${pairs}(const void *)0);`,
        '}',
      );
    }
    out.push('#endif');
  }
  out.push(...macros);
  for (const fn of usedFunctions.size > 0 ? usedFunctions : []) out.push(`#undef ${fn}`, `#define ${fn} WPP_CAT(WPP_CALL_${id}_, __LINE__)`);
  // Every function the config declares is a trace call here, even where this file makes none.
  for (const fn of config.functions.keys()) if (!usedFunctions.has(fn)) out.push(`#undef ${fn}`, `#define ${fn} WPP_CAT(WPP_CALL_${id}_, __LINE__)`);
  out.push('', `/* The formats of this file's messages (our TMF), in the image's ${TMF_SECTION} section. */`);
  out.push(`__asm__(".section .custom_section.${TMF_SECTION},\\"\\",@\\n.ascii \\"${encodeTmfLine(tmf)}\\\\n\\"\\n.text\\n");`);
  return { text: out.join('\n') + '\n', tmf };
}
