/**
 * Pool allocation and free (automatic checks): zero bytes, paged above APC_LEVEL, nonpaged above
 * DISPATCH_LEVEL, must-succeed, frees of addresses no allocation returned, double frees. Each check
 * runs the TypeScript sample and its C twin (drivers/c/rules, built to wasm).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAGE_SIZE } from '../../../src/kernel/mm/address-space.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../../src/nt/irql.ts';
import { POOL_TYPE } from '../../../src/nt/pool.ts';
import { DebugTarget } from '../../../src/debugger/target.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, reported, LANGS, samplesIn, WITHOUT_DDI_RULES } from './support.ts';

const DEVICE_IRQL = 5;
const ALLOCATE = 'VerifierExAllocatePoolWithTag';
const FREE = 'VerifierExFreePoolWithTag';

for (const lang of LANGS) {
  test(`a zero-byte allocation: 0xC4/0x00 with IRQL, pool type and size 0 (${lang})`, async () => {
    const rule = RULES.ZeroByteAllocation;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [PASSIVE_LEVEL, POOL_TYPE.NonPagedPoolNx, 0], symbol: 'ZeroByteAllocation!LoadTable', line: s.line(), ntFrame: ALLOCATE });
    await assertClean(s.rule);
  });

  test(`paged pool allocated under a spin lock: 0xC4/0x01, DDI compliance off (${lang})`, async () => {
    const rule = RULES.PagedAllocAboveApc;
    const s = samplesIn(rule, lang);
    const r = await s.run(WITHOUT_DDI_RULES);
    assertStop(r, rule, { params: [DISPATCH_LEVEL, POOL_TYPE.PagedPool, 0x40], symbol: 'PagedAllocAboveApc!AppendLogEntry', line: s.line(), ntFrame: ALLOCATE });
    await assertClean(s.rule);
  });

  test(`paged pool freed under a spin lock: 0xC4/0x11 with the block (${lang})`, async () => {
    const rule = RULES.PagedFreeAboveApc;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [DISPATCH_LEVEL, POOL_TYPE.PagedPool, reported(r, 'entry')], symbol: 'PagedFreeAboveApc!DropLogEntry', line: s.line(), ntFrame: FREE });
    await assertClean(s.rule);
  });

  test(`nonpaged pool allocated at device IRQL: 0xC4/0x02, DDI compliance off (${lang})`, async () => {
    const rule = RULES.NonPagedAllocAboveDispatch;
    const s = samplesIn(rule, lang);
    const r = await s.run(WITHOUT_DDI_RULES);
    assertStop(r, rule, { params: [DEVICE_IRQL, POOL_TYPE.NonPagedPoolNx, 0x80], symbol: 'NonPagedAllocAboveDispatch!ServiceInterrupt', line: s.line(), ntFrame: ALLOCATE });
    await assertClean(s.rule);
  });

  test(`nonpaged pool freed at device IRQL: 0xC4/0x12 with the block (${lang})`, async () => {
    const rule = RULES.NonPagedFreeAboveDispatch;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [DEVICE_IRQL, POOL_TYPE.NonPagedPoolNx, reported(r, 'packet')], symbol: 'NonPagedFreeAboveDispatch!ServiceInterrupt', line: s.line(), ntFrame: FREE });
    await assertClean(s.rule);
  });

  test(`a must-succeed allocation: 0xC4/0x03 with IRQL, pool type and size (decisions.md) (${lang})`, async () => {
    const rule = RULES.MustSucceedAllocation;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [PASSIVE_LEVEL, POOL_TYPE.NonPagedPoolMustSucceed, 0x40], symbol: 'MustSucceedAllocation!DriverEntry', line: s.line(), ntFrame: ALLOCATE });
    await assertClean(s.rule);
  });

  test(`a free of an address inside a block: 0xC4/0x10 with that address (${lang})`, async () => {
    const rule = RULES.FreeOfUnallocatedAddress;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [reported(r, 'message') + 8, 0, 0], symbol: 'FreeOfUnallocatedAddress!DriverUnload', line: s.line(), ntFrame: FREE });
    await assertClean(s.rule);
  });

  test(`a free of an address in no pool (a constant in the image): 0xC4/0x16 with the address in Parameter 3 (${lang})`, async () => {
    const rule = RULES.FreeBadAddress;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const buffer = reported(r, 'buffer');
    const image = r.dump.modules.find((m) => m.name === 'FreeBadAddress')!;
    assert.ok(buffer >= image.base && buffer < image.base + image.size, 'the address is in the image');
    assertStop(r, rule, { params: [0, buffer, 0], symbol: 'FreeBadAddress!DriverUnload', line: s.line(), ntFrame: FREE });
    await assertClean(s.rule);
  });

  test(`a double free on an IOCTL error path: 0xC4/0x13 with the pool header and its contents (${lang})`, async () => {
    const rule = RULES.DoubleFree;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const work = reported(r, 'work');
    // Under /standard the block is in special pool: its header is at the start of its page, and its
    // first ULONG is the size requested.
    const header = (work & ~(PAGE_SIZE - 1)) >>> 0;
    assert.equal(new DebugTarget(r.dump).u32(header), 0x40, 'Parameter 4 is what the dump holds at the header');
    const analysis = assertStop(r, rule, { params: [0, header, 0x40], symbol: 'DoubleFree!Submit', line: s.line(), ntFrame: FREE });
    assert.ok(analysis.some((l) => / nt!NtDeviceIoControlFile\+/.test(l)), 'the stack goes down to the IOCTL');
    const clean = await assertClean(s.rule);
    assert.deepEqual(clean.requests.map((q) => q.status), [0xc000000d], 'the clean twin still refuses the short request');
  });

  test(`a double free of a whole-page block (no pool header): 0xC4/0x14 with the block (${lang})`, async () => {
    const rule = RULES.DoubleFreeWholePage;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [0, reported(r, 'transfer'), 0], symbol: 'DoubleFreeWholePage!DriverUnload', line: s.line(), ntFrame: FREE });
    await assertClean(s.rule);
  });
}
