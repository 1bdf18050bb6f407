/**
 * Force pending I/O requests (0x200, with I/O verification): IoCallDriver of a verified driver
 * returns STATUS_PENDING for an IRP the driver below completed at once, and the completion reaches
 * the driver later, from a worker thread, with Irp->PendingReturned set. A completion routine that
 * does not propagate the pending state runs clean until then (drivers/{ts,c}/rules/ForcePendingCompletion).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDriver } from '../../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { ROOT } from '../../helpers.ts';
import { assertStop, field, languagesOf, markedLine, reported, runSample } from './support.ts';

const FORCED = STANDARD_FLAGS | VF.FORCE_PENDING_IO;
const SAMPLE = 'drivers/ts/rules/ForcePendingCompletion.ts';
const CLEAN = 'drivers/ts/rules/ForcePendingCompletionClean.ts';
const IOCTL = ['0x222004'];

for (const lang of languagesOf(SAMPLE)) {
  test(`a completion routine that does not propagate PendingReturned runs clean under /standard (${lang.lang})`, async () => {
    const r = await runSample(lang.run, IOCTL);
    assert.equal(r.bugCheck, null);
    assert.equal(r.requests[0]?.status, 0, 'the request succeeded');
  });

  test(`with Force pending I/O the same routine gets PendingReturned and stops with 0xC9/0x228 (${lang.lang})`, async () => {
    const r = await runSample(lang.run, IOCTL, { verifierFlags: FORCED });
    const completion = r.machine.kernel.routineAddress(reported(r, 'completion'));
    const analysis = assertStop(r, RULES.CompletionNotMarkedPending, { params: [completion, reported(r, 'irp'), 0] });
    assert.equal(field(analysis, 'SYMBOL_NAME'), 'ForcePendingCompletion!Completion');
    assert.equal(field(analysis, 'FAULTING_SOURCE_LINE_NUMBER'), String(markedLine(lang.source)));
    // The completion went on from a worker thread, after IoCallDriver had returned STATUS_PENDING.
    const stack = analysis.slice(analysis.indexOf('STACK_TEXT:  ') + 2).join('\n');
    assert.match(stack, /nt!ViForcePendingResume\+/);
    assert.match(stack, /nt!ExpWorkerThread\+/);
  });
}

for (const lang of languagesOf(CLEAN)) {
  test(`the clean twin propagates PendingReturned and runs clean with Force pending I/O (${lang.lang})`, async () => {
    const r = await runSample(lang.run, IOCTL, { verifierFlags: FORCED });
    assert.equal(r.bugCheck, null);
    assert.equal(r.requests[0]?.status, 0, 'the request succeeded once the held completion went on');
    assert.deepEqual(r.leaks, []);
    assert.ok(r.shutDown);
  });
}

test('Force pending I/O needs I/O verification (0x210): 0x200 alone forces nothing', async () => {
  const r = await runSample(SAMPLE, IOCTL, { verifierFlags: (STANDARD_FLAGS & ~VF.IO_VERIFICATION) | VF.FORCE_PENDING_IO });
  assert.equal(r.bugCheck, null);
});

test('the PnP sample, whose START forwarding waits on its event, stays clean with Force pending I/O (TS and C)', async () => {
  for (const driver of [join(ROOT, 'drivers/ts/pnp/PnpFunction.ts'), join(ROOT, 'drivers/c/pnp/PnpFunction/PnpFunction.wasm')]) {
    const r = await runDriver({ driver, verifierFlags: FORCED, requests: [{ kind: 'ioctl', code: 0x222400, input: Buffer.from('41424344', 'hex'), outputLength: 4 }] });
    assert.equal(r.bugCheck, null, driver);
    assert.equal(r.hang, null, driver);
  }
});
