/**
 * Memory accesses (every load and store of a verified C image, every ddi.mem access of a TypeScript
 * driver, checked against mm's shadow; MmAccessFault decides the stop): special pool's guard page and
 * freed pages, KASAN-style redzones of ordinary pool, NULL and wild pointers, freed whole pages, bad
 * pointers at DISPATCH_LEVEL, the kernel stack's guard page. Each check runs the TypeScript sample and
 * its C twin; the faulting instruction a parameter names must be the sample's marked line.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { PAGE_SIZE } from '../../../src/kernel/mm/address-space.ts';
import { SHADOW, SHADOW_MEANING } from '../../../src/kernel/mm/shadow.ts';
import { BugCheck } from '../../../src/kernel/errors.ts';
import { BUGCHECK } from '../../../src/nt/bugcheck.ts';
import { DebugTarget } from '../../../src/debugger/target.ts';
import { DISPATCH_LEVEL } from '../../../src/nt/irql.ts';
import { STATUS } from '../../../src/nt/status.ts';
import { Machine } from '../../../src/system/machine.ts';
import type { RunOutcome } from '../../../src/system/run.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { IOCTL_PEEK } from '../../fixtures/drivers/PeekAddress.ts';
import { ROOT, fixture } from '../../helpers.ts';
import { analyzeV, assertClean, assertStop, field, markedLine, reported, runSample, samplesIn, LANGS } from './support.ts';

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const READ = 0;
const WRITE = 1;

/**
 * The code address a stop names (P3 of 0xD6/0xD5/0x1F2/0x50, P2 of 0x1E, P4 of 0xD1): it must be an
 * instruction of `symbol` on the sample's marked line. Returns it, for the expected parameters.
 */
function faultingPc(r: RunOutcome, index: number, symbol: string, source: string, line: number): number {
  assert.ok(r.bugCheck, 'a bug check');
  const pc = r.bugCheck.params[index]!;
  const t = new DebugTarget(r.dump);
  assert.equal(t.functionName(pc), symbol, `Parameter ${index + 1} is code of ${symbol}`);
  const at = t.line(pc);
  assert.equal(at?.file, source, `Parameter ${index + 1} is in ${source}`);
  assert.equal(at?.line, line, `Parameter ${index + 1} is the marked line`);
  return pc;
}

/** The frames `!analyze -v` lists under a title (BLOCK_ALLOCATED_BY...), up to the blank line. */
function framesUnder(analysis: readonly string[], title: string): string[] {
  const from = analysis.findIndex((l) => l.startsWith(`${title}:`));
  assert.ok(from >= 0, `!analyze -v has ${title}`);
  const out: string[] = [];
  for (let i = from + 1; i < analysis.length && analysis[i] !== ''; i++) out.push(analysis[i]!);
  return out;
}

const calledFrom = (frames: readonly string[], symbol: string) => frames.some((f) => f.includes(` ${symbol}+0x`));

const sourceOf = (rule: (typeof RULES)[keyof typeof RULES], lang: 'ts' | 'c') =>
  lang === 'ts' ? rule.sample!.violating : rule.sample!.violating.replace('drivers/ts/', 'drivers/c/').replace(/\.ts$/, '.c');

