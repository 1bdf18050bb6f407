/**
 * I/O verification (0x10): the 0xC9 family, 0xC4/0x105 and 0xFA, and the I/O manager's own 0x44,
 * each on its TypeScript sample and its C twin (drivers/c/rules, built on IoRule.h): the code, all
 * four parameters, the !analyze -v text and the line blamed; each clean twin runs clean. With the
 * option off the same samples run on, as Windows lets them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STATUS } from '../../../src/nt/status.ts';
import type { RunOutcome } from '../../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, field, languagesOf, markedLine, reported, runSample } from './support.ts';

const routine = (r: RunOutcome, key: string) => r.machine.kernel.routineAddress(reported(r, key));
/** `Name!Function+0x.. (file(line))` of a code address the stop names. */
const describe = (r: RunOutcome, address: number) => r.machine.kernel.describe(address);

interface Case {
  readonly title: string;
  readonly rule: VerifierRule;
  /** Parameters 2-4 (all four for a rule without a fixed Parameter 1). */
  readonly params: (r: RunOutcome) => number[];
  /** The function blamed. */
  readonly blamed: string;
  /** The stop is about a routine that returned: !analyze names the routine itself (no offset), at its first line. */
  readonly returned?: boolean;
  /** The verifier frame under KeBugCheckEx (thunk violations). */
  readonly ntFrame?: string;
  /** A parameter that is a call site in the sample: its index (1-based) and the function holding it. */
  readonly callSite?: { readonly param: number; readonly in: string };
}

const cases: Case[] = [
  { title: 'IoCompleteRequest with STATUS_PENDING: 0xC9/0x06', rule: RULES.CompleteWithPending, params: (r) => [STATUS.PENDING, reported(r, 'irp'), 0], blamed: 'Control', ntFrame: 'VerifierIofCompleteRequest' },
  { title: 'IoCompleteRequest with the cancel routine set: 0xC9/0x07', rule: RULES.CompleteWithCancelRoutine, params: (r) => [routine(r, 'cancel'), reported(r, 'irp'), 0], blamed: 'Control', ntFrame: 'VerifierIofCompleteRequest' },
  { title: 'IoCompleteRequest at DIRQL: 0xC9/0x0E', rule: RULES.CompleteAboveDispatch, params: (r) => [5, reported(r, 'irp'), 0], blamed: 'Control', ntFrame: 'VerifierIofCompleteRequest' },
  { title: 'a dispatch routine returns at DISPATCH_LEVEL: 0xC9/0x05', rule: RULES.DispatchIrqlChanged, params: (r) => [reported(r, 'device'), 0, 2], blamed: 'Control', returned: true },
  { title: 'STATUS_PENDING returned without IoMarkIrpPending: 0xC9/0x23D', rule: RULES.PendingNotMarked, params: (r) => [routine(r, 'control'), reported(r, 'irp'), STATUS.PENDING], blamed: 'Control', returned: true },
  { title: 'marked pending, STATUS_SUCCESS returned: 0xC9/0x23E', rule: RULES.MarkedNotPending, params: (r) => [routine(r, 'control'), reported(r, 'irp'), STATUS.SUCCESS], blamed: 'Control', returned: true },
  { title: 'a status returned other than the one completed: 0xC9/0x224', rule: RULES.ReturnStatusMismatch, params: (r) => [routine(r, 'control'), reported(r, 'irp'), STATUS.BUFFER_TOO_SMALL], blamed: 'Control', returned: true },
  { title: 'a completion routine not propagating PendingReturned: 0xC9/0x228', rule: RULES.CompletionNotMarkedPending, params: (r) => [routine(r, 'completion'), reported(r, 'irp'), 0], blamed: 'Completion', returned: true },
  { title: 'IoCallDriver at DIRQL: 0xC9/0x10', rule: RULES.CallDriverAboveDispatch, params: () => [5, 0, 0], blamed: 'Control', ntFrame: 'VerifierIofCallDriver' },
  { title: 'IoFreeIrp of an IRP still held below: 0xC9/0x20B', rule: RULES.FreeIrpInUse, params: (r) => [r.bugCheck!.params[1]!, reported(r, 'irp'), 0], blamed: 'Control', ntFrame: 'VerifierIoFreeIrp', callSite: { param: 2, in: 'Control' } },
  { title: 'ExFreePool of an IRP: 0xC4/0x105', rule: RULES.IrpFreedWithExFreePool, params: (r) => [reported(r, 'irp'), 0, 0], blamed: 'Control', ntFrame: 'VerifierExFreePool' },
  { title: 'IoCallDriver given a record, not an IRP: 0xC9/0x03', rule: RULES.CallDriverNotAnIrp, params: (r) => [reported(r, 'request'), 0, 0], blamed: 'Control', ntFrame: 'VerifierIofCallDriver' },
  { title: 'IoCallDriver given the driver object: 0xC9/0x04', rule: RULES.CallDriverBadDevice, params: (r) => [reported(r, 'driver'), 0, 0], blamed: 'Control', ntFrame: 'VerifierIofCallDriver' },
  {
    title: 'IoCallDriver of an IRP with its cancel routine set: 0xC9/0x203',
    rule: RULES.ForwardWithCancelRoutine,
    params: (r) => [r.bugCheck!.params[1]!, reported(r, 'irp'), routine(r, 'cancel')],
    blamed: 'Control',
    ntFrame: 'VerifierIofCallDriver',
    callSite: { param: 2, in: 'Control' },
  },
  { title: 'IoFreeIrp of pool that is not an IRP: 0xC9/0x01', rule: RULES.FreeNotAnIrp, params: (r) => [reported(r, 'request'), 0, 0], blamed: 'Control', ntFrame: 'VerifierIoFreeIrp' },
  { title: 'a completion routine returns at DISPATCH_LEVEL: 0xC4/0xFA', rule: RULES.CompletionRoutineIrqlChanged, params: (r) => [routine(r, 'completion'), 0, 2], blamed: 'Completion', returned: true },
  { title: 'an IRP completed twice: 0x44 from the I/O manager', rule: RULES.MultipleIrpComplete, params: (r) => [reported(r, 'irp'), 0, 0, 0], blamed: 'Control' },
];

