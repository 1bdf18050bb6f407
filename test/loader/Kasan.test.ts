/**
 * `dv build --kasan`: clang's AddressSanitizer on a C driver's stack and global variables, with the
 * kernel as its runtime. Each stack or global error of KasanBugs.c is bug check 0x1F2
 * KASAN_ILLEGAL_ACCESS at the access (address, size, the faulting source line, the shadow code); its
 * clean twin runs silent and leaves no poison on any stack; without --kasan the same errors go unseen.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { checkImports } from '../../src/build/import-check.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { VA_MAP } from '../../src/kernel/mm/address-space.ts';
import { kasanShadowAddress } from '../../src/kernel/mm/kasan-shadow.ts';
import { SHADOW, SHADOW_MEANING } from '../../src/kernel/mm/shadow.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED } from '../../src/nt/io.ts';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver, type RunOutcome } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';

const fixture = (name: string) => join(ROOT, 'test', 'fixtures', 'c', 'kasan', name);
const IOCTL = (n: number) => CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800 + n, METHOD_BUFFERED, FILE_ANY_ACCESS);
const STACK_READ = IOCTL(0);
const STACK_WRITE = IOCTL(1);
const GLOBAL_READ = IOCTL(2);
const USE_AFTER_SCOPE = IOCTL(3);
const UNWIND = IOCTL(4);
const STRUCT_COPY = IOCTL(5);
const ALLOCA_READ = IOCTL(7);
const dv = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { encoding: 'utf8', cwd: ROOT });

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dv-kasan-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const built = new Map<string, string>();
/** Build a fixture (with --kasan or without), once. */
function image(name: 'KasanBugs' | 'KasanClean', kasan: boolean): string {
  const out = join(dir, `${name}${kasan ? '' : '-plain'}.wasm`);
  if (!built.has(out)) {
    const r = buildDriver({ sources: [`test/fixtures/c/kasan/${name}.c`], output: out, kasan });
    assert.ok(r.ok, r.diagnostics);
    built.set(out, out);
  }
  return out;
}

const send = (driver: string, codes: readonly number[]): Promise<RunOutcome> =>
  runDriver({ driver, verifierFlags: STANDARD_FLAGS, ioctls: codes.map((code) => ({ code, input: new Uint8Array(4), outputLength: 4 })) });

/** The line of KasanBugs.c that holds `text` (1-based). */
function lineOf(text: string): number {
  const lines = readFileSync(fixture('KasanBugs.c'), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, text);
  return i + 1;
}

const inStacks = (a: number) => a >= VA_MAP.stacks.start && a < VA_MAP.stacks.end;

/**
 * Each violation: the access's size, where it falls relative to its variable (clang starts each on an
 * 8-byte granule: the address mod 8), the function and line that make it, and the shadow code.
 */
const violations = [
  { name: 'a stack array read one past its end', code: STACK_READ, write: false, size: 1, mod8: 0, stack: true, fn: 'Checksum', line: 'sum += Buffer[i];', shadow: SHADOW.stackRight },
  { name: 'a stack array written one before its start', code: STACK_WRITE, write: true, size: 4, mod8: 4, stack: true, fn: 'Countdown', line: 'Values[i] = (ULONG)i;', shadow: SHADOW.stackLeft },
  { name: 'a global array read past its end', code: GLOBAL_READ, write: false, size: 4, mod8: 0, stack: false, fn: 'WeightedSum', line: 'sum += Weights[i];', shadow: SHADOW.globalRedzone },
  { name: 'a stack variable read after its scope ended', code: USE_AFTER_SCOPE, write: false, size: 1, mod8: 7, stack: true, fn: 'UseAfterScope', line: 'return *last;', shadow: SHADOW.stackUseAfterScope },
  // A 120-byte struct copy is a memcpy: the runtime's __asan_memcpy checks the whole source range.
  { name: 'a struct copy reading one record past a stack array', code: STRUCT_COPY, write: false, size: 120, mod8: 0, stack: true, fn: 'CopyRecords', line: 'Destination[i] = Source[i];', shadow: SHADOW.stackMid },
  { name: 'an alloca buffer read one past its end', code: ALLOCA_READ, write: false, size: 1, mod8: 0, stack: true, fn: 'Checksum', line: 'sum += Buffer[i];', shadow: SHADOW.allocaRight },
] as const;

