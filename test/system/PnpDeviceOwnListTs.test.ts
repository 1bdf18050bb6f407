/**
 * PnpDeviceOwnList.ts, the TypeScript violating twin of the combined function driver: PnpDevice.ts with
 * its DPC taking the oldest read off the driver's own list instead of IoCsqRemoveNextIrp (a small file
 * importing PnpDevice.ts: the loader lays a driver's own imported files out as its code, so their
 * routines are addressable). I/O verification stops the completion of a read whose cancel routine is
 * still set: 0xC9/0x07, with the queue's cancel routine, the read and 0; !analyze -v blames
 * PnpDevice.ts' Complete at its IofCompleteRequest, in the twin's image.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseResourceSpec } from '../../src/kernel/pnp/resources.ts';
import { IO_TYPE, IRP_MJ } from '../../src/nt/io.ts';
import { IO_STACK_LOCATION, IRP } from '../../src/nt/layout.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { RULES } from '../../src/verifier/rules.ts';
import { ROOT } from '../helpers.ts';
import { assertStop } from '../verifier/rules/support.ts';

const TWIN = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpDeviceOwnList.ts');
const SOURCE = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpDevice.ts');

const run = (verifierFlags: number) =>
  runDriver({
    driver: TWIN,
    verifierFlags,
    resources: parseResourceSpec('mem:0xfe000000:0x1000,irq:5'),
    requests: [{ kind: 'write', data: Buffer.from('hello') }, { kind: 'read', length: 16 }],
  });

test('PnpDeviceOwnList.ts: the DPC completes a read the queue still holds: 0xC9/0x07 with the queue\'s cancel routine and the read', async () => {
  const r = await run(STANDARD_FLAGS);
  const k = r.machine.kernel;
  const irp = r.bugCheck?.params[2] ?? 0;
  assert.equal(k.as.u16(irp + IRP.off.Type), IO_TYPE.IRP, 'Parameter 3 is an IRP');
  assert.equal(k.as.u8(k.io.currentStackLocation(irp) + IO_STACK_LOCATION.off.MajorFunction), IRP_MJ.READ, 'the read');
  const line = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes('ddi.IofCompleteRequest(')) + 1;
  const analysis = assertStop(r, RULES.CompleteWithCancelRoutine, {
    params: [k.routineAddress(k.nt.address('IopCsqCancelRoutine')), irp, 0],
    symbol: 'PnpDeviceOwnList!Complete',
    line,
    ntFrame: 'VerifierIofCompleteRequest',
  });
  assert.ok(analysis.some((l) => /^FAULTING_SOURCE_FILE: +.*PnpDevice\.ts$/.test(l)), 'the line is in PnpDevice.ts, one of the twin\'s own files');
  assert.ok(analysis.some((l) => / PnpDeviceOwnList!DpcForIsr\+0x/.test(l)), 'the DPC is on the stack');
});

test('PnpDeviceOwnList.ts without I/O verification runs on, as Windows lets it: the read gets its bytes', async () => {
  const r = await run(STANDARD_FLAGS & ~VF.IO_VERIFICATION);
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.requests.map((q) => Buffer.from(q.output).toString()), ['', 'hello']);
});
