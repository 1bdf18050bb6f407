/**
 * Coverage of wasm drivers: a counter per basic block, read back per source line (lcov). The branch
 * a request takes counts, the one it does not stays 0, the counts are the same on every run, and dv
 * run --coverage writes the tracefile and says how much ran.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { ROOT } from '../helpers.ts';

const SAMPLE = join(ROOT, 'drivers', 'c', 'SampleIo', 'SampleIo.wasm');
const IOCTL_C = 'drivers/c/SampleIo/ioctl.c';
/** The 1-based line of the first line containing `text` after the line containing `after`. */
function lineOf(after: string, text: string): number {
  const lines = readFileSync(join(ROOT, IOCTL_C), 'utf8').split('\n');
  const from = lines.findIndex((l) => l.includes(after));
  return lines.findIndex((l, i) => i > from && l.includes(text)) + 1;
}
const IOCTL_SAMPLEIO_CHECKSUM = 0x222400;

/** lcov DA records of one source file: line -> count. */
function linesOf(lcov: string, file: string): Map<number, number> {
  const record = lcov.split('end_of_record').find((r) => r.includes(`SF:${file}\n`));
  assert.ok(record, `the tracefile has ${file}`);
  return new Map([...record.matchAll(/^DA:(\d+),(\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]));
}

async function coverageOf(code: number, outputLength = 0): Promise<string> {
  const r = await runDriver({ driver: SAMPLE, verifierFlags: STANDARD_FLAGS, ioctls: [{ code, input: new Uint8Array(0), outputLength }], coverage: true });
  assert.equal(r.bugCheck, null);
  return r.machine.loader.coverage!.lcov();
}

test('the branch a request takes counts, the others stay 0; the runtime is left out', async () => {
  // Checksum (inlined into the dispatch routine at -O2): its length test, and the CRC after it.
  const lengthTest = lineOf('static NTSTATUS Checksum(', 'if (Sp->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG))');
  const crc = lineOf('static NTSTATUS Checksum(', 'crc = Crc32(Ext, buffer');
  const dispatch = lineOf('NTSTATUS SampleIoDeviceControl(', 'switch (sp->Parameters.DeviceIoControl.IoControlCode)');
  const other = linesOf(await coverageOf(0x222000), IOCTL_C);
  assert.equal(other.get(dispatch), 1, 'the dispatch routine ran once');
  assert.equal(other.get(lengthTest), 0, 'another IOCTL: Checksum did not run');
  const tooSmall = linesOf(await coverageOf(IOCTL_SAMPLEIO_CHECKSUM), IOCTL_C);
  assert.equal(tooSmall.get(lengthTest), 1, 'Checksum ran');
  assert.equal(tooSmall.get(crc), 0, 'no output buffer: it returned before the CRC');
  const full = linesOf(await coverageOf(IOCTL_SAMPLEIO_CHECKSUM, 4), IOCTL_C);
  assert.equal(full.get(crc), 1, 'with room for the answer, the CRC ran');
  assert.doesNotMatch(await coverageOf(0x222000), /^SF:.*ddk\/crt\//m, "dv build's runtime is not the user's code");
});

test('the counts are the same on every run (a deterministic machine)', async () => {
  assert.equal(await coverageOf(IOCTL_SAMPLEIO_CHECKSUM), await coverageOf(IOCTL_SAMPLEIO_CHECKSUM));
});

test('dv run --coverage writes the lcov tracefile and says how many blocks ran', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-coverage-'));
  const file = join(dir, 'sampleio.info');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', SAMPLE, '--ioctl', '0x222000', '--coverage', file], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, EXIT.CLEAN, r.stderr);
  const m = /^coverage: (\d+) of (\d+) basic blocks ran \(\d+%\); lcov written to .*sampleio\.info$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) > 0 && Number(m[1]) < Number(m[2]), `${m[1]} of ${m[2]}`);
  const lcov = readFileSync(file, 'utf8');
  assert.match(lcov, /^SF:drivers\/c\/SampleIo\/ioctl\.c$/m);
  assert.match(lcov, /^LF:\d+\nLH:\d+\nend_of_record$/m);
});

test('without --coverage the rewrite adds no counters', async () => {
  const r = await runDriver({ driver: SAMPLE, verifierFlags: STANDARD_FLAGS, ioctls: [] });
  assert.equal(r.machine.loader.coverage, undefined);
});