test('dv build --kasan compiles with AddressSanitizer, says so, and the image imports only the ASan runtime beside its DDIs', { skip: NEEDS_CLANG }, () => {
  const out = join(dir, 'cli.wasm');
  const r = dv(['build', 'test/fixtures/c/kasan/KasanBugs.c', '-o', out, '--kasan', '--verbose']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /-fsanitize=address .*-asan-mapping-offset=0xc0000000/);
  assert.match(r.stdout, /wrote .*cli\.wasm \(4 DDI imports, KASAN-instrumented\)/);
  // The runtime's sources stay uninstrumented: only the driver's compile line has -fsanitize.
  assert.equal(r.stdout.split('\n').filter((l) => l.includes('-fsanitize=address')).length, 1);
  assert.match(dv(['build', '--help']).stdout, /--kasan\s+instrument the driver's stack and global\s+variables with AddressSanitizer/);
});

test('the import check takes the ASan runtime functions and still refuses any other env function', () => {
  const imp = (name: string) => ({ module: 'env', name, kind: 'function' as const });
  assert.deepEqual(checkImports([imp('__asan_report_load4'), imp('__asan_register_globals'), imp('__asan_memcpy'), { module: 'GOT.func', name: '__asan_memset', kind: 'global' as const }], [], new Set()), []);
  const problems = checkImports([imp('__asan_report_load3'), imp('__asan_poison_memory_region')], [], new Set());
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /undefined function '__asan_report_load3'/);
});

for (const v of violations) {
  test(`--kasan: ${v.name} is 0x1F2 KASAN_ILLEGAL_ACCESS at the access, with its size, source line and shadow code`, { skip: NEEDS_CLANG }, async () => {
    const r = await send(image('KasanBugs', true), [v.code]);
    const bc = r.bugCheck!;
    assert.ok(bc, 'a bug check');
    assert.equal(bc.code, BUGCHECK.KASAN_ILLEGAL_ACCESS);
    const [address, size, pc, info] = bc.params as [number, number, number, number];
    const t = new DebugTarget(r.dump);
    // P1: the access, in the current thread's stack or in the image's data.
    const module = t.modules.find((m) => m.name === 'KasanBugs')!;
    if (v.stack) assert.ok(inStacks(address), `0x${address.toString(16)} is on a kernel stack`);
    else assert.ok(address >= module.base && address < module.base + module.size, `0x${address.toString(16)} is in the image`);
    assert.equal(address % 8, v.mod8);
    assert.equal(size, v.size);
    assert.equal(info, v.shadow);
    // P3: the faulting instruction, in the function and on the line that makes the access.
    assert.match(t.symbol(pc), new RegExp(`^KasanBugs!${v.fn}\\+0x[0-9a-f]+$`));
    const analysis = execute(t, '!analyze -v').join('\n');
    assert.match(analysis, /KASAN_ILLEGAL_ACCESS \(1f2\)/);
    assert.match(analysis, new RegExp(`Arg1: ${address.toString(16).padStart(8, '0')}, address of the illegal access`));
    assert.match(analysis, new RegExp(`Arg2: ${size.toString(16).padStart(8, '0')}, size of the access`));
    assert.match(analysis, new RegExp(`Arg4: 000000${v.shadow.toString(16)}, bits 0-7: the KASAN shadow code`));
    const rw = v.write ? 'write' : 'read';
    const at = address.toString(16).padStart(8, '0');
    assert.match(analysis, new RegExp(`${rw.toUpperCase()}_ADDRESS:  ${at} ${v.stack ? 'Kernel stack' : 'Driver image'}\\n`));
    assert.match(analysis, new RegExp(`MEMORY_ACCESS:  ${size}-byte ${rw} at ${at}\\n`));
    assert.match(analysis, new RegExp(`KASAN_SHADOW_CODE:  ${v.shadow.toString(16)} \\(${SHADOW_MEANING[v.shadow]}\\)`));
    assert.match(analysis, /FAULTING_SOURCE_FILE:  test\/fixtures\/c\/kasan\/KasanBugs\.c/);
    assert.match(analysis, new RegExp(`FAULTING_SOURCE_LINE_NUMBER:  ${lineOf(v.line)}\\n`));
    assert.match(analysis, new RegExp(`SYMBOL_NAME:  KasanBugs!${v.fn}\\+`));
    // The faulting function is the innermost driver frame, once.
    const frames = analysis.split('\n').filter((l) => l.includes(`KasanBugs!${v.fn}+`) && /^[0-9a-f]{8} /.test(l));
    assert.equal(frames.length, 1, analysis);
  });
}

