/**
 * dv build's WPP step (src/build/wpp): trace calls found and numbered, formats with WPP's static items
 * filled in, custom functions from config blocks and -func, and bad input refused with the file and line.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { addFunction, emptyConfig, readConfigBlocks, resolveEnums } from '../../src/build/wpp/config.ts';
import { generateTmh } from '../../src/build/wpp/generate.ts';
import { runWpp } from '../../src/build/wpp/wpp.ts';
import { buildDriver } from '../../src/build/build.ts';
import { decodeTmfSection } from '../../src/kernel/etw/tmf.ts';
import { DDK_INCLUDE } from '../../src/build/paths.ts';

const CONFIG = `
// begin_wpp config
// FUNC TraceEvents(LEVEL, FLAGS, MSG, ...);
// FUNC TraceReturn{LEVEL=TRACE_LEVEL_ERROR, FLAGS=F_IO}(EXP);
// USESUFFIX(TraceReturn, "%!FUNC! -> %!STATUS!", EXP);
// CUSTOM_TYPE(onoff, ItemListLong(Off, On));
// end_wpp
`;

const SOURCE = `#include "a.tmh"
NTSTATUS First(int x)
{
    TraceEvents(TRACE_LEVEL_INFORMATION, F_IO, "%!FUNC! at %!LINE! of %!FILE! [%!LEVEL!/%!FLAGS!] x=%d %!onoff!", x, x != 0);
    DoTraceMessage(F_IO, "plain %s %%", "text");
    return 0;
}
static void Second(void) {
    TraceReturn(status);
    Hexdump((TRACE_LEVEL_VERBOSE, F_IO, "%!HEXDUMP!", log_xstr(p, 4)));
}
`;

function configWith(text: string) {
  const config = emptyConfig();
  readConfigBlocks(config, 'trace.h', text);
  resolveEnums(config, [text]);
  return config;
}

test('each trace call is a message numbered from 10, with %!FUNC!, %!LINE!, %!FILE!, %!LEVEL!, %!FLAGS! filled in from where it is', () => {
  const config = configWith(CONFIG);
  config.types.HEXDUMP = { kind: 'hexdump', cType: 'xstr_t', helper: 'WPP_LOGHEXDUMP' };
  addFunction(config, 'Hexdump((LEVEL,FLAGS,MSG,...))', { file: '-func', line: 1 });
  const { tmf, text } = generateTmh('src/a.c', SOURCE, config, true);
  assert.deepEqual(
    tmf.messages.map((m) => [m.n, m.line, m.func, m.fmt, m.level, m.flags]),
    [
      [10, 4, 'First', 'First at 4 of a.c [TRACE_LEVEL_INFORMATION/F_IO] x=%d %!onoff!', 'TRACE_LEVEL_INFORMATION', 'F_IO'],
      [11, 5, 'First', 'plain %s %%', 'F_IO', undefined],
      [12, 9, 'Second', 'Second -> %!STATUS!', 'TRACE_LEVEL_ERROR', 'F_IO'],
      [13, 10, 'Second', '%!HEXDUMP!', 'TRACE_LEVEL_VERBOSE', 'F_IO'],
    ],
  );
  assert.equal(tmf.name, 'a');
  assert.deepEqual(tmf.types.onoff, { kind: 'enum', size: 4, names: { 0: 'Off', 1: 'On' } });
  // The conditions name the macros the sources define: WPP_<conditions>_ENABLED/LOGGER, PRE/POST defaulted.
  assert.match(text, /#define WPP_CALL_a_c_4\(_p0, _p1, _p2, _p3, _p4\) WPP_LEVEL_FLAGS_PRE\(_p0, _p1\) \(\(WPP_LEVEL_FLAGS_ENABLED\(_p0, _p1\)\) \? WPP_SF_d_onoff\(WPP_LEVEL_FLAGS_LOGGER\(_p0, _p1\), 10, &WPP_a_c_Traceguids, _p3, _p4\)/);
  assert.match(text, /WPP_LEVEL_FLAGS_EXP_ENABLED\(TRACE_LEVEL_ERROR, F_IO, _p0\)/);
  assert.match(text, /#define WPP_CALL_a_c_10\(_args\) WPP_CALL2_a_c_10 _args/);
  assert.match(text, /#ifndef WPP_LEVEL_FLAGS_PRE\n#define WPP_LEVEL_FLAGS_PRE\(\.\.\.\)\n#endif/);
  assert.match(text, /#define WPP_DEFINE_CONTROL_BLOCKS/);
  assert.match(text, /#define TraceEvents WPP_CAT\(WPP_CALL_a_c_, __LINE__\)/);
  // The TMF travels in the asm's custom section, one base64 line.
  const b64 = /\.ascii \\"([A-Za-z0-9+/=]+)\\\\n\\"/.exec(text)?.[1];
  assert.ok(b64, 'the .tmh carries the TMF line');
  assert.deepEqual(decodeTmfSection(Buffer.from(b64 + '\n')), [tmf]);
  // Only the file with WPP_INIT_TRACING owns the control blocks.
  assert.doesNotMatch(generateTmh('src/a.c', SOURCE, config, false).text, /WPP_DEFINE_CONTROL_BLOCKS/);
});

test('%!FUNC! names the function a call is in: C++ qualified names, through namespaces and extern "C" blocks, past constructor initializer lists', () => {
  const src = [
    'namespace N {',
    'extern "C" {',
    'struct S { int a; };',
    'static int table[] = { 1, 2 };',
    'NTSTATUS Queue::Start(int x) const',
    '{',
    '    if (x) { DoTraceMessage(F, "a"); }',
    '}',
    'Queue::Queue(int x) : m(x), n(f(x))',
    '{',
    '    DoTraceMessage(F, "b");',
    '}',
    'VOID Plain(VOID) { DoTraceMessage(F, "c"); }',
    '}',
    '}',
  ].join('\n');
  assert.deepEqual(generateTmh('q.cpp', src, emptyConfig(), false).tmf.messages.map((m) => m.func), ['Queue::Start', 'Queue::Queue', 'Plain']);
});

test('CUSTOM_TYPE(x, ItemEnum(type)) reads the enumeration from the sources, its values and the ones after them; one of a WDK header prints numbers', () => {
  assert.deepEqual(configWith('// begin_wpp config\n// CUSTOM_TYPE(s, ItemEnum(_NOPE));\n// end_wpp').types.s, { kind: 'enum', size: 4, names: {} });
  const config = configWith(`${CONFIG.replace('CUSTOM_TYPE(onoff, ItemListLong(Off, On));', 'CUSTOM_TYPE(state, ItemEnum(_STATE));')}\ntypedef enum _STATE { Idle, Busy = 0x10, Next, Failed = -1 } STATE;`);
  assert.deepEqual(config.types.state, { kind: 'enum', size: 4, names: { 0: 'Idle', 16: 'Busy', 17: 'Next', '-1': 'Failed' } });
});

/** The message of the WppError thrown by `f`. */
function wppError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('no error');
}

