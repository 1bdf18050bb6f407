/**
 * A TypeScript driver's own files (the files it imports from its folder) are laid out as its code, as a
 * C image's translation units are: their functions are its symbols and ddi.addressOf() takes them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatSymbol, sourceLine } from '../../src/kernel/symbols.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const own = (name: string) => join(ROOT, 'test', 'fixtures', 'drivers', 'ownfiles', name);

test('a routine declared in one of the driver\'s own files is addressable: the unload routine runs, named in the image with its file and line', async () => {
  const prints: string[] = [];
  const r = await runDriver({ driver: own('OwnFiles.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [], onDebugPrint: (l) => prints.push(l) });
  assert.equal(r.bugCheck, null);
  assert.ok(r.unloaded);
  assert.deepEqual(prints, ['OwnFiles: unloading at IRQL 0']);
  // Kept loaded, the image and its symbols are in the dump.
  const kept = await runDriver({ driver: own('OwnFiles.ts'), ioctls: [], unload: false });
  const m = kept.dump.modules.find((x) => x.name === 'OwnFiles')!;
  assert.deepEqual(m.symbols.files.map((f) => f.split(/[\\/]/).slice(-2).join('/')), ['ownfiles/OwnFiles.ts', 'lib/unload.ts']);
  const unload = m.symbols.functions.find((f) => f.name === 'HelperUnload')!;
  assert.ok(unload.start > m.symbols.functions.find((f) => f.name === 'DriverEntry')!.start, 'laid out after the entry');
  assert.equal(formatSymbol(kept.dump.modules, unload.start), 'OwnFiles!HelperUnload');
  const at = sourceLine(kept.dump.modules, unload.start)!;
  assert.match(at.file, /lib[\\/]unload\.ts$/);
  assert.equal(at.line, 10);
});

test('a name two of the driver\'s files declare is refused by addressOf(), naming it', async () => {
  await assert.rejects(runDriver({ driver: own('SameName.ts'), ioctls: [] }), /addressOf\(HelperUnload\): two of the driver's files declare a function of that name/);
});
