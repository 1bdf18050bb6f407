/**
 * PnpDeviceOwnList.c, the violating twin of the combined function driver: its DPC unlinks the oldest read
 * from the driver's own list instead of IoCsqRemoveNextIrp, so it completes a read whose cancel routine
 * (the cancel-safe queue's) is still set. I/O verification (in /standard) stops the completion: 0xC9/0x07,
 * with the cancel routine, the read's IRP and 0, and !analyze -v blames the DPC at the completion's line.
 * PnpDevice itself does the same requests clean (PnpDevice.test.ts).
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

const TWIN = join(ROOT, 'drivers', 'c', 'pnp', 'PnpDeviceOwnList', 'PnpDeviceOwnList.wasm');
const SOURCE = join(ROOT, 'drivers', 'c', 'pnp', 'PnpDevice', 'PnpDevice.c');

const run = (verifierFlags: number) =>
  runDriver({
    driver: TWIN,
    verifierFlags,
    resources: parseResourceSpec('mem:0xfe000000:0x1000,irq:5'),
    requests: [{ kind: 'write', data: Buffer.from('hello') }, { kind: 'read', length: 16 }],
  });

test('PnpDeviceOwnList.c: the DPC completes a read the queue still holds: 0xC9/0x07 with the queue\'s cancel routine and the read', async () => {
  const r = await run(STANDARD_FLAGS);
  const k = r.machine.kernel;
  const irp = r.bugCheck?.params[2] ?? 0;
  assert.equal(k.as.u16(irp + IRP.off.Type), IO_TYPE.IRP, 'Parameter 3 is an IRP');
  assert.equal(k.as.u8(k.io.currentStackLocation(irp) + IO_STACK_LOCATION.off.MajorFunction), IRP_MJ.READ, 'the read');
  // The line blamed: Complete()'s IoCompleteRequest, inlined into the DPC.
  const line = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes('IoCompleteRequest(Irp, IO_NO_INCREMENT);')) + 1;
  assertStop(r, RULES.CompleteWithCancelRoutine, {
    params: [k.routineAddress(k.nt.address('IopCsqCancelRoutine')), irp, 0],
    symbol: 'PnpDeviceOwnList!DpcForIsr',
    line,
    ntFrame: 'VerifierIofCompleteRequest',
  });
});

test('PnpDeviceOwnList.c without I/O verification runs on, as Windows lets it: the read gets its bytes', async () => {
  const r = await run(STANDARD_FLAGS & ~VF.IO_VERIFICATION);
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.requests.map((q) => Buffer.from(q.output).toString()), ['', 'hello']);
});
