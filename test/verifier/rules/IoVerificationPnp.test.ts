/**
 * I/O verification's PnP and power rules (0xC9 0x20E..0x232), 0x226 (a dispatch routine that
 * leaves its IRP), 0x208 (an IRP out of stack locations) and 0x09 (IoBuildDeviceIoControlRequest of
 * a freed buffer), each on its TypeScript sample and its C
 * twin (drivers/c/rules, built on PnpRule.h), run under the PnP manager: the code, all four
 * parameters, the !analyze -v text and the line blamed. The one clean twin (PnpIrpsClean) does each
 * thing right, through a sleep and a removal. With the option off the samples run on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IRP_MN_PNP } from '../../../src/nt/pnp.ts';
import { STATUS } from '../../../src/nt/status.ts';
import type { RunOutcome } from '../../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, field, languagesOf, markedLine, reported, runSample, type Extra } from './support.ts';

const routine = (r: RunOutcome, key: string) => r.machine.kernel.routineAddress(reported(r, key));
const callSite = (r: RunOutcome) => r.bugCheck!.params[1]!;
/** The power rules need power IRPs: a sleep (S3) and wake after the start. */
const SLEEP: Extra = { sleep: true };

interface Case {
  readonly rule: VerifierRule;
  /** Parameters 2-4. */
  readonly params: (r: RunOutcome) => number[];
  /** The function blamed. */
  readonly blamed: string;
  /** The stop is about a dispatch routine that returned: !analyze names the routine at its first line. */
  readonly returned?: boolean;
  /** The verifier frame under KeBugCheckEx (checks made in a thunk); Parameter 2 is then the call site. */
  readonly ntFrame?: string;
  readonly extra?: Extra;
  /** Parameter 2 is not the call site (0x09: the device). */
  readonly noCallSite?: boolean;
}

const cases: Case[] = [
  { rule: RULES.PnpIrpInitialStatus, params: (r) => [callSite(r), reported(r, 'irp'), 0], blamed: 'QueryCapabilities', ntFrame: 'VerifierIofCallDriver' },
  { rule: RULES.PowerIrpInitialStatus, params: (r) => [callSite(r), reported(r, 'irp'), 0], blamed: 'QueryPowerSequence', ntFrame: 'VerifierPoCallDriver' },
  { rule: RULES.PnpFailurePassedDown, params: (r) => [callSite(r), reported(r, 'irp'), STATUS.DEVICE_NOT_READY], blamed: 'DispatchPnp', ntFrame: 'VerifierIofCallDriver' },
  { rule: RULES.PowerFailurePassedDown, params: (r) => [callSite(r), reported(r, 'irp'), STATUS.DEVICE_BUSY], blamed: 'DispatchPower', ntFrame: 'VerifierPoCallDriver', extra: SLEEP },
  { rule: RULES.PnpRemoveNotDetached, params: (r) => [routine(r, 'dispatch'), reported(r, 'irp'), reported(r, 'fdo')], blamed: 'DispatchPnp', returned: true },
  { rule: RULES.PnpRemoveNotDeleted, params: (r) => [routine(r, 'dispatch'), reported(r, 'irp'), reported(r, 'fdo')], blamed: 'DispatchPnp', returned: true },
  { rule: RULES.PnpSuccessCompleted, params: (r) => [callSite(r), reported(r, 'irp'), STATUS.SUCCESS], blamed: 'DispatchPnp', ntFrame: 'VerifierIofCompleteRequest' },
  { rule: RULES.PnpUntouchedCompleted, params: (r) => [callSite(r), reported(r, 'irp'), 0], blamed: 'DispatchPnp', ntFrame: 'VerifierIofCompleteRequest' },
  { rule: RULES.DispatchLeftIrp, params: (r) => [routine(r, 'control'), reported(r, 'irp'), STATUS.BUFFER_TOO_SMALL], blamed: 'Control', returned: true },
  { rule: RULES.BuildIoctlBadBuffer, params: (r) => [reported(r, 'device'), 0x222004, STATUS.ACCESS_VIOLATION], blamed: 'Control', ntFrame: 'VerifierIoBuildDeviceIoControlRequest', noCallSite: true },
  { rule: RULES.IrpStackExhausted, params: (r) => [callSite(r), reported(r, 'irp'), 0], blamed: 'Control', ntFrame: 'VerifierIofCallDriver' },
  { rule: RULES.PowerUntouchedCompleted, params: (r) => [callSite(r), reported(r, 'irp'), 0], blamed: 'DispatchPower', ntFrame: 'VerifierIofCompleteRequest', extra: SLEEP },
  { rule: RULES.PowerSuccessCompleted, params: (r) => [callSite(r), reported(r, 'irp'), STATUS.SUCCESS], blamed: 'DispatchPower', ntFrame: 'VerifierIofCompleteRequest', extra: SLEEP },
];

