/**
 * `npm run corpus -- DIR --flags F --faults exhaustive`: the runs take the flags given, and a clean run
 * is run again once per allocation failure point it reached; a failure path that stops names the point
 * and the stop (the row is then not clean).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { discoverProjects } from '../../src/corpus/discover.ts';
import { processProject, type CorpusRunSettings } from '../../src/corpus/project-run.ts';
import { compatMarkdown } from '../../src/corpus/report.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';

const DRIVER = (checked: boolean) => `#include <wdm.h>
DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD Unload;
static PULONG Block;
static VOID Unload(PDRIVER_OBJECT DriverObject) { UNREFERENCED_PARAMETER(DriverObject); ExFreePoolWithTag(Block, 'kcolB'); }
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Block = (PULONG)ExAllocatePoolWithTag(NonPagedPoolNx, 64, 'kcolB');
    ${checked ? 'if (Block == NULL) return STATUS_INSUFFICIENT_RESOURCES;' : ''}
    Block[2] = 1;
    DriverObject->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
`;

const root = mkdtempSync(join(tmpdir(), 'dv-corpus-faults-'));
for (const name of ['checked', 'unchecked']) {
  mkdirSync(join(root, name));
  writeFileSync(join(root, name, 'driver.c'), DRIVER(name === 'checked'));
}
after(() => rmSync(root, { recursive: true, force: true }));
const EXHAUSTIVE: CorpusRunSettings = { verifierFlags: 0x609bb, faults: 'exhaustive' };

test('a clean run, then each failure path: the handled one is clean, the unchecked one names its stop', { skip: NEEDS_CLANG }, async () => {
  const rows = await Promise.all(discoverProjects(root).map((p) => processProject(p, root, () => {}, EXHAUSTIVE)));
  const [checked, unchecked] = rows;
  assert.equal(checked!.path, 'checked/');
  assert.deepEqual([checked!.run, checked!.clean, checked!.blocker, checked!.failurePaths], ['clean, no device; failure paths 1/1 clean', true, '', []]);
  assert.deepEqual([unchecked!.run, unchecked!.clean], ['clean, no device; failure paths 0/1 clean', false]);
  assert.equal(unchecked!.blocker, 'failure path ExAllocatePoolWithTag: bug check 0x1E KMODE_EXCEPTION_NOT_HANDLED');
  assert.equal(unchecked!.failurePaths!.length, 1);
  assert.match(unchecked!.failurePaths![0]!, /^ExAllocatePoolWithTag failed at unchecked!DriverEntry\+0x[0-9a-f]+: bug check 0x1E KMODE_EXCEPTION_NOT_HANDLED$/);
  // Without --faults, under /standard, the row is the plain run.
  const plain = await processProject(discoverProjects(root)[1]!, root, () => {}, { verifierFlags: 0x209bb });
  assert.deepEqual([plain.run, plain.clean, plain.failurePaths], ['clean, no device', true, undefined]);
});

test('the markdown says what the runs were under', () => {
  const md = compatMarkdown([], { corpus: '`fake`', command: 'npm run corpus -- DIR --flags 0x609bb --faults exhaustive', settings: EXHAUSTIVE });
  assert.match(md, /what builds is run under `\/flags 0x609bb` \(a clean run again once per allocation failure point it reached, `--faults exhaustive`\): load/);
  assert.match(compatMarkdown([], { corpus: '`fake`', command: 'npm run corpus -- DIR' }), /what builds is run under `\/standard`: load/);
});

test('--flags off and a --faults mode other than exhaustive are usage errors', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/corpus/main.ts'), root, ...args], { cwd: ROOT, encoding: 'utf8' });
  const off = cli('--flags', 'off');
  assert.equal(off.status, EXIT.USAGE);
  assert.match(off.stderr, /option '--flags <flags>' argument 'off' is invalid\. the corpus runs its drivers under Driver Verifier/);
  const mode = cli('--faults', 'random');
  assert.equal(mode.status, EXIT.USAGE);
  assert.match(mode.stderr, /Allowed choices are exhaustive/);
});
