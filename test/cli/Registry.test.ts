/** dv run --registry FILE: a .reg or JSON file seeds the registry before the driver loads; a bad one is exit 2 with file:line. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { ROOT } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'dv-registry-cli-'));
const DRIVER = 'test/fixtures/drivers/RegistryReader.ts';
const dv = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const KEY = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RegistryReader\\Parameters';

test('--registry with a .reg file and then a JSON file: applied in order before DriverEntry', () => {
  const reg = file('seed.reg', `Windows Registry Editor Version 5.00\r\n\r\n[${KEY}]\r\n"Count"=dword:00000003\r\n"Old"="x"\r\n`);
  const json = file('more.json', JSON.stringify({ [KEY]: { Label: 'hi', Old: null } }));
  const r = dv('run', DRIVER, '--registry', reg, '--registry', json);
  assert.equal(r.code, EXIT.CLEAN, r.err);
  assert.match(r.out, /RegistryReader: value 0: Count, type 4\nRegistryReader: value 1: Label, type 1\n/);
  assert.doesNotMatch(r.out, /Old/);
});

test('a malformed registry file is exit 2 naming file:line and what is wrong; nothing runs, an old dump is removed', () => {
  const bad = file('bad.reg', `REGEDIT4\n[${KEY}]\n"Count"=dword:xyz\n`);
  const dump = file('old.dmp', 'stale');
  const r = dv('run', DRIVER, '--registry', bad, '--dump', dump);
  assert.equal(r.code, EXIT.USAGE);
  assert.equal(r.err, `dv: removed ${dump}, left by an earlier run: this run wrote no dump\ndv: ${bad}:3: 'dword:xyz' is not a dword (dword: takes 1 to 8 hex digits, e.g. dword:0000001f)\n`);
  assert.equal(r.out, '', 'the driver never loaded');
  assert.equal(existsSync(dump), false);
  const json = dv('run', DRIVER, '--registry', file('bad.json', '{\n  "HKLM\\\\X": {"a": {"type": "REG_DWORD", "data": "3"}}\n}\n'));
  assert.equal(json.code, EXIT.USAGE);
  assert.match(json.err, /^dv: .*bad\.json:2: value 'a' of HKLM\\X: REG_DWORD data is a number\n$/);
  const missing = dv('run', DRIVER, '--registry', join(tmp, 'nope.reg'));
  assert.equal(missing.code, EXIT.USAGE);
  assert.match(missing.err, /^dv: .*nope\.reg: cannot read the registry file: ENOENT\n$/);
});
