/** The pinned nt routines keep their addresses whatever a run registers after them (golden stacks depend on it). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NtImage } from '../../src/kernel/nt-image.ts';
import { PINNED_ROUTINES } from '../../src/kernel/nt-pinned.ts';
import { Machine } from '../../src/system/machine.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';

test('a name registered later that hashes to a pinned routine\'s slot takes another one: IoAcquireRemoveLockEx and VerifierIoAllocateWorkItem', () => {
  const alone = new NtImage();
  const pinned = alone.address('VerifierIoAllocateWorkItem');
  const image = new NtImage();
  image.addRoutines(['IoAcquireRemoveLockEx']);
  assert.equal(image.address('VerifierIoAllocateWorkItem'), pinned);
  assert.notEqual(image.address('IoAcquireRemoveLockEx'), pinned);
});

test('in a machine with the verifier and a driver object, every pinned routine is where an image with nothing else puts it', () => {
  const reference = new NtImage();
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['X.sys'] } });
  m.kernel.io.createDriverObject('X', 0x9b000000, 0x1000);
  const moved = PINNED_ROUTINES.filter((n) => m.kernel.nt.address(n) !== reference.address(n));
  assert.deepEqual(moved, []);
});
