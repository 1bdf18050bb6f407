/**
 * Issue 8: a driver that exhausts nonpaged pool with small blocks used to crash Node ("JavaScript
 * heap out of memory", exit 134). Now the machine has a memory size, ExAllocatePoolWithTag returns
 * NULL when the pool's limit is reached, and tracking stays small: both drivers reach their verdict
 * at the default size inside a 768 MiB Node heap, with /standard and stacks on. Each runs in a child
 * process of its own (the heap limit is per process); the two run at the same time.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { JSON_LEAKS_LISTED } from '../../src/cli/report.ts';
import { DEFAULT_MEMORY, MiB } from '../../src/kernel/mm/physical-memory.ts';
import { ROOT, fixture } from '../helpers.ts';

const HEAP_LIMIT_MB = 768;

function dvRun(driver: string): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  // --timeout: the run takes 5-10 s of CPU; on a loaded machine its wall time can pass the 30 s default.
  const args = [`--max-old-space-size=${HEAP_LIMIT_MB}`, join(ROOT, 'bin', 'dv.js'), 'run', fixture(driver), '--memory', `${DEFAULT_MEMORY / MiB}M`, '--timeout', '10m'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

const nullWriter = dvRun('ExhaustsPoolNullWrite.ts');
const clean = dvRun('ExhaustsPoolClean.ts');

test('writing through the NULL that exhausted nonpaged pool: an unhandled access violation at address 0 (0x1E), no heap crash', async () => {
  const r = await nullWriter;
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.err.slice(0, 400)}`);
  assert.doesNotMatch(r.err, /heap out of memory/);
  assert.equal(r.code, EXIT.BUGCHECK, r.err);
  // KMODE_EXCEPTION_NOT_HANDLED: STATUS_ACCESS_VIOLATION, the faulting code, 1 = a write, at NULL.
  assert.match(r.out, /\*\*\* Fatal System Error: 0x0000001e\n \(0xC0000005,0x[0-9A-F]{8},0x00000001,0x00000000\)/);
});

test('the clean twin checks for NULL, frees every block and unloads clean: exit 0', async () => {
  const r = await clean;
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.err.slice(0, 400)}`);
  assert.equal(r.code, EXIT.CLEAN, r.err);
  const m = /ExhaustsPoolClean: (\d+) blocks, all freed/.exec(r.out);
  assert.ok(m, r.out);
  // 16-byte blocks take 24 bytes with their POOL_HEADER: the count shows the whole nonpaged limit was used.
  assert.ok(Number(m[1]) > 5_000_000, `${m[1]} blocks before NULL`);
  assert.match(r.out, /no bug check/);
});

test('dv run --memory: a size that is not one, or is out of range, is a usage error (exit 2) with the reason', () => {
  for (const [size, reason] of [
    ['12Q', /'12Q' is not a memory size \(e\.g\. 512M, 1G, 65536K\)/],
    ['8M', /out of range: from 16M to 4G/],
  ] as const) {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', fixture('ExhaustsPoolClean.ts'), '--memory', size], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, EXIT.USAGE, r.stderr);
    assert.match(r.stderr, reason);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('--dump and --json of an exhausted machine: no heap crash; the dump too large to write is refused by name, the JSON lists the first 10,000 leaks and counts them all', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-exhausted-'));
  const dump = join(dir, 'x.dmp');
  const json = join(dir, 'x.json');
  writeFileSync(dump, 'a dump an earlier run left');
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MB}`, join(ROOT, 'bin', 'dv.js'), 'run', fixture('ExhaustsPoolNullWrite.ts'), '--memory', '32M', '--timeout', '10m', '--dump', dump, '--json', json], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, EXIT.BUGCHECK, r.stderr);
  assert.match(r.stderr, /^dv: crash dump not written to .*x\.dmp: the machine holds \d+ tracked allocations and \d+ pages of memory, about \d+ MiB of dump, over dv's 256 MiB limit .*; removed .*x\.dmp, left by an earlier run$/m);
  assert.ok(!existsSync(dump), 'no stale dump stands in for this run');
  const out = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(out.bugcheck.code, '0x1e');
  assert.equal(out.leaks.length, JSON_LEAKS_LISTED);
  assert.ok(out.leakCount > 1_000_000, `leakCount ${out.leakCount}`);
  rmSync(dir, { recursive: true, force: true });
});
