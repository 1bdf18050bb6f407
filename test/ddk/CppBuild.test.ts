/**
 * dv build and C++: sources by extension with kernel C++ flags, every DDK header compiles as C++
 * with C linkage for what it declares, what kernel C++ lacks (exceptions, RTTI, a global operator
 * new) is refused with a message that names it, and the C++ runtime is linked only where used.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { CXX_FLAGS, sourceLanguage, TARGET_FLAGS, WARNING_FLAGS } from '../../src/build/flags.ts';
import { readDdiPrototypes } from '../../src/build/headers.ts';
import { DDK_INCLUDE } from '../../src/build/paths.ts';
import { readWasmInterface } from '../../src/build/wasm-module.ts';
import { ROOT } from '../helpers.ts';
import { NEEDS_CLANG, toolchain, withTempDir } from './support.ts';

const ENTRY = 'extern "C" NTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) { UNREFERENCED_PARAMETER(D); UNREFERENCED_PARAMETER(R); return STATUS_SUCCESS; }\n';

/** Build one C++ file of `text` (named `name`); the result and the image's interface when it built. */
function buildCpp(text: string, name = 'Driver.cpp', defines: string[] = []) {
  return withTempDir((dir) => {
    const source = join(dir, name);
    writeFileSync(source, text);
    const output = join(dir, 'Driver.wasm');
    const r = buildDriver({ sources: [source], output, defines });
    return { ...r, image: r.ok ? readWasmInterface(readFileSync(output)) : undefined };
  });
}

test('sources are C or C++ by extension, .C (capital) being C++ as clang has it', () => {
  assert.equal(sourceLanguage('a/b.c'), 'c');
  for (const f of ['x.cpp', 'x.cxx', 'x.cc', 'x.C', 'dir.c/x.cpp']) assert.equal(sourceLanguage(f), 'c++', f);
  for (const f of ['x.h', 'x.hpp', 'x', 'dir.cpp/x', 'x.CPP']) assert.equal(sourceLanguage(f), undefined, f);
});

test('a source of another language is refused, naming the extensions dv build takes', () => {
  const r = buildDriver({ sources: ['driver.rs'], output: 'out.wasm' });
  assert.equal(r.exitCode, 2);
  assert.match(r.diagnostics, /driver\.rs: only C \(\.c\) and C\+\+ \(\.cpp, \.cxx, \.cc, \.C\) sources can be built/);
});

test('kernel C++ flags: C++17, no exceptions, no RTTI, no guarded statics, no libc++ headers', () => {
  for (const f of ['-std=c++17', '-fno-exceptions', '-fno-rtti', '-fno-threadsafe-statics', '-nostdinc++']) assert.ok(CXX_FLAGS.includes(f as never), f);
});

// Every header a driver includes by name (the top of ddk/include; dv/ holds wdm.h's parts). poppack.h
// only closes a pshpackN.h, so it is compiled after one: alone, its #pragma pack(pop) has nothing to pop.
const headers = readdirSync(DDK_INCLUDE).filter((f) => statSync(join(DDK_INCLUDE, f)).isFile());
for (const header of headers) {
  test(`<${header}> compiles as C++ with the driver flags, warning-free`, { skip: NEEDS_CLANG }, () => {
    withTempDir((dir) => {
      const file = join(dir, 'check.cpp');
      writeFileSync(file, `#include <ntdef.h>\n${header === 'poppack.h' ? '#include <pshpack1.h>\n' : ''}#include <${header}>\n`);
      const r = spawnSync(toolchain!.clang, [...TARGET_FLAGS, ...CXX_FLAGS, ...WARNING_FLAGS, '-Werror', '-I', DDK_INCLUDE, '-fsyntax-only', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    });
  });
}

test('a C++ driver imports DDIs and the runtime by their C names (the headers declare with C linkage)', { skip: NEEDS_CLANG }, () => {
  const r = buildCpp(`#include <ntddk.h>
#include <ntstrsafe.h>
#include <string.h>
extern "C" NTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) {
  UNREFERENCED_PARAMETER(D); UNREFERENCED_PARAMETER(R);
  char Text[16];
  if (!NT_SUCCESS(RtlStringCbPrintfA(Text, sizeof(Text), "%d", 42))) return STATUS_UNSUCCESSFUL;
  KIRQL Irql = KeGetCurrentIrql();
  return strlen(Text) == 2 && Irql == PASSIVE_LEVEL ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
`);
  assert.ok(r.ok, r.diagnostics);
  assert.deepEqual(r.image!.imports.filter((i) => i.module === 'ntoskrnl').map((i) => i.name), ['KeGetCurrentIrql']);
  assert.ok(r.image!.exports.some((e) => e.name === 'DriverEntry'));
});

test('a DriverEntry without extern "C" is refused with the way to declare it', { skip: NEEDS_CLANG }, () => {
  const r = buildCpp(`#include <ntddk.h>\nNTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) { return STATUS_SUCCESS; }\n`);
  assert.equal(r.exitCode, 2);
  assert.match(r.diagnostics, /note: in C\+\+, DriverEntry needs C linkage to keep its name: declare it extern "C"/);
});

test('throw and typeid are refused with clang\'s message: kernel C++ has neither exceptions nor RTTI', { skip: NEEDS_CLANG }, () => {
  const thrown = buildCpp(`#include <ntddk.h>\nvoid Fail() { throw 1; }\n${ENTRY}`);
  assert.equal(thrown.exitCode, 2);
  assert.match(thrown.diagnostics, /error: cannot use 'throw' with exceptions disabled/);
  const tried = buildCpp(`#include <ntddk.h>\nint Guard() { try { return 1; } catch (...) { return 0; } }\n${ENTRY}`);
  assert.equal(tried.exitCode, 2);
  assert.match(tried.diagnostics, /error: cannot use 'try' with exceptions disabled/);
  const typed = buildCpp(`#include <ntddk.h>\nnamespace std { class type_info; }\nstruct A { virtual ~A(); };\nconst void *Id(A &a) { return &typeid(a); }\n${ENTRY}`);
  assert.equal(typed.exitCode, 2);
  assert.match(typed.diagnostics, /error: use of typeid requires -frtti/);
});

test('new without a global operator new of the driver\'s own is refused, naming operator new', { skip: NEEDS_CLANG }, () => {
  const r = buildCpp(`#include <ntddk.h>\nstruct Node { int Value; };\nextern "C" NTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) {\n  Node *n = new Node();\n  delete n;\n  return STATUS_SUCCESS;\n}\n`);
  assert.equal(r.exitCode, 2);
  assert.match(r.diagnostics, /undefined function 'operator new\(unsigned long\)'/);
  assert.match(r.diagnostics, /undefined function 'operator delete\(void\*, unsigned long\)'/);
  assert.match(r.diagnostics, /note: the kernel has no C\+\+ runtime: a driver that uses new and delete defines its own global operator new/);
});

test('<new> gives placement new and nothing that allocates: an image using it imports no allocator', { skip: NEEDS_CLANG }, () => {
  const r = buildCpp(`#include <ntddk.h>\n#include <new>\nstruct P { int x; P() : x(5) {} };\nextern "C" NTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) {\n  alignas(P) unsigned char s[sizeof(P)];\n  P *p = new (s) P();\n  return p->x == 5 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;\n}\n`);
  assert.ok(r.ok, r.diagnostics);
  assert.deepEqual(r.image!.imports.filter((i) => i.module !== 'env'), []);
});

test('the C++ runtime is linked only where used: a C driver image exports no __cxa_finalize, one with global destructors does', { skip: NEEDS_CLANG }, () => {
  const c = withTempDir((dir) => {
    const output = join(dir, 'C.wasm');
    const r = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'Sample.c'), join(ROOT, 'test', 'fixtures', 'c', 'SampleUtil.c')], output });
    assert.ok(r.ok, r.diagnostics);
    assert.ok(!r.commands.some((cmd) => cmd.some((a) => a.endsWith('atexit.c') || a.endsWith('purecall.c'))));
    return readWasmInterface(readFileSync(output));
  });
  assert.ok(!c.exports.some((e) => e.name === '__cxa_finalize'));
  const cpp = buildCpp(`#include <ntddk.h>\nstruct G { ~G() { KeGetCurrentIrql(); } } g;\n${ENTRY}`);
  assert.ok(cpp.ok, cpp.diagnostics);
  assert.ok(cpp.image!.exports.some((e) => e.name === '__cxa_finalize' && e.kind === 'function'));
});

