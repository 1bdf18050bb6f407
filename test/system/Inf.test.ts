/**
 * The INF reader (system/inf.ts) and `dv run --inf`: sections, entries, comments, continuation lines,
 * quoted fields, %strkey% tokens, UTF-16 files; the models section for this machine (NTx86 before NT
 * before undecorated, another platform's only when the INF lists no other); the hardware ID,
 * compatible IDs and class reaching the devnode; an INF beside the image used by default; clear
 * errors (exit 2 from the CLI) that name the file and line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { multiSzStrings, utf16Text } from '../../src/kernel/cm/hive.ts';
import { ENUM_PATH } from '../../src/kernel/pnp/manager.ts';
import { decodeInf, infDevice, InfError, parseInf, readInf } from '../../src/system/inf.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'inf', 'PnpFunction.inf');
const PNP_FUNCTION_C = join(ROOT, 'drivers', 'c', 'pnp', 'PnpFunction', 'PnpFunction.wasm');
const tmp = mkdtempSync(join(tmpdir(), 'dv-inf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const device = (text: string) => infDevice(parseInf(text, 'x.inf'));

test('the x86 models entry of the fixture: hardware ID, compatible IDs (continued line, quoted ;), class, description with %% and ""', () => {
  const d = readInf(FIXTURE);
  assert.equal(d.hardwareId, 'Root\\PnpFunction');
  assert.deepEqual(d.compatibleIds, ['*PNP0C01', 'Root\\Quoted;Semicolon']);
  assert.equal(d.deviceClass, 'Sample');
  assert.equal(d.description, 'PnP function sample (100%)');
  assert.match(d.source, /^\[models\.ntx86\] line 17$/);
});

test('decorations: NTx86 before NT before none; versioned after plain; $ARCH$ is x86; another platform only as a last resort', () => {
  const inf = (mfg: string, sections: Record<string, string>) =>
    `[Manufacturer]\n%M%=${mfg}\n${Object.entries(sections).map(([s, id]) => `[${s}]\nd=i,${id}\n`).join('')}[Strings]\nM=m\n`;
  assert.equal(device(inf('Std,NT,NTx86', { 'Std.NT': 'nt', 'Std.NTx86': 'x86', Std: 'plain' })).hardwareId, 'x86');
  assert.equal(device(inf('Std,NTx86.10.0,NTx86', { 'Std.NTx86.10.0': 'v', 'Std.NTx86': 'x86' })).hardwareId, 'x86');
  assert.equal(device(inf('Std', { Std: 'plain' })).hardwareId, 'plain');
  assert.equal(device(inf('Std,NT$ARCH$', { 'Std.NTx86': 'stamped' })).hardwareId, 'stamped');
  // The DV failure sample's INF is stamped for amd64 and ARM64 only: its hardware is still named.
  assert.equal(device(inf('Std,NTamd64,NTARM64', { 'Std.NTARM64': 'root\\arm', 'Std.NTamd64': 'root\\amd' })).hardwareId, 'root\\amd');
});

test('a UTF-16LE INF with its BOM (how most INFs are saved) reads as the same INF', () => {
  const path = join(tmp, 'utf16.inf');
  const text = '\ufeff[Manufacturer]\r\n%M%=S\r\n[S]\r\nd = i , Root\\Wide\r\n[Strings]\r\nM = "m"\r\n';
  writeFileSync(path, Buffer.from(text, 'utf16le'));
  assert.equal(readInf(path).hardwareId, 'Root\\Wide');
  assert.equal(decodeInf(Buffer.from('\ufeff[a]', 'utf8')), '[a]');
});

test('errors name the file and line: no [Manufacturer], a missing models section, no hardware ID, an undefined %token%, a broken header', () => {
  const cases: [string, RegExp][] = [
    ['[Version]\nClass=X\n', /^x\.inf: no \[Manufacturer\] section/],
    ['[Manufacturer]\n%M%=Std,NTx86\n[Strings]\nM=m\n', /^x\.inf\(2\): the models section .* is missing \(looked for \[Std\.ntx86\], \[Std\]\)/],
    ['[Manufacturer]\nm=Std\n[Std]\n%D%=Install\n[Strings]\nD=d\n', /^x\.inf\(4\): the model entry names no hardware ID/],
    ['[Manufacturer]\n%Nope%=Std\n', /^x\.inf\(2\): %Nope% is not defined in \[Strings\]/],
    ['[Manufacturer\nm=Std\n', /^x\.inf\(1\): a section name with no closing '\]'/],
    ['m=Std\n', /^x\.inf\(1\): an entry before the first \[section\]/],
  ];
  for (const [text, message] of cases) assert.throws(() => device(text), (e: unknown) => e instanceof InfError && message.test(e.message), text);
  assert.throws(() => readInf(join(tmp, 'missing.inf')), /cannot read the INF .*missing\.inf: ENOENT/);
});

test('dv run --inf: the devnode gets the INF\'s hardware ID, compatible IDs and class; --hardware-id wins over it', async () => {
  const outcome = await runDriver({ driver: PNP_FUNCTION_C, inf: FIXTURE, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false });
  assert.equal(outcome.bugCheck, null);
  assert.equal(outcome.pnp!.instancePath, 'ROOT\\SAMPLE\\0000');
  assert.deepEqual(outcome.pnp!.hardwareIds, ['Root\\PnpFunction']);
  const key = outcome.machine.kernel.cm.hive.lookup(`${ENUM_PATH}\\ROOT\\SAMPLE\\0000`)!;
  assert.deepEqual(multiSzStrings(key.value('CompatibleIDs')!.data), ['*PNP0C01', 'Root\\Quoted;Semicolon']);
  assert.equal(utf16Text(key.value('Class')!.data), 'Sample');
  const override = await runDriver({ driver: PNP_FUNCTION_C, inf: FIXTURE, hardwareId: 'Root\\Given', verifierFlags: STANDARD_FLAGS });
  assert.deepEqual(override.pnp!.hardwareIds, ['Root\\Given']);
});

test('an INF beside the image, of its name, is read by default', async () => {
  copyFileSync(PNP_FUNCTION_C, join(tmp, 'Beside.wasm'));
  writeFileSync(join(tmp, 'BESIDE.INF'), '[Version]\nClass=Beside\n[Manufacturer]\nm=S\n[S]\nd=i,Root\\BesideDevice\n');
  const lines: string[] = [];
  const outcome = await runDriver({ driver: join(tmp, 'Beside.wasm'), verifierFlags: STANDARD_FLAGS, onStep: (l) => lines.push(l) });
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(outcome.pnp!.hardwareIds, ['Root\\BesideDevice']);
  assert.equal(outcome.pnp!.instancePath, 'ROOT\\BESIDE\\0000');
  assert.ok(lines.some((l) => /^INF .*BESIDE\.INF: hardware ID Root\\BesideDevice \(\[s\] line 6\)$/.test(l)), lines.join('\n'));
});

test('the CLI: --inf with a bad INF is exit 2 naming the line, before anything runs; --inf with --no-pnp is a usage error', () => {
  const bad = join(tmp, 'bad.inf');
  writeFileSync(bad, '[Manufacturer]\n%Nope%=Std\n');
  const dv = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const r = dv(['run', PNP_FUNCTION_C, '--inf', bad]);
  assert.equal(r.status, EXIT.USAGE, r.stderr);
  assert.match(r.stderr, /bad\.inf\(2\): %Nope% is not defined in \[Strings\]/);
  assert.equal(r.stdout, '', 'nothing ran');
  const n = dv(['run', PNP_FUNCTION_C, '--no-pnp', '--inf', FIXTURE]);
  assert.equal(n.status, EXIT.USAGE);
  assert.match(n.stderr, /--inf needs a PnP run, and --no-pnp was given/);
});
