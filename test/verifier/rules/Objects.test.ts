/**
 * Synchronization objects in session memory (0xC4/0xDF) and reference counts from 0 (0xC4/0x3F), each
 * on the TypeScript sample and on its C twin (drivers/c/rules).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VA_MAP } from '../../../src/kernel/mm/address-space.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, languagesOf, markedLine, reported, runSample } from './support.ts';

/** The rule's clean twin in each language: no stop, nothing left, the machine shuts down. */
function cleanTwin(rule: VerifierRule): void {
  for (const lang of languagesOf(rule.sample!.clean)) {
    test(`${rule.name}Clean: no stop (${lang.lang})`, async () => {
      await assertClean({ ...rule, sample: { ...rule.sample!, clean: lang.run } });
    });
  }
}

for (const lang of languagesOf(RULES.SyncObjectInSessionMemory.sample!.violating)) {
  test(`KeInitializeEvent on EngAllocMem (session) memory: 0xC4/0xDF with the event (${lang.lang})`, async () => {
    const rule = RULES.SyncObjectInSessionMemory;
    const r = await runSample(lang.run, rule.sample!.ioctls);
    const event = reported(r, 'event');
    assert.ok(event >= VA_MAP.session.start && event < VA_MAP.session.end, 'the event is in session space');
    assertStop(r, rule, { params: [event, 0, 0], symbol: 'SyncObjectInSessionMemory!DriverEntry', line: markedLine(lang.source), ntFrame: 'VerifierKeInitializeEvent' });
  });
}
cleanTwin(RULES.SyncObjectInSessionMemory);

for (const lang of languagesOf(RULES.ObjectReferenceCount.sample!.violating)) {
  test(`a reference taken through a stale pointer, 0 -> 1: 0xC4/0x3F with the object and 1 (${lang.lang})`, async () => {
    const rule = RULES.ObjectReferenceCount;
    const r = await runSample(lang.run, rule.sample!.ioctls);
    assertStop(r, rule, { params: [reported(r, 'thread'), 1, 0], symbol: 'ObjectReferenceCount!ReportExit', line: markedLine(lang.source), ntFrame: 'VerifierObReferenceObjectByPointer' });
  });
}
cleanTwin(RULES.ObjectReferenceCount);

for (const lang of languagesOf(RULES.ObjectReferenceCount.variants![0]!.violating)) {
  test(`one dereference too many, below 0: 0xC4/0x3F with the object and -1 (${lang.lang})`, async () => {
    const rule = RULES.ObjectReferenceCount;
    const variant = rule.variants![0]!;
    const r = await runSample(lang.run, variant.ioctls);
    // In C, ObDereferenceObject is wdm.h's macro for ObfDereferenceObject, so that is the routine called.
    const ntFrame = lang.lang === 'c' ? 'VerifierObfDereferenceObject' : 'VerifierObDereferenceObject';
    assertStop(r, rule, { params: [reported(r, 'thread'), -1, 0], symbol: 'ObjectDereferenceBelowZero!DriverUnload', line: markedLine(lang.source), ntFrame });
  });
}
