/**
 * Security checks (0x100), 0xC4/0xE2: a driver sends an IRP with RequestorMode = KernelMode that
 * carries a user-mode address. The sample (TS, and its C twin) passes its caller's METHOD_NEITHER
 * output buffer to its worker device in an IRP built by IoBuildDeviceIoControlRequest; the stop is at
 * the IofCallDriver, Parameter 2 the IRP, 3 the user-mode buffer. The clean twin fills a pool buffer
 * and copies it out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VA_MAP } from '../../../src/kernel/mm/address-space.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { LANGS, assertClean, assertStop, field, reported, runSample, samplesIn } from './support.ts';

const rule = RULES.KernelIrpUserAddress;
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

for (const lang of LANGS) {
  const s = samplesIn(rule, lang);

  test(`an IRP of KernelMode carrying the caller's user-mode buffer: 0xC4/0xE2 at IofCallDriver, with the IRP and the address (${lang})`, async () => {
    const r = await s.run();
    const output = reported(r, 'output');
    const request = reported(r, 'request');
    assert.ok(output >= VA_MAP.user.start && output < VA_MAP.user.end, 'the buffer is in user space');
    const analysis = assertStop(r, rule, { params: [request, output, 0], symbol: 'KernelIrpUserAddress!Fetch', line: s.line(), ntFrame: 'VerifierIofCallDriver' });
    assert.equal(field(analysis, 'BUGCHECK_STR'), '0xc4_e2');
    assert.ok(analysis.includes('DRIVER_VERIFIER_DETECTED_VIOLATION (c4)'));
    assert.ok(analysis.some((l) => l.startsWith('Arg1: 000000e2, The caller sent an IRP with RequestorMode = KernelMode that carries a user-mode address')));
    assert.ok(analysis.includes(`Arg2: ${hex8(request)}, IRP address`));
    assert.ok(analysis.includes(`Arg3: ${hex8(output)}, the user-mode address found in the IRP`));
  });

  test(`the clean twin fills its own buffer and copies it to the probed caller buffer (${lang})`, async () => {
    const clean = await assertClean(s.rule);
    assert.deepEqual(clean.requests.map((q) => [q.status, Buffer.from(q.output).toString('hex')]), [[0, '0001020304050607']]);
  });

  test(`without Security checks the sample runs on, as Windows lets it: the worker writes the user buffer (${lang})`, async () => {
    const r = await runSample(s.rule.sample.violating, rule.sample!.ioctls, { verifierFlags: STANDARD_FLAGS & ~VF.SECURITY_CHECKS });
    assert.equal(r.bugCheck, null);
    assert.deepEqual(r.requests.map((q) => [q.status, Buffer.from(q.output).toString('hex')]), [[0, '0001020304050607']]);
  });
}
