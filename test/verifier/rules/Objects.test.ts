/** Synchronization objects in session memory (0xC4/0xDF) and reference counts from 0 (0xC4/0x3F). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VA_MAP } from '../../../src/kernel/mm/address-space.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, markedLine, reported, runSample, runViolating } from './support.ts';

test('KeInitializeEvent on EngAllocMem (session) memory: 0xC4/0xDF with the event', async () => {
  const rule = RULES.SyncObjectInSessionMemory;
  const r = await runViolating(rule);
  const event = reported(r, 'event');
  assert.ok(event >= VA_MAP.session.start && event < VA_MAP.session.end, 'the event is in session space');
  assertStop(r, rule, { params: [event, 0, 0], symbol: 'SyncObjectInSessionMemory!DriverEntry', line: markedLine(rule.sample!.violating), ntFrame: 'VerifierKeInitializeEvent' });
  await assertClean(rule);
});

test('a reference taken through a stale pointer, 0 -> 1: 0xC4/0x3F with the object and 1', async () => {
  const rule = RULES.ObjectReferenceCount;
  const r = await runViolating(rule);
  assertStop(r, rule, { params: [reported(r, 'thread'), 1, 0], symbol: 'ObjectReferenceCount!ReportExit', line: markedLine(rule.sample!.violating), ntFrame: 'VerifierObReferenceObjectByPointer' });
  await assertClean(rule);
});

test('one dereference too many, below 0: 0xC4/0x3F with the object and -1', async () => {
  const rule = RULES.ObjectReferenceCount;
  const variant = rule.variants![0]!;
  const r = await runSample(variant.violating, variant.ioctls);
  assertStop(r, rule, { params: [reported(r, 'thread'), -1, 0], symbol: 'ObjectDereferenceBelowZero!DriverUnload', line: markedLine(variant.violating), ntFrame: 'VerifierObDereferenceObject' });
});