for (const lang of LANGS) {
  test(`special pool: one ULONG past a 0x20-byte block is the guard page: 0xD6 with the address, write, the instruction (${lang})`, async () => {
    const rule = RULES.SpecialPoolOverrun;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const channels = reported(r, 'channels');
    assert.equal((channels + 0x20) % PAGE_SIZE, 0, 'special pool puts the block against the end of its page');
    const pc = faultingPc(r, 2, 'SpecialPoolOverrun!LoadChannels', sourceOf(rule, lang), s.line());
    const analysis = assertStop(r, rule, { params: [channels + 0x20, WRITE, pc, 0], symbol: 'SpecialPoolOverrun!LoadChannels', line: s.line() });
    assert.equal(field(analysis, 'WRITE_ADDRESS'), `${hex8(channels + 0x20)} Special pool`);
    assert.equal(field(analysis, 'MEMORY_ACCESS'), `4-byte write at ${hex8(channels + 0x20)}: just past the end of the 0x20-byte pool block at ${hex8(channels)} (tag Rule)`);
    assert.ok(calledFrom(framesUnder(analysis, 'BLOCK_ALLOCATED_BY'), 'SpecialPoolOverrun!LoadChannels'), 'allocated by LoadChannels');
    await assertClean(s.rule);
  });

  test(`special pool: a session read after the error path freed it: 0xD5 with the address, read, the instruction (${lang})`, async () => {
    const rule = RULES.SpecialPoolUseAfterFree;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const session = reported(r, 'session');
    const pc = faultingPc(r, 2, 'SpecialPoolUseAfterFree!OpenSession', sourceOf(rule, lang), s.line());
    const analysis = assertStop(r, rule, { params: [session + 4, READ, pc, 0], symbol: 'SpecialPoolUseAfterFree!OpenSession', line: s.line() });
    assert.equal(field(analysis, 'READ_ADDRESS'), `${hex8(session + 4)} Special pool`);
    assert.equal(field(analysis, 'MEMORY_ACCESS'), `4-byte read at ${hex8(session + 4)}: offset 0x4 of the freed 0x10-byte pool block at ${hex8(session)} (tag Rule)`);
    assert.ok(calledFrom(framesUnder(analysis, 'BLOCK_ALLOCATED_BY'), 'SpecialPoolUseAfterFree!OpenSession'), 'allocated by OpenSession');
    assert.ok(calledFrom(framesUnder(analysis, 'BLOCK_FREED_BY'), 'SpecialPoolUseAfterFree!OpenSession'), 'freed by OpenSession');
    await assertClean(s.rule);
  });

  test(`KASAN: a terminator one byte past the I/O manager's system buffer: 0x1F2 with the address, size 1, the instruction, 0xFA (${lang})`, async () => {
    const rule = RULES.PoolOverrunKasan;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const buffer = reported(r, 'buffer');
    const pc = faultingPc(r, 2, 'PoolOverrunKasan!GetLabel', sourceOf(rule, lang), s.line());
    // The 0x10-byte buffer fills its two granules: the next byte is the next block's pool header.
    const analysis = assertStop(r, rule, { params: [buffer + 0x10, 1, pc, SHADOW.poolHeader], symbol: 'PoolOverrunKasan!GetLabel', line: s.line() });
    assert.equal(field(analysis, 'WRITE_ADDRESS'), `${hex8(buffer + 0x10)} Nonpaged pool`);
    assert.equal(field(analysis, 'MEMORY_ACCESS'), `1-byte write at ${hex8(buffer + 0x10)}: just past the end of the 0x10-byte pool block at ${hex8(buffer)} (tag IoSB)`);
    assert.equal(field(analysis, 'KASAN_SHADOW_CODE'), `fa (${SHADOW_MEANING[SHADOW.poolHeader]})`);
    assert.ok(analysis.some((l) => / nt!NtDeviceIoControlFile\+/.test(l)), 'the stack goes down to the IOCTL');
    const clean = await assertClean(s.rule);
    assert.deepEqual(clean.requests.map((q) => q.status), [STATUS.SUCCESS], 'the clean twin answers with a truncated label');
  });

  test(`KASAN: a completed request's system buffer read at unload: 0x1F2 with the address, size 4, the instruction, 0xFD (${lang})`, async () => {
    const rule = RULES.PoolUseAfterFreeKasan;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const name = reported(r, 'name');
    const pc = faultingPc(r, 2, 'PoolUseAfterFreeKasan!DriverUnload', sourceOf(rule, lang), s.line());
    const analysis = assertStop(r, rule, { params: [name, 4, pc, SHADOW.poolFreed], symbol: 'PoolUseAfterFreeKasan!DriverUnload', line: s.line() });
    assert.equal(field(analysis, 'READ_ADDRESS'), `${hex8(name)} Nonpaged pool`);
    assert.equal(field(analysis, 'MEMORY_ACCESS'), `4-byte read at ${hex8(name)}: offset 0x0 of the freed 0xc-byte pool block at ${hex8(name)} (tag IoSB)`);
    assert.equal(field(analysis, 'KASAN_SHADOW_CODE'), `fd (${SHADOW_MEANING[SHADOW.poolFreed]})`);
    assert.ok(analysis.some((l) => / nt!IopUnloadDriver\+/.test(l)), 'the stack is the unload');
    const clean = await assertClean(s.rule);
    assert.ok(clean.dump.debugLog.some((l) => l.includes('name begins 656c7552 (12 bytes)')), 'the clean twin reports the name from its own copy');
  });

  test(`an unchecked NULL from a failed lookup, written in the requesting thread: 0x1E with STATUS_ACCESS_VIOLATION, the instruction, write, NULL + 4 (${lang})`, async () => {
    const rule = RULES.NullPointerAccess;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assert.equal(reported(r, 'setting'), 0, 'the lookup returned NULL');
    const pc = faultingPc(r, 1, 'NullPointerAccess!SetValue', sourceOf(rule, lang), s.line());
    const analysis = assertStop(r, rule, { params: [pc, WRITE, 4], symbol: 'NullPointerAccess!SetValue', line: s.line() });
    assert.equal(field(analysis, 'PROCESS_NAME'), 'dvclient.exe', 'a user thread: 0x1E, not 0x7E');
    const clean = await assertClean(s.rule);
    assert.deepEqual(clean.requests.map((q) => q.status), [STATUS.INVALID_PARAMETER], 'the clean twin refuses the unknown key');
  });

  test(`the same NULL write inside __try/__except: the request fails with 0xC0000005, no bug check, and the driver runs on (${lang})`, async () => {
    const rule = RULES.NullPointerAccess;
    const s = samplesIn(rule, lang);
    // IOCTL_RULE_SET_VALUE_GUARDED with the unknown key, then IOCTL_RULE_SET_VALUE with a known one.
    const r = await runSample(s.rule.sample.violating, ['0x222008:0700000055000000', '0x222004:0100000055000000']);
    assert.equal(r.bugCheck, null, 'the handler took the access violation');
    assert.deepEqual(r.requests.map((q) => q.status), [STATUS.ACCESS_VIOLATION, STATUS.SUCCESS]);
    assert.deepEqual(r.leaks, [], 'nothing left allocated');
    assert.ok(r.shutDown, 'the machine shut down');
  });

  test(`a 0x1800-byte block read after its free (its pages unmapped): 0x50 with the address, read, the instruction, 0 (${lang})`, async () => {
    const rule = RULES.FreedWholePageAccess;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const image = reported(r, 'image');
    assert.equal(image % PAGE_SIZE, 0, 'a whole-page block starts a page');
    const pc = faultingPc(r, 2, 'FreedWholePageAccess!LoadFirmware', sourceOf(rule, lang), s.line());
    const analysis = assertStop(r, rule, { params: [image + 0x1000, READ, pc, 0], symbol: 'FreedWholePageAccess!LoadFirmware', line: s.line() });
    assert.equal(field(analysis, 'READ_ADDRESS'), `${hex8(image + 0x1000)} Nonpaged pool`);
    assert.match(field(analysis, 'MEMORY_ACCESS') ?? '', new RegExp(`^4-byte read at ${hex8(image + 0x1000)}: offset 0x1000 of the freed 0x1800-byte pool block at ${hex8(image)} \\(tag \\S{4}\\)$`));
    assert.ok(calledFrom(framesUnder(analysis, 'BLOCK_FREED_BY'), 'FreedWholePageAccess!LoadFirmware'), 'its free stack from the pool log');
    await assertClean(s.rule);
  });

  test(`a NULL written while holding a spin lock: 0xD1 with the address, IRQL 2, write, the instruction (${lang})`, async () => {
    const rule = RULES.BadAccessAtDispatch;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assert.equal(reported(r, 'channel'), 0, 'the lookup returned NULL');
    const pc = faultingPc(r, 3, 'BadAccessAtDispatch!SetLimit', sourceOf(rule, lang), s.line());
    const analysis = assertStop(r, rule, { params: [4, DISPATCH_LEVEL, WRITE, pc], symbol: 'BadAccessAtDispatch!SetLimit', line: s.line() });
    assert.equal(field(analysis, 'CURRENT_IRQL'), '2 (DISPATCH_LEVEL)');
    assert.equal(field(analysis, 'WRITE_ADDRESS'), '00000004 NULL page (no access)');
    assert.equal(field(analysis, 'MEMORY_ACCESS'), '4-byte write at 00000004');
    const clean = await assertClean(s.rule);
    assert.deepEqual(clean.requests.map((q) => q.status), [STATUS.INVALID_PARAMETER], 'the clean twin refuses the unknown channel');
  });
}

