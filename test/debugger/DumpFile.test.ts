/** Crash dump files: what is written reads back the same; a damaged or foreign file is a clear error. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DumpError, parseDump, serializeDump } from '../../src/debugger/dump.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { driver } from '../helpers.ts';

const { dump } = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });

const rejects = (bytes: Uint8Array, pattern: RegExp) =>
  assert.throws(() => parseDump(bytes, 'x.dmp'), (e: unknown) => e instanceof DumpError && pattern.test(e.message));

test('a dump written and read back is the same dump', () => {
  assert.deepEqual(parseDump(serializeDump(dump), 'x.dmp'), JSON.parse(JSON.stringify(dump)));
});

test('a file that is not gzip is not a dump', () => rejects(Buffer.from('MZ\x90\x00 not a dump'), /x\.dmp is not a driver-verifier crash dump \(not gzip data\)/));

test('a truncated dump is rejected', () => {
  const bytes = serializeDump(dump);
  rejects(bytes.subarray(0, bytes.length >> 1), /not gzip data/);
});

test('gzip data that is not JSON is damaged', () => rejects(gzipSync('{"format": "driver-verifier-crash-dump", '), /damaged: its content is not valid JSON/));

test('JSON of another format is foreign', () => rejects(gzipSync(JSON.stringify({ format: 'minidump', version: 1 })), /not a driver-verifier crash dump \(format 'minidump'\)/));

test('another version is named', () => rejects(gzipSync(JSON.stringify({ ...dump, version: 99 })), /crash dump version 99; this debugger reads version 1/));

test('missing sections are named', () => {
  const { modules: _m, verifier: _v, ...rest } = dump;
  rejects(gzipSync(JSON.stringify(rest)), /damaged: missing or malformed modules, verifier/);
});
