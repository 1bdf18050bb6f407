/**
 * A C driver built by dv build runs in the simulated kernel under Driver Verifier: the structures
 * it reads (IRP, stack location, system buffer) are where the kernel put them, its DbgPrintEx
 * arguments arrive, its pool comes back at unload, and a leak is caught as on Windows.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED } from '../../src/nt/io.ts';
import { runDriver, type IoctlRequest } from '../../src/system/run.ts';
import { parseFlags } from '../../src/verifier/settings.ts';
import { ROOT } from '../helpers.ts';
import { NEEDS_CLANG } from './support.ts';

const IOCTL_SAMPLE_HELLO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_SAMPLE_QUEUE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const sources = ['Sample.c', 'SampleUtil.c'].map((f) => join(ROOT, 'test', 'fixtures', 'c', f));

async function runSample(defines: string[], ioctls: IoctlRequest[], onDebugPrint?: (line: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'dv-e2e-'));
  try {
    const driver = join(dir, 'Sample.wasm');
    const built = buildDriver({ sources, output: driver, defines });
    assert.ok(built.ok, built.diagnostics);
    return await runDriver({ driver, verifierFlags: parseFlags('standard'), ioctls, onDebugPrint });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const queue = (bytes: number): IoctlRequest => ({ code: IOCTL_SAMPLE_QUEUE, input: new Uint8Array(bytes), outputLength: 0 });

test('the C sample loads, answers IOCTLs and unloads clean under /standard', { skip: NEEDS_CLANG }, async () => {
  const prints: string[] = [];
  const outcome = await runSample([], [queue(16), queue(40), { code: IOCTL_SAMPLE_HELLO, input: new Uint8Array(0), outputLength: 64 }], (l) => prints.push(l));
  assert.equal(outcome.bugCheck, null);
  assert.ok(prints.some((l) => /^Sample: \\Device\\Sample at [0-9A-F]{8}, irql 0$/.test(l)), prints.join('\n'));
  const hello = outcome.requests[2]!;
  assert.equal(hello.status, 0);
  assert.match(Buffer.from(hello.output.subarray(0, hello.information - 1)).toString(), /^blocks=2 timer=\d+$/);
});

test('built with -D SAMPLE_LEAK_AT_UNLOAD, its two blocks are caught at unload: 0xC4/0x62', { skip: NEEDS_CLANG }, async () => {
  const outcome = await runSample(['SAMPLE_LEAK_AT_UNLOAD'], [queue(16), queue(40)]);
  assert.equal(outcome.bugCheck?.code, 0xc4);
  assert.equal(outcome.bugCheck?.params[0], 0x62);
  assert.equal(outcome.bugCheck?.params[3], 2);
});