for (const lang of LANGS) {
  test(`paged pool read under a spin lock, Force IRQL checking on: 0xD1 with the address, IRQL 2, read, the instruction; off, it runs (${lang})`, async () => {
    const rule = RULES.PagedPoolAtDispatch;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const channels = reported(r, 'channels');
    const pc = faultingPc(r, 3, 'PagedPoolAtDispatch!FindChannel', sourceOf(rule, lang), s.line());
    const analysis = assertStop(r, rule, { params: [channels, DISPATCH_LEVEL, READ, pc], symbol: 'PagedPoolAtDispatch!FindChannel', line: s.line() });
    assert.equal(field(analysis, 'CURRENT_IRQL'), '2 (DISPATCH_LEVEL)');
    assert.match(field(analysis, 'READ_ADDRESS') ?? '', /^[0-9a-f]{8} Special pool$/, 'under /standard the paged request is in special pool, pageable');
    await assertClean(s.rule);
    const off = await s.run({ verifierFlags: STANDARD_FLAGS & ~VF.FORCE_IRQL_CHECKING });
    assert.equal(off.bugCheck, null, 'without Force IRQL checking the page is resident');
    const plain = await s.run({ verifierFlags: VF.FORCE_IRQL_CHECKING });
    assert.equal(plain.bugCheck?.code, BUGCHECK.DRIVER_IRQL_NOT_LESS_OR_EQUAL, 'paged pool proper (no special pool) is trimmed too');
    assert.match(field(analyzeV(plain), 'READ_ADDRESS') ?? '', /^[0-9a-f]{8} Paged pool$/);
  });
}