for (const c of cases) {
  const sample = c.rule.sample!;
  for (const lang of languagesOf(sample.violating)) {
    test(`${c.title} (${lang.lang})`, async () => {
      const r = await runSample(lang.run, sample.ioctls);
      const name = sample.violating.replace(/^.*\//, '').replace(/\.ts$/, '');
      const line = markedLine(lang.source);
      // In C, ExFreePool is its own import; TypeScript calls the same DDI.
      if (c.returned) {
        const analysis = assertStop(r, c.rule, { params: c.params(r) });
        assert.equal(field(analysis, 'SYMBOL_NAME'), `${name}!${c.blamed}`, 'SYMBOL_NAME: the routine that returned');
        assert.equal(field(analysis, 'FAULTING_SOURCE_LINE_NUMBER'), String(line), 'its first line');
      } else {
        assertStop(r, c.rule, { params: c.params(r), symbol: `${name}!${c.blamed}`, line, ...(c.ntFrame ? { ntFrame: c.ntFrame } : {}) });
      }
      if (c.callSite) {
        assert.match(describe(r, r.bugCheck!.params[c.callSite.param - 1]!), new RegExp(`^${name}!${c.callSite.in}\\+0x[0-9a-f]+ \\(.*\\(${line}\\)\\)$`), 'the call site is the marked line');
      }
    });
  }
  for (const lang of languagesOf(sample.clean)) {
    test(`${c.rule.name}Clean: no stop (${lang.lang})`, async () => {
      await assertClean({ ...c.rule, sample: { ...sample, clean: lang.run } });
    });
  }
}

test('with I/O verification off the violating samples run on, as Windows lets them (0x44 is the I/O manager\'s own)', async () => {
  for (const c of cases) {
    const r = await runSample(c.rule.sample!.violating, c.rule.sample!.ioctls, { verifierFlags: STANDARD_FLAGS & ~VF.IO_VERIFICATION });
    if (c.rule === RULES.MultipleIrpComplete) assert.equal(r.bugCheck?.code, 0x44, c.rule.name);
    else assert.ok(r.bugCheck === null || r.bugCheck.code !== 0xc9, `${c.rule.name}: no 0xC9 without the option`);
  }
});
