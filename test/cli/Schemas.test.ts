/**
 * The JSON Schemas users validate against are current with their definitions, and what `dv run --json`
 * writes validates against docs/run.schema.json: a leak, a PnP run, a run with processes, a hang.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { SCHEMA_FILES } from '../../src/cli/write-schemas.ts';
import { ROOT } from '../helpers.ts';

test('the committed schemas are the ones their definitions give (npm run docs:schemas)', () => {
  for (const s of SCHEMA_FILES) assert.equal(readFileSync(s.file, 'utf8'), s.text(), `${s.file} is stale: npm run docs:schemas`);
});

test('dv run --json validates against docs/run.schema.json, whatever the run did', () => {
  const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'docs', 'run.schema.json'), 'utf8')) as object);
  const dir = mkdtempSync(join(tmpdir(), 'dv-json-'));
  const runs: Array<[string, string[], number]> = [
    ['leak', [join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm'), '--ioctl', '222003:4d79:8', '--read', '4'], 1],
    ['pnp', [join(ROOT, 'drivers', 'c', 'pnp', 'PnpFunction', 'PnpFunction.wasm'), '--surprise-remove'], 0],
    ['processes', [join(ROOT, 'test', 'fixtures', 'c', 'callbacks', 'ProcessMonitor.wasm'), '--process', 'notepad.exe', '--open-process', 'notepad.exe:1fffff'], 0],
    ['faults', [join(ROOT, 'drivers', 'c', 'MyDriverClean', 'MyDriverClean.wasm'), '--verifier', '0x209bf', '--fault-delay', '0', '--fault-probability', '100%', '--ioctl', '222003:4d794472697665720100000002000000:8'], 0],
    ['hang', [join(ROOT, 'test', 'fixtures', 'c', 'runaway', 'LoopInDriverEntry.wasm'), '--timeout', '20s'], 4],
  ];
  for (const [name, args, status] of runs) {
    const file = join(dir, `${name}.json`);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', ...args, '--json', file], { encoding: 'utf8' });
    assert.equal(r.status, status, `${name}: ${r.stdout}${r.stderr}`);
    const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    assert.ok(validate(json), `${name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
});