test('unbounded recursion in C: the first frame below the 12 KiB stack writes the guard page: 0x7F / 8 (EXCEPTION_DOUBLE_FAULT)', async () => {
  const rule = RULES.KernelStackOverflow;
  const r = await runSample(rule.sample!.violating);
  const line = markedLine('drivers/c/rules/KernelStackOverflow.c');
  const analysis = assertStop(r, rule, { params: [0, 0, 0], symbol: 'KernelStackOverflow!Resolve', line });
  const thread = r.machine.kernel.systemThread; // DriverEntry runs in the System thread
  const written = Number.parseInt(field(analysis, 'WRITE_ADDRESS')!.split(' ')[0]!, 16);
  assert.ok(written < thread.stackLimit && written >= thread.stackLimit - PAGE_SIZE, 'the write is in the guard page below the stack');
  assert.match(field(analysis, 'WRITE_ADDRESS')!, / Kernel stack$/);
  const frames = analysis.filter((l) => / KernelStackOverflow!Resolve\+0x/.test(l)).length;
  assert.ok(frames > 20, `the stack is Resolve calling itself (${frames} frames)`);
  await assertClean(rule);
});

test('an unverified C driver (dv run --verifier off) makes the same bad access unchecked: its image runs as compiled, no stop', async () => {
  const rule = RULES.PoolUseAfterFreeKasan;
  const c = rule.sample!.violating.replace('drivers/ts/', 'drivers/c/').replace(/\.ts$/, '.wasm');
  const verified = await runSample(c, rule.sample!.ioctls);
  assert.equal(verified.bugCheck?.code, rule.code, 'verified, the read of the freed buffer stops');
  assert.equal(verified.machine.loader.checksMemoryOf('PoolUseAfterFreeKasan.sys'), true, 'a verified image is checked');
  const r = await runSample(c, rule.sample!.ioctls, { verifierFlags: undefined });
  assert.equal(r.machine.loader.checksMemoryOf('PoolUseAfterFreeKasan.sys'), false, 'an unverified image runs as compiled');
  assert.equal(r.bugCheck, null, 'unverified (dv run --verifier off), it runs on');
  assert.ok(r.shutDown, 'the machine shut down');
  assert.ok(r.dump.debugLog.some((l) => l.startsWith('PoolUseAfterFreeKasan: unloading, name begins')), 'it ran the same code, the read included');
});

test("a TypeScript driver reading an unloaded C driver's image: 0xCE with the address, read, the instruction", async () => {
  const m = new Machine();
  const k = m.kernel;
  const c = await m.loadDriver(join(ROOT, RULES.SpecialPoolOverrun.sample!.clean.replace('drivers/ts/', 'drivers/c/').replace(/\.ts$/, '.wasm')));
  m.unloadDriver(c);
  const gone = m.loader.unloaded.find((u) => u.name === 'SpecialPoolOverrunClean');
  assert.ok(gone, 'the C driver is in the unloaded module list');
  const peek = (await m.loadDriver(fixture('PeekAddress.ts'))).module;
  const address = gone.base + 0x100;
  const input = new Uint8Array(4);
  new DataView(input.buffer).setUint32(0, address, true);
  let stop: BugCheck | undefined;
  try {
    k.runInThread(k.userThread, () => {
      const open = k.io.files.openDevice('\\Device\\PeekAddress');
      assert.equal(open.status, STATUS.SUCCESS);
      return k.io.files.deviceIoControl(open.file, IOCTL_PEEK, input, 4);
    });
  } catch (e) {
    if (!(e instanceof BugCheck)) throw e;
    stop = e;
  }
  assert.ok(stop, 'the machine stopped');
  assert.equal(stop.code, BUGCHECK.DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, '0xCE');
  const [p1, p2, p3, p4] = stop.params;
  assert.deepEqual([p1, p2, p4], [address, READ, 0], 'the address, a read, reserved');
  assert.ok(p3! >= peek.base && p3! < peek.base + peek.size, 'Parameter 3 is code of the TypeScript driver');
});
