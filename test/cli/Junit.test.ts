/**
 * `dv run --junit`: JUnit XML that parses back (fast-xml-parser, not our writer's own reader) into the
 * steps of the run, with the step the machine stopped in failed (bug check) or errored (hang) and the
 * steps after it skipped, and counts that agree with the cases.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { junitXml } from '../../src/cli/junit.ts';
import { runDriver, type DeviceRequest } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

interface Case {
  '@_name': string;
  failure?: { '@_type': string; '@_message': string; '#text': string };
  error?: { '@_type': string };
  skipped?: unknown;
  'system-out'?: string;
}

function parse(xml: string) {
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testcase' }).parse(xml) as {
    testsuites: { testsuite: { '@_name': string; '@_tests': string; '@_failures': string; '@_errors': string; '@_skipped': string; testcase: Case[] } };
  };
  const suite = doc.testsuites.testsuite;
  const cases = suite.testcase;
  assert.equal(Number(suite['@_tests']), cases.length);
  assert.equal(Number(suite['@_failures']), cases.filter((c) => c.failure).length);
  assert.equal(Number(suite['@_errors']), cases.filter((c) => c.error).length);
  assert.equal(Number(suite['@_skipped']), cases.filter((c) => c.skipped !== undefined).length);
  return { suite, cases };
}

const ioctl = (code: number): DeviceRequest => ({ kind: 'ioctl', code, input: Buffer.alloc(0), outputLength: 0 });

test('a leak at unload fails the unload step; the requests before it pass with their status; shutdown is skipped', async () => {
  const requested = [ioctl(0x222003), { kind: 'read', length: 4 } as const];
  const outcome = await runDriver({ driver: join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm'), verifierFlags: STANDARD_FLAGS, requests: requested });
  const { suite, cases } = parse(junitXml(outcome, requested));
  assert.equal(suite['@_name'], 'MyDriver.sys');
  assert.deepEqual(
    cases.map((c) => c['@_name']),
    ['load MyDriver.sys', 'open \\Device\\MyDriver', 'request 1: IRP_MJ_DEVICE_CONTROL 0x222003', 'request 2: IRP_MJ_READ 0x4 bytes', 'unload MyDriver.sys', 'shutdown'],
  );
  assert.match(cases[2]!['system-out']!, /^IRP_MJ_DEVICE_CONTROL: status 0x[0-9A-F]+, information 0x[0-9A-F]+$/);
  const unload = cases[4]!;
  assert.equal(unload.failure?.['@_type'], 'bugcheck 0xC4');
  assert.match(unload.failure!['#text'], /^DRIVER_VERIFIER_DETECTED_VIOLATION \(0x62, /);
  assert.notEqual(cases[5]!.skipped, undefined);
  assert.equal(cases.filter((c) => c.failure).length, 1);
});

test('a hang in DriverEntry is an error of the load step, and every later step is skipped', async () => {
  const requested = [ioctl(0x222003)];
  const outcome = await runDriver({ driver: join(ROOT, 'test', 'fixtures', 'c', 'runaway', 'LoopInDriverEntry.wasm'), verifierFlags: STANDARD_FLAGS, requests: requested, limits: { runawayBackEdges: 2_000_000 } });
  assert.ok(outcome.hang);
  const { cases } = parse(junitXml(outcome, requested));
  assert.equal(cases[0]!['@_name'], 'load LoopInDriverEntry.sys');
  assert.equal(cases[0]!.error?.['@_type'], 'hang');
  assert.ok(cases.slice(1).every((c) => c.skipped !== undefined));
});

test('dv run --junit writes a clean run: every step passes', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'dv-junit-')), 'run.xml');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', join(ROOT, 'drivers', 'c', 'MyDriverClean', 'MyDriverClean.wasm'), '--ioctl', '222003', '--junit', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const { cases } = parse(readFileSync(file, 'utf8'));
  assert.equal(cases.length, 5);
  assert.ok(cases.every((c) => !c.failure && !c.error && c.skipped === undefined));
});
