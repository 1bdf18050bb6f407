/**
 * Security checks (0x100): a ZwXxx routine called by a driver runs as KernelMode and trusts its
 * arguments, so a user-mode address among them is 0xC4/0xE3 and a malformed UNICODE_STRING 0xC4/0xE4;
 * Parameter 2 of both is the address of the driver's call (the return address under the verifier's
 * thunk in the stack).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VA_MAP } from '../../../src/kernel/mm/address-space.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import type { RunOutcome } from '../../../src/system/run.ts';
import { LANGS, analyzeV, assertClean, assertStop, markedLine, reported, runSample, samplesIn } from './support.ts';


/** The return address into the driver on the thunk's line of STACK_TEXT (`RetAddr Call Site`). */
function callAddress(r: RunOutcome, thunk: string): number {
  const line = analyzeV(r).find((l) => l.includes(` nt!${thunk}+`));
  assert.ok(line, `the stack shows nt!${thunk}`);
  return Number.parseInt(line.split(' ')[0]!, 16);
}

for (const lang of LANGS) {
  test(`ZwSetValueKey given the caller's METHOD_NEITHER buffer: 0xC4/0xE3 with the call and the user address (${lang})`, async () => {
    const rule = RULES.ZwUserAddress;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const input = reported(r, 'input');
    assert.ok(input >= VA_MAP.user.start && input < VA_MAP.user.end, 'the buffer is in user space');
    const call = callAddress(r, 'VerifierZwSetValueKey');
    assertStop(r, rule, { params: [call, input, 0], symbol: 'ZwUserAddress!SaveSettings', line: s.line(), ntFrame: 'VerifierZwSetValueKey' });
    const clean = await assertClean(s.rule);
    assert.deepEqual(clean.requests.map((q) => q.status), [0], 'the clean twin stores the probed copy');
  });

  test(`ZwQueryValueKey given a name whose Length counts characters: 0xC4/0xE4 with the call and the string (${lang})`, async () => {
    const rule = RULES.ZwMalformedUnicodeString;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const call = callAddress(r, 'VerifierZwQueryValueKey');
    assertStop(r, rule, { params: [call, reported(r, 'name'), 0], symbol: 'ZwMalformedUnicodeString!ReadThreshold', line: s.line(), ntFrame: 'VerifierZwQueryValueKey' });
    await assertClean(s.rule);
  });
}

test('without Security checks both samples run on, as Windows lets them', async () => {
  for (const rule of [RULES.ZwUserAddress, RULES.ZwMalformedUnicodeString]) {
    for (const lang of LANGS) {
      const r = await runSample(samplesIn(rule, lang).rule.sample.violating, rule.sample!.ioctls, { verifierFlags: STANDARD_FLAGS & ~VF.SECURITY_CHECKS });
      assert.equal(r.bugCheck, null, `${rule.name} (${lang}) with the option off`);
      assert.ok(r.shutDown);
    }
  }
});

test("an OBJECT_ATTRIBUTES of the driver's own whose SecurityDescriptor is the caller's buffer: 0xC4/0xE3 with that address", async () => {
  const path = 'test/fixtures/drivers/ZwUserSecurityDescriptor.ts';
  const r = await runSample(path, ['0x22200b:0100040000000000']);
  const descriptor = reported(r, 'descriptor');
  assert.ok(descriptor >= VA_MAP.user.start && descriptor < VA_MAP.user.end, 'the descriptor is in user space');
  assertStop(r, RULES.ZwUserAddress, { params: [callAddress(r, 'VerifierZwCreateKey'), descriptor, 0], symbol: 'ZwUserSecurityDescriptor!CreateSubkey', line: markedLine(path), ntFrame: 'VerifierZwCreateKey' });
});