for (const c of cases) {
  const sample = c.rule.sample!;
  for (const lang of languagesOf(sample.violating)) {
    test(`${c.rule.name}: 0xC9/0x${c.rule.p1!.toString(16).toUpperCase()} (${lang.lang})`, async () => {
      const r = await runSample(lang.run, sample.ioctls, c.extra);
      const name = sample.violating.replace(/^.*\//, '').replace(/\.ts$/, '');
      const line = markedLine(lang.source);
      if (c.returned) {
        const analysis = assertStop(r, c.rule, { params: c.params(r) });
        assert.equal(field(analysis, 'SYMBOL_NAME'), `${name}!${c.blamed}`, 'SYMBOL_NAME: the routine that returned');
        assert.equal(field(analysis, 'FAULTING_SOURCE_LINE_NUMBER'), String(line), 'its first line');
      } else {
        assertStop(r, c.rule, { params: c.params(r), symbol: `${name}!${c.blamed}`, line, ntFrame: c.ntFrame! });
        // Parameter 2 is the call site: the marked line, in the function blamed.
        if (!c.noCallSite) assert.match(r.machine.kernel.describe(callSite(r)), new RegExp(`^${name}!${c.blamed}\\+0x[0-9a-f]+ \\(.*\\(${line}\\)\\)$`), 'Parameter 2 is the call site');
      }
    });
  }
}

for (const lang of languagesOf('drivers/ts/rules/PnpIrpsClean.ts')) {
  test(`PnpIrpsClean: every PnP and power IRP handled right, through a sleep and a removal: no stop (${lang.lang})`, async () => {
    const r = await assertClean({ ...RULES.PnpSuccessCompleted, sample: { ...RULES.PnpSuccessCompleted.sample!, clean: lang.run } }, SLEEP);
    // It did what its violating twins do wrong: built IRPs sent, a failure completed, the removal passed down.
    const irps = r.pnp?.irps ?? [];
    assert.ok(irps.some((i) => i.minor === IRP_MN_PNP.QUERY_PNP_DEVICE_STATE && i.status === STATUS.DEVICE_NOT_READY), 'QUERY_PNP_DEVICE_STATE failed by completion');
    assert.ok(irps.some((i) => i.minor === IRP_MN_PNP.REMOVE_DEVICE && i.status === STATUS.SUCCESS), 'the removal went down and succeeded');
    assert.equal(r.pnp?.state, 'DeviceNodeDeleted', 'the device is gone');
  });
}

for (const rule of [RULES.DispatchLeftIrp, RULES.BuildIoctlBadBuffer, RULES.IrpStackExhausted]) {
  for (const lang of languagesOf(rule.sample!.clean)) {
    test(`${rule.name}Clean: no stop (${lang.lang})`, async () => {
      await assertClean({ ...rule, sample: { ...rule.sample!, clean: lang.run } });
    });
  }
}

test('with I/O verification off the violating samples run on, as Windows lets them', async () => {
  for (const c of cases) {
    for (const lang of languagesOf(c.rule.sample!.violating)) {
      const run = runSample(lang.run, c.rule.sample!.ioctls, { ...c.extra, verifierFlags: STANDARD_FLAGS & ~VF.IO_VERIFICATION });
      // The I/O manager cannot go on with a request nobody will complete: dv says so (exit 2), as before the check.
      if (c.rule === RULES.DispatchLeftIrp) {
        await assert.rejects(run, /without completing IRP [0-9a-f]+ or returning STATUS_PENDING/);
        continue;
      }
      const r = await run;
      // Without it, the kernel's own stop for an IRP out of stack locations.
      if (c.rule === RULES.IrpStackExhausted) assert.equal(r.bugCheck?.code, 0x35, 'NO_MORE_IRP_STACK_LOCATIONS');
      assert.ok(r.bugCheck === null || r.bugCheck.code !== 0xc9, `${c.rule.name} (${lang.lang}): no 0xC9 without the option`);
    }
  }
});
