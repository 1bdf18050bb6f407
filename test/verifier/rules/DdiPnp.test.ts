/**
 * DDI compliance rule PnpRemove (0xC4 / 0x43006): a function driver fails IRP_MN_REMOVE_DEVICE
 * (STATUS_DEVICE_BUSY, its timer still set) when the PnP manager removes its device at the end of
 * the run. The clean twin cancels the timer and passes the removal down. C only: the samples are
 * PnP drivers (AddDevice, no device of their own), so dv run starts them under the PnP manager.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, field, analyzeV, markedLine, runViolating } from './support.ts';

test('PnpRemove: IRP_MN_REMOVE_DEVICE completed with STATUS_DEVICE_BUSY stops with 0xC4/0x43006 at the completion', async () => {
  const rule = RULES.PnpRemove;
  const r = await runViolating(rule);
  const condition = r.bugCheck?.params[1] ?? 0;
  assertStop(r, rule, { params: [condition, 0, 0], symbol: 'PnpRemove!RemoveDevice', line: markedLine('drivers/c/rules/PnpRemove.c'), ntFrame: 'VerifierIofCompleteRequest' });
  assert.equal(r.machine.kernel.as.cstring(condition), 'IofCompleteRequest should not be called to fail IRP_MN_REMOVE_DEVICE.');
  assert.equal(field(analyzeV(r), 'BUGCHECK_STR'), '0xc4_PnpRemove_XDV');
  await assertClean(rule);
});

test('PnpRemove without DDI compliance checking: the failed removal is reported by the run, not stopped', async () => {
  const r = await runViolating(RULES.PnpRemove, { verifierFlags: STANDARD_FLAGS & ~VF.DDI_COMPLIANCE });
  assert.equal(r.bugCheck, null);
  assert.ok(r.dump.debugLog.every((l) => !l.includes('Extension abort')));
});