test('C and C++ files mix in one driver: each compiled as its language, linked by C names', { skip: NEEDS_CLANG }, () => {
  withTempDir((dir) => {
    writeFileSync(join(dir, 'util.c'), '#include <ntddk.h>\nULONG Twice(ULONG v) { return v * 2; }\n');
    writeFileSync(join(dir, 'entry.cpp'), `#include <ntddk.h>\nEXTERN_C ULONG Twice(ULONG v);\ntemplate <typename T> T Id(T v) { return v; }\nextern "C" NTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) {\n  UNREFERENCED_PARAMETER(D); UNREFERENCED_PARAMETER(R);\n  return Twice(Id(21)) == 42 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;\n}\n`);
    const r = buildDriver({ sources: [join(dir, 'entry.cpp'), join(dir, 'util.c')], output: join(dir, 'Mixed.wasm') });
    assert.ok(r.ok, r.diagnostics);
    const compiles = r.commands.filter((c) => c.includes('-c'));
    const compileOf = (name: string) => compiles.find((c) => c.some((a) => a.endsWith(name)))!;
    assert.ok(compileOf('entry.cpp').includes('-std=c++17'));
    assert.ok(!compileOf('util.c').includes('-std=c++17'));
  });
});

test('every DDI the headers declare has C linkage in C++: no reference to one is a mangled symbol', { skip: NEEDS_CLANG }, (t) => {
  const objdump = ['llvm-objdump-' + toolchain!.version, 'llvm-objdump'].map((n) => spawnSync('which', [n], { encoding: 'utf8' }).stdout.trim()).find((p) => p !== '');
  if (!objdump) return t.skip('llvm-objdump not installed (it comes with llvm-16): the symbol table cannot be read');
  const names = [...new Set(readDdiPrototypes().map((p) => p.name))];
  assert.ok(names.length > 50, `only ${names.length} DDI prototypes found`);
  withTempDir((dir) => {
    const source = join(dir, 'all.cpp');
    const object = join(dir, 'all.o');
    const includes = headers.filter((h) => h !== 'new').map((h) => `#include <${h}>`).join('\n');
    writeFileSync(source, `${includes}\nvoid *const DvEveryDdi[] = {\n${names.map((n) => `  (void *)&${n},`).join('\n')}\n};\nextern "C" __attribute__((used)) void *const *DvTable = DvEveryDdi;\n`);
    const cc = spawnSync(toolchain!.clang, [...TARGET_FLAGS, ...CXX_FLAGS, '-O0', '-I', DDK_INCLUDE, '-c', source, '-o', object], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const symbols = spawnSync(objdump, ['-t', object], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes('*UND*'));
    assert.ok(symbols.length >= names.length, `${symbols.length} undefined symbols for ${names.length} DDIs`);
    assert.deepEqual(symbols.filter((l) => / _Z\S+$/.test(l)), []);
  });
});
