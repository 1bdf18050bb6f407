/**
 * dv build's WMI step: a .mof becomes the header wmimofck would write, laid out by the WMI data-block
 * rules (MofLayout.c static-asserts every offset and size, worked out by hand, and checks the GUIDs at
 * run time); bad MOF is a build error naming the file and line, with exit 2 and no stack trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { mofHeader } from '../../src/build/mof/mof-header.ts';
import { MofError, parseMof } from '../../src/build/mof/mof-parse.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG, withTempDir } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';

const fixture = (name: string) => join(ROOT, 'test', 'fixtures', 'mof', name);
const dv = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { encoding: 'utf8', cwd: ROOT });

test('the generated header lays out every MOF type family as the WMI rules say, and the driver using it loads', { skip: NEEDS_CLANG }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-mof-test-'));
  try {
    const output = join(dir, 'MofLayout.wasm');
    const r = buildDriver({ sources: [fixture('MofLayout.c')], output, mofHeaders: [{ mof: fixture('DvTypes.mof'), header: 'DvTypesMof.h' }] });
    assert.ok(r.ok, r.diagnostics);
    // DriverEntry compares each DEFINE_GUID with its initializer and with the MOF's text, field by field: a mismatch fails the load.
    const outcome = await runDriver({ driver: output, verifierFlags: STANDARD_FLAGS });
    assert.equal(outcome.bugCheck, null);
    assert.equal(outcome.loaded, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a layout the rules do not give fails the build (the fixture asserts bite)', { skip: NEEDS_CLANG }, () => {
  withTempDir((dir) => {
    const wrong = join(dir, 'Wrong.c');
    writeFileSync(wrong, readFileSync(fixture('MofLayout.c'), 'utf8').replace('AT(DvTypes, Inner, 96)', 'AT(DvTypes, Inner, 90)'));
    const r = buildDriver({ sources: [wrong], output: join(dir, 'w.wasm'), mofHeaders: [{ mof: fixture('DvTypes.mof'), header: 'dvtypesmof.h' }] });
    assert.equal(r.ok, false);
    assert.match(r.diagnostics, /DvTypes\.Inner at 90/);
  });
});

test('the header names what drivers use: Guid initializers, _GUID, _ID, _SIZE, method IDs and parameter blocks', () => {
  const text = mofHeader(parseMof(readFileSync(fixture('DvTypes.mof'), 'utf8'), 'DvTypes.mof'), 'DvTypes.mof', 'DvTypesMof.h');
  assert.match(text, /#define DvTypesGuid \\\n\s*\{ 0x15d851f1,0x6539,0x11d1, \{ 0xa5,0x29,0x00,0xa0,0xc9,0x06,0x29,0x10 \} \}/);
  assert.match(text, /DEFINE_GUID\(DvTypes_GUID, \\\n\s*0x15d851f1,0x6539,0x11d1,0xa5,0x29,0x00,0xa0,0xc9,0x06,0x29,0x10\);/);
  // HeaderName renames the struct; the GUID keeps the class's name.
  assert.match(text, /\} DV_EMBEDDED, \*PDV_EMBEDDED;/);
  assert.match(text, /#define DvEmbeddedGuid/);
  assert.match(text, /typedef struct _Reset_IN/);
  assert.match(text, /#define Reset\s+7\n/);
  // The embedded class is declared before the class holding it.
  assert.ok(text.indexOf('} DV_EMBEDDED,') < text.indexOf('typedef struct _DvTypes'));
});

const bad: readonly { readonly name: string; readonly mof: string; readonly where: RegExp; readonly why: RegExp }[] = [
  { name: 'a syntax error', mof: '[WMI, guid("{15D851F1-6539-11D1-A529-00A0C9062910}")]\nclass A\n{\n    [WmiDataId(1)] uint32 X\n};\n', where: /bad\.mof:5:1: error:/, why: /expected ';', found '}'/ },
  { name: 'an unknown type', mof: 'class A\n{\n    [WmiDataId(1)] uint33 X;\n};\n', where: /bad\.mof:3:1: error:/, why: /unknown type 'uint33' of A\.X/ },
  { name: 'a gap in the WmiDataIds', mof: 'class A\n{\n    [WmiDataId(1)] uint32 X;\n    [WmiDataId(3)] uint32 Y;\n};\n', where: /bad\.mof:4:1: error:/, why: /WmiDataId 3 where 2 is expected/ },
  { name: 'a GUID that is not one', mof: '[guid("{1234}")]\nclass A\n{\n    [WmiDataId(1)] uint32 X;\n};\n', where: /bad\.mof:2:1: error:/, why: /'\{1234\}' is not a GUID/ },
  { name: 'an unterminated string', mof: 'class A\n{\n    [Description("oops)] uint32 X;\n};\n', where: /bad\.mof:3:18: error:/, why: /unterminated string/ },
];

for (const b of bad) {
  test(`${b.name} in a .mof is an error with its file and line`, () => {
    assert.throws(
      () => parseMof(b.mof, 'bad.mof') && mofHeader(parseMof(b.mof, 'bad.mof'), 'bad.mof', 'x.h'),
      (e: unknown) => e instanceof MofError && b.where.test(e.message) && b.why.test(e.message),
    );
  });
}

test('dv build --mof: bad MOF is exit 2 with file:line and no stack trace, and no image is left', { skip: NEEDS_CLANG }, () => {
  withTempDir((dir) => {
    const mof = join(dir, 'bad.mof');
    writeFileSync(mof, bad[1]!.mof);
    const output = join(dir, 'out.wasm');
    const r = dv(['build', fixture('MofLayout.c'), '--mof', `${mof}=dvtypesmof.h`, '-o', output]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /bad\.mof:3:1: error: unknown type 'uint33'/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(existsSync(output), false);
  });
});

test('dv build --mof x.mof (or x.mof among the sources) names the header xmof.h, as wmimofck-using projects do', { skip: NEEDS_CLANG }, () => {
  withTempDir((dir) => {
    for (const args of [['--mof', fixture('DvTypes.mof')], [fixture('DvTypes.mof')]]) {
      const output = join(dir, 'out.wasm');
      rmSync(output, { force: true });
      const r = dv(['build', fixture('MofLayout.c'), ...args, '-o', output]);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(existsSync(output));
    }
  });
});
