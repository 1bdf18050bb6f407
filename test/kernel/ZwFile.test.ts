/**
 * Files from kernel mode: a C driver creates, writes, seeks, reads back, sizes and reopens a file on
 * the simulated volume with each CreateDisposition (test/fixtures/c/files/ZwFiles.c); the run's files
 * are then read through the kernel. Also the volume's names, straight through the DDI table.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { volumeKey } from '../../src/kernel/io/volume.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';

test('\\SystemRoot, \\DosDevices, \\GLOBAL?? and \\?? name one file, case-insensitively; other names are not on the volume', () => {
  const key = '\\??\\C:\\WINDOWS\\TEMP\\A.LOG';
  for (const name of ['\\SystemRoot\\Temp\\a.log', '\\DosDevices\\c:\\windows\\temp\\A.log', '\\GLOBAL??\\C:\\Windows\\Temp\\a.LOG', '\\??\\C:\\Windows\\\\Temp\\a.log']) {
    assert.equal(volumeKey(name), key, name);
  }
  for (const name of ['\\Device\\Foo', 'relative.txt', '\\SystemRootX\\a', '\\??\\COM1']) assert.equal(volumeKey(name), undefined, name);
});

test('ZwFiles.c: create, write, seek, read back, size, past the end, each disposition, folders, ZwOpenFile, truncate, a name below a device, a bad handle', { skip: NEEDS_CLANG }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-zwfile-'));
  try {
    const driver = join(dir, 'ZwFiles.wasm');
    const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'files', 'ZwFiles.c')], output: driver });
    assert.ok(built.ok, built.diagnostics);
    const prints: string[] = [];
    const r = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, ioctls: [], onDebugPrint: (l) => prints.push(l) });
    assert.equal(r.bugCheck, null);
    assert.deepEqual(prints, [
      'ZwFiles: create \\SystemRoot\\Temp\\dvfile.log disposition 2: 00000000 information 2',
      'ZwFiles: write 11: 00000000 information 11',
      'ZwFiles: seek: 00000000',
      "ZwFiles: read: 00000000 information 5 'world'",
      'ZwFiles: position: 00000000 11',
      'ZwFiles: standard: 00000000 information 24 end 11 allocation 4096 links 1 directory 0',
      'ZwFiles: read at end: c0000011',
      'ZwFiles: read past end: c0000011',
      "ZwFiles: read at 0: 00000000 'hello'",
      'ZwFiles: query end of file: c0000003',
      'ZwFiles: short buffer: c0000004',
      'ZwFiles: flush: 00000000',
      'ZwFiles: close: 00000000',
      'ZwFiles: create \\??\\C:\\WINDOWS\\temp\\DVFILE.LOG disposition 2: c0000035 information 4',
      'ZwFiles: create \\DosDevices\\c:\\Windows\\Temp\\dvfile.log disposition 1: 00000000 information 1',
      'ZwFiles: size 11',
      'ZwFiles: create \\SystemRoot\\Temp\\dvfile.log disposition 3: 00000000 information 1',
      'ZwFiles: create \\SystemRoot\\Temp\\dvfile.log disposition 4: 00000000 information 3',
      'ZwFiles: size 0',
      'ZwFiles: write 3: 00000000 information 3',
      'ZwFiles: create \\SystemRoot\\Temp\\dvfile.log disposition 0: 00000000 information 0',
      'ZwFiles: write 5: 00000000 information 5',
      'ZwFiles: create \\??\\C:\\new.bin disposition 5: 00000000 information 2',
      'ZwFiles: create \\??\\C:\\missing.bin disposition 1: c0000034 information 5',
      'ZwFiles: create \\??\\C:\\missing.bin disposition 4: c0000034 information 5',
      'ZwFiles: create \\??\\C:\\Windows\\Temp disposition 1: c00000bb information 0',
      'ZwFiles: create \\SystemRoot\\temp disposition 3: c00000ba information 0',
      'ZwFiles: create \\SystemRoot\\Temp\\dvfile.log disposition 1: c000000d information 57005',
      'ZwFiles: create \\??\\C:\\NoSuchFolder\\a.log disposition 3: c000003a information 0',
      'ZwFiles: ZwOpenFile: 00000000 information 1',
      'ZwFiles: truncate: 00000000 size 3',
      'ZwFiles: set standard: c0000003',
      "ZwFiles: IRP_MJ 0 '\\inner.log'",
      'ZwFiles: create \\Device\\ZwFiles\\inner.log disposition 3: 00000000 information 1',
      'ZwFiles: device read: c00000bb',
      "ZwFiles: IRP_MJ 18 '\\inner.log'",
      "ZwFiles: IRP_MJ 2 '\\inner.log'",
      'ZwFiles: device close: 00000000',
      'ZwFiles: create \\Device\\NoSuchDevice\\inner.log disposition 3: c0000034 information 0',
      'ZwFiles: bad handle read: c0000008 close: c0000008',
      // The run opens the driver's device itself after DriverEntry: no name below it, an empty FileName.
      "ZwFiles: IRP_MJ 0 '(null)'",
      "ZwFiles: IRP_MJ 18 '(null)'",
      "ZwFiles: IRP_MJ 2 '(null)'",
    ]);
    const volume = r.machine.kernel.volume;
    assert.deepEqual(volume.list().sort(), ['\\??\\C:\\new.bin', '\\SystemRoot\\Temp\\dvfile.log']);
    assert.equal(Buffer.from(volume.read('\\??\\c:\\windows\\temp\\dvfile.log')!).toString('latin1'), 'xyz');
    assert.equal(volume.read('\\??\\C:\\new.bin')!.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