test('without --kasan the same bugs run silent unverified, and under the verifier none is a KASAN stop', { skip: NEEDS_CLANG }, async () => {
  const codes = [STACK_READ, STACK_WRITE, GLOBAL_READ, USE_AFTER_SCOPE, STRUCT_COPY, ALLOCA_READ];
  const plain = image('KasanBugs', false);
  const unverified = await runDriver({ driver: plain, ioctls: codes.map((code) => ({ code, input: new Uint8Array(4), outputLength: 4 })) });
  assert.equal(unverified.bugCheck, null);
  assert.deepEqual(unverified.requests.map((q) => q.status), codes.map(() => STATUS.SUCCESS));
  // The verifier's own memory checks know pages and pool, not variables: an error inside the stack or
  // the image's data goes unseen (one that runs off the top of the stack is a page fault, not KASAN's).
  for (const code of codes) {
    const r = await send(plain, [code]);
    assert.notEqual(r.bugCheck?.code, BUGCHECK.KASAN_ILLEGAL_ACCESS, `IOCTL 0x${code.toString(16)}`);
  }
  for (const code of [STACK_WRITE, GLOBAL_READ, USE_AFTER_SCOPE]) assert.equal((await send(plain, [code])).bugCheck, null);
});

test('a --kasan image reports without the verifier too (the checks are compiled in)', { skip: NEEDS_CLANG }, async () => {
  const r = await runDriver({ driver: image('KasanBugs', true), ioctls: [{ code: GLOBAL_READ, input: new Uint8Array(4), outputLength: 4 }] });
  assert.equal(r.bugCheck?.code, BUGCHECK.KASAN_ILLEGAL_ACCESS);
  assert.equal(r.bugCheck.params[3], SHADOW.globalRedzone);
});

test('the clean twin runs silent under --kasan, answers as its plain build does, and leaves no poison on any stack', { skip: NEEDS_CLANG }, async () => {
  const codes = [STACK_READ, STACK_WRITE, GLOBAL_READ, USE_AFTER_SCOPE, UNWIND, UNWIND, STRUCT_COPY, ALLOCA_READ, STACK_READ];
  const kasan = await send(image('KasanClean', true), codes);
  const plain = await send(image('KasanClean', false), codes);
  assert.equal(kasan.bugCheck, null, JSON.stringify(kasan.bugCheck));
  const answers = (r: RunOutcome) => r.requests.map((q) => [q.status, Buffer.from(q.output.subarray(0, q.information)).readUInt32LE(0)]);
  // Sum of 0..15, Values[0], 1+..+10, name[7], STATUS_ACCESS_VIOLATION from the probe (twice), the
  // copied record's last byte (120 + 119), the sum of 1..16 in the alloca, the sum again.
  assert.deepEqual(answers(kasan), [[0, 120], [0, 0], [0, 55], [0, 7], [0, STATUS.ACCESS_VIOLATION], [0, STATUS.ACCESS_VIOLATION], [0, 239], [0, 136], [0, 120]]);
  assert.deepEqual(answers(kasan), answers(plain));
  // Every frame returned or was unwound (the exception through ProbeWithCopy's redzoned frame): clean shadow.
  const as = kasan.machine.kernel.as;
  const shadow = kasanShadowAddress(VA_MAP.stacks.start);
  const poisoned = as.findMismatch(shadow, (VA_MAP.stacks.end - VA_MAP.stacks.start) >>> 3, 0);
  assert.equal(poisoned, -1, `ASan poison left at stack address 0x${(((poisoned - shadow) << 3) + VA_MAP.stacks.start).toString(16)}`);
  // The image unloaded: its destructor unregistered its globals, whose redzones are clean again.
  const images = kasanShadowAddress(VA_MAP.images.start);
  assert.equal(as.findMismatch(images, (VA_MAP.images.end - VA_MAP.images.start) >>> 3, 0), -1, 'ASan poison left in the image space');
});

test('lm marks a --kasan image', { skip: NEEDS_CLANG }, async () => {
  const kasan = await send(image('KasanBugs', true), [STACK_READ]);
  assert.match(execute(new DebugTarget(kasan.dump), 'lm').join('\n'), /KasanBugs .*\(private symbols\).*  KASAN$/m);
  const plain = await send(image('KasanBugs', false), [STACK_READ]);
  assert.doesNotMatch(execute(new DebugTarget(plain.dump), 'lm').join('\n'), /KASAN/);
});
