/**
 * Crash dump files: what is written reads back the same; a foreign file, another version and a
 * damaged dump (truncated, flipped, a field missing or wrong) are each a clear error naming what is wrong.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DUMP_MAGIC, DUMP_VERSION, DumpError, HEADER_SIZE, dumpContainer, parseDump, serializeDump } from '../../src/debugger/dump.ts';
import { ROOT } from '../helpers.ts';
import { demoDumpJson, dumpFile, set, type Json } from './dump-mutations.ts';

const base = await demoDumpJson();
const file = dumpFile(base);

const rejects = (bytes: Uint8Array, pattern: RegExp) =>
  assert.throws(
    () => parseDump(bytes, 'x.dmp'),
    (e: unknown) => {
      assert.ok(e instanceof DumpError, `a DumpError, not ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
const field = (json: Json, pattern: RegExp) => rejects(dumpFile(json), pattern);

test('a dump written and read back is the same dump', () => {
  assert.deepEqual(parseDump(serializeDump(base as never), 'x.dmp'), base);
});

test('the file starts with the magic, the version and its length', () => {
  assert.deepEqual(file.subarray(0, 8), DUMP_MAGIC);
  assert.equal(file.readUInt32LE(8), DUMP_VERSION);
  assert.equal(file.readUInt32LE(12), file.length);
});

// ---- not a dump, another version ------------------------------------------------------------------
test('a file that is not a dump says so', () => rejects(Buffer.from('MZ\x90\x00 not a dump'), /^x\.dmp is not a driver-verifier crash dump$/));
test('an empty file is not a dump', () => rejects(Buffer.alloc(0), /^x\.dmp is empty: not a driver-verifier crash dump$/));
test('gzip that is not a dump is not a dump', () => rejects(gzipSync(JSON.stringify({ format: 'minidump', version: 1 })), /^x\.dmp is not a driver-verifier crash dump$/));
test('a version 1 dump (bare gzip JSON) is named as one', () =>
  rejects(gzipSync(JSON.stringify({ ...(base as object), version: 1 })), new RegExp(`^x\\.dmp: dump format version 1, this dv reads ${DUMP_VERSION}$`)));
test('another version is named', () => rejects(dumpContainer(gzipSync('{}'), 99), new RegExp(`^x\\.dmp: dump format version 99, this dv reads ${DUMP_VERSION}$`)));

// ---- damaged container -----------------------------------------------------------------------------
test('a truncated dump says how much of it is there', () => {
  rejects(file.subarray(0, 1000), new RegExp(`^damaged dump: truncated \\(1000 of ${file.length} bytes\\) \\(x\\.dmp\\)$`));
  rejects(file.subarray(0, 20), new RegExp(`^damaged dump: truncated \\(20 of ${file.length} bytes; its header alone is ${HEADER_SIZE}\\)`));
  rejects(file.subarray(0, 3), /^damaged dump: truncated \(3 bytes; its header alone is 52\)/);
});
test('bytes after the end are damage', () => rejects(Buffer.concat([file, Buffer.from('\n')]), /^damaged dump: 1 bytes after its end/));
test('a flipped byte is a checksum mismatch wherever it is: magic, header, checksum, payload', () => {
  for (const at of [0, 7, 8, 12, 16, 20, 51, HEADER_SIZE, HEADER_SIZE + 100, file.length - 1]) {
    const copy = Buffer.from(file);
    copy[at] ^= 0x10;
    rejects(copy, /^damaged dump: checksum mismatch/);
  }
});
test('a payload that is not gzip, under a good checksum, is damaged', () => rejects(dumpContainer(Buffer.from('not gzip')), /^damaged dump: its payload is not gzip'd JSON/));
test('a payload that is not JSON, under a good checksum, is damaged', () => rejects(dumpContainer(gzipSync('{"format": ')), /^damaged dump: its payload is not gzip'd JSON/));

// ---- fields ------------------------------------------------------------------------------------------
const stackPath = ['verifier', 'drivers', 0, 'allocations', 2, 'stack', 1];
test('a field of the wrong type is named by its path', () => {
  field(set(base, stackPath, 'zero'), /^damaged dump: verifier\.drivers\[0\]\.allocations\[2\]\.stack\[1\] is not a u32 \(x\.dmp\)$/);
  field(set(base, ['bugCheck'], 7), /^damaged dump: bugCheck is not an object or null/);
  field(set(base, ['modules', 1, 'symbols', 'files'], 'a.c'), /^damaged dump: modules\[1\]\.symbols\.files is not an array/);
});
test('a value out of range is named by its path', () => {
  field(set(base, stackPath, -1), /^damaged dump: verifier\.drivers\[0\]\.allocations\[2\]\.stack\[1\] is not a u32/);
  field(set(base, stackPath, 2 ** 32), /stack\[1\] is not a u32/);
  field(set(base, stackPath, 1.5), /stack\[1\] is not a u32/);
  field(set(base, ['context', 'irql'], 32), /^damaged dump: context\.irql is not an IRQL \(0 to 31\)/);
  field(set(base, ['system', 'processors'], 0), /^damaged dump: system\.processors is not a processor count/);
  field(set(base, ['memory', 0, 0], 0x1234), /^damaged dump: memory\[0\]\[0\] is not a page address/);
  field(set(base, ['memory', 0, 1], 'AAAA'), /^damaged dump: memory\[0\]\[1\] is not a page \(4096 bytes in base64\)/);
  field(set(base, ['verifier', 'drivers', 0, 'allocations', 0, 'kind'], 'lookaside'), /allocations\[0\]\.kind is not one of 'pool', 'mdl', 'workitem'/);
});
test('a missing field is named, and how many more problems there are', () => {
  field(set(base, ['verifier', 'log', 'records'], undefined), /^damaged dump: verifier\.log\.records is missing \(x\.dmp\)$/);
  const { modules: _m, verifier: _v, ...rest } = base as Record<string, Json>;
  field(rest, /^damaged dump: modules is missing; and 1 more problem \(x\.dmp\)$/);
});
test('the bug check has exactly four parameters', () => {
  const params = ['bugCheck', 'params'];
  field(set(base, params, [0x62, 0, 0]), /^damaged dump: bugCheck\.params is not an array of 4 u32s/);
  field(set(base, params, [0x62, 0, 0, 0, 0]), /^damaged dump: bugCheck\.params is not an array of 4 u32s/);
});
test('the payload must say it is this format and version', () => {
  field(set(base, ['format'], 'minidump'), /^damaged dump: format is not 'driver-verifier-crash-dump'/);
  field(set(base, ['version'], 1), new RegExp(`^damaged dump: version is not ${DUMP_VERSION}`));
  field(7 as Json, /^damaged dump: the dump is not an object/);
});

// ---- what the debugger relies on beyond single fields -------------------------------------------------
test('a module past the end of the 32-bit address space is damage', () =>
  field(set(base, ['modules', 0, 'size'], 0xffffffff), /^damaged dump: modules\[0\]\.size runs the module past the 32-bit address space/));
test('symbols out of address order are damage (lookups are binary searches)', () => {
  field(set(base, ['modules', 1, 'symbols', 'functions', 3, 'start'], 0), /^damaged dump: modules\[1\]\.symbols\.functions\[3\]\.start is below the previous function's/);
  field(set(base, ['modules', 1, 'symbols', 'lines', 5, 'address'], 0), /^damaged dump: modules\[1\]\.symbols\.lines\[5\]\.address is below the previous row's/);
});
test('a line row naming a file its module lacks is damage', () =>
  field(set(base, ['modules', 1, 'symbols', 'lines', 0, 'file'], 1), /^damaged dump: modules\[1\]\.symbols\.lines\[0\]\.file is not an index into the module's 1 source files/));
test('the stopped processor is one of the machine\'s', () =>
  field(set(base, ['context', 'processor'], 1), /^damaged dump: context\.processor is not one of the machine's 1 processors/));
test('the error carries the path of the field', () => {
  assert.throws(
    () => parseDump(dumpFile(set(base, stackPath, -1)), 'x.dmp'),
    (e: unknown) => e instanceof DumpError && JSON.stringify(e.path) === JSON.stringify(stackPath),
  );
});

// ---- zod stays out of every other command's start-up -------------------------------------------------
test('only the dump schema names zod, with a type import', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.ts')) files.push(join(dir, e.name));
    }
  };
  walk(join(ROOT, 'src'));
  const naming = files.filter((f) => /['"]zod(\/[^'"]*)?['"]/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
  // Each of the others is loaded only where its file is read or written: the dv verifier state (a lazy
  // schema, as the dump's), the scenario reader (imported by --scenario and the library), and the JSON
  // schema of --json (its type is all a run imports; the schema is for docs:schemas).
  assert.deepEqual(naming, ['src/cli/run-json.ts', 'src/cli/verifier/state.ts', 'src/debugger/dump-schema.ts', 'src/system/scenario/load.ts', 'src/system/scenario/schema.ts']);
  const text = readFileSync(join(ROOT, 'src/debugger/dump-schema.ts'), 'utf8');
  assert.deepEqual(text.match(/^import .*['"]zod['"];$/gm), ["import type { z as Zod } from 'zod';"]);
});
test('a run loads no zod: the report, the run and the verifier settings it reads (none made) leave it unloaded', () => {
  const script = `
    import { createRequire } from 'node:module';
    await import('./src/cli/report.ts');
    await import('./src/system/run.ts');
    const { persistedBoot } = await import('./src/cli/verifier/command.ts');
    persistedBoot();
    console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\\\/]node_modules[\\\\/](zod|yaml)[\\\\/]/.test(k))));`;
  const env = { ...process.env, DV_HOME: join(ROOT, 'no-such-dv-home') };
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'false');
});

test('zod is loaded by the first parse, not by importing the dump module', () => {
  const script = `
    import { createRequire } from 'node:module';
    import { readFileSync } from 'node:fs';
    const { parseDump } = await import('./src/debugger/dump.ts');
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\\\/]node_modules[\\\\/]zod[\\\\/]/.test(k));
    const before = loaded();
    parseDump(readFileSync(0), 'stdin.dmp');
    console.log(JSON.stringify({ before, after: loaded() }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, input: file, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { before: false, after: true });
});