test('a config block starts at a line that opens with begin_wpp config: prose naming "begin_wpp config" and "end_wpp" is no block', () => {
  const config = configWith('// These functions, between "begin_wpp config" and "end_wpp", are read.\n//\n// begin_wpp config\n// FUNC Trace{FLAGS=ALL}(LEVEL, MSG, ...);\n// end_wpp\n');
  assert.deepEqual(config.functions.get('Trace')?.fixed, [{ name: 'FLAGS', value: 'ALL' }]);
  assert.equal(config.functions.get('Trace')?.where.line, 4);
});

test('__DATE__ and __TIME__ in a message are the build time, as the compiler spells them', () => {
  const saved = process.env.SOURCE_DATE_EPOCH;
  process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2026, 0, 5, 7, 8, 9) / 1000);
  try {
    const { tmf } = generateTmh('m.c', 'void f(void) {\n  DoTraceMessage(F, "built on " __DATE__ " at " __TIME__ "\\n");\n}', emptyConfig(), false);
    assert.equal(tmf.messages[0]!.fmt, 'built on Jan  5 2026 at 07:08:09\n');
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
});

test('a %!TYPE! no config declares is an enumeration of a header on the include path, as the WDK declares its own (WDF_POWER_DEVICE_STATE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-wpp-enum-'));
  try {
    const source = join(dir, 'p.c');
    writeFileSync(source, '#include "p.tmh"\nvoid f(DEVICE_POWER_STATE s) {\n  DoTraceMessage(F, "to %!DEVICE_POWER_STATE!", s);\n}\n');
    assert.deepEqual(runWpp([source], [DDK_INCLUDE], join(dir, 'out')), { ok: true, generated: ['p.tmh'] });
    const tmh = readFileSync(join(dir, 'out', 'p.tmh'), 'utf8');
    const [tmf] = decodeTmfSection(Buffer.from(/\.ascii \\"([A-Za-z0-9+/=]+)/.exec(tmh)![1]!));
    assert.deepEqual(tmf!.types.DEVICE_POWER_STATE, { kind: 'enum', size: 4, names: { 0: 'PowerDeviceUnspecified', 1: 'PowerDeviceD0', 2: 'PowerDeviceD1', 3: 'PowerDeviceD2', 4: 'PowerDeviceD3', 5: 'PowerDeviceMaximum' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input is an error naming the file and line: a malformed config block, an unknown %!type!, a call that does not fit its function', () => {
  assert.equal(wppError(() => configWith('x\n// begin_wpp config\n// FUNC TraceEvents(LEVEL, FLAGS, MSG, ...);\n')), 'trace.h:2: error: WPP: a begin_wpp config block without its end_wpp');
  assert.equal(
    wppError(() => configWith('// begin_wpp config\n// FUNC A(LEVEL, MSG, ...);\n// FUNKY B(MSG);\n// end_wpp')),
    'trace.h:3: error: WPP: FUNKY: unknown statement in a begin_wpp config block (FUNC, USEPREFIX, USESUFFIX, CUSTOM_TYPE, DEFINE_CPLX_TYPE and WPP_FLAGS are known)',
  );
  assert.equal(wppError(() => configWith('// begin_wpp config\n//\n// FUNC A(LEVEL, 1MSG);\n// end_wpp')), "trace.h:3: error: WPP: A: '1MSG' is not a parameter name (names, MSG, and ... last)");
  const config = configWith(CONFIG);
  assert.equal(wppError(() => generateTmh('d.c', 'void f(void) {\n  TraceEvents(TRACE_LEVEL_ERROR, F_IO, "%!NOSUCH! here", 1);\n}', config, false)), 'd.c:2: error: WPP: TraceEvents: unknown format type %!NOSUCH! in "%!NOSUCH! here"');
  assert.equal(wppError(() => generateTmh('d.c', 'void f(void) {\n\n  TraceEvents(TRACE_LEVEL_ERROR, F_IO, "%d and %s", 1);\n}', config, false)), 'd.c:3: error: WPP: TraceEvents: "%d and %s" has more conversions than the 1 argument given');
  assert.equal(wppError(() => generateTmh('d.c', 'void f(void) {\n  TraceEvents(TRACE_LEVEL_ERROR, F_IO, "%d", 1, 2);\n}', config, false)), 'd.c:2: error: WPP: TraceEvents: "%d" has 1 conversion, the call gives 2 arguments');
  assert.equal(wppError(() => generateTmh('d.c', 'void f(void) {\n  TraceEvents(TRACE_LEVEL_ERROR, "x");\n}', config, false)), 'd.c:2: error: WPP: TraceEvents: takes at least 3 arguments (LEVEL, FLAGS, MSG, ...), the call passes 2');
  assert.equal(wppError(() => generateTmh('d.c', 'void f(void) {\n  TraceEvents(TRACE_LEVEL_ERROR, F_IO, fmt);\n}', config, false)), "d.c:2: error: WPP: TraceEvents: its MSG (argument 3) must be a string literal, not 'fmt'");
  assert.equal(wppError(() => generateTmh('d.c', 'void f(void) {\n  DoTraceMessage(F_IO, "a"); DoTraceMessage(F_IO, "b");\n}', config, false)), 'd.c:2: error: WPP: DoTraceMessage: a second trace call on line 2 (after DoTraceMessage): put each on its own line');
});

test('dv build refuses a source with a bad trace call before compiling anything (exit 2, the file and line), and writes no image', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-wpp-'));
  try {
    mkdirSync(join(dir, 'inc'));
    writeFileSync(join(dir, 'inc', 'trace.h'), `#define WPP_CONTROL_GUIDS WPP_DEFINE_CONTROL_GUID(G, (11111111,2222,3333,4444,555555555555), WPP_DEFINE_BIT(F_IO))\n${CONFIG}`);
    const source = join(dir, 'bad.c');
    writeFileSync(source, '#include <ntddk.h>\n#include "trace.h"\n#include "bad.tmh"\nvoid f(int x) {\n  TraceEvents(TRACE_LEVEL_ERROR, F_IO, "x=%!sid!", x);\n}\n');
    const output = join(dir, 'bad.wasm');
    const r = buildDriver({ sources: [source], output, includeDirs: [join(dir, 'inc')] });
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, 2);
    assert.equal(r.diagnostics, `${source}:5: error: WPP: TraceEvents: unknown format type %!sid! in "x=%!sid!"\n`);
    assert.deepEqual(r.commands, [], 'nothing was compiled');
    // runWpp alone: a -scan file that does not exist is named.
    const missing = runWpp([source], [], join(dir, 'out'), { scan: [join(dir, 'nope.h')] });
    assert.deepEqual(missing, { ok: false, message: `dv build: WPP: the file to scan ${join(dir, 'nope.h')} does not exist` });
    // A source without a .tmh include needs no WPP step.
    writeFileSync(source, 'int x;\n');
    assert.deepEqual(runWpp([source], [], join(dir, 'out2')), { ok: true, generated: [] });
    assert.throws(() => readFileSync(join(dir, 'out2', 'bad.tmh')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
