/**
 * MSVC and WDK habits in C drivers (test/fixtures/c/habits): the probe driver is built with dv build
 * and run with a stub kernel; each line it prints is the observed result of one habit.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { resolveWindowsPath } from '../../src/build/include-overlay.ts';
import { DRIVER_OBJECT, IO_STATUS_BLOCK, IRP } from '../../src/nt/layout.ts';
import { ROOT } from '../helpers.ts';
import { instantiateImage, KERNEL_AREA } from './stub-kernel.ts';
import { NEEDS_CLANG, withTempDir } from './support.ts';

const dir = join(ROOT, 'test', 'fixtures', 'c', 'habits');

let built: Uint8Array<ArrayBuffer> | undefined;
function image(): Uint8Array<ArrayBuffer> {
  built ??= withTempDir((tmp) => {
    const output = join(tmp, 'Habits.wasm');
    const result = buildDriver({ sources: [join(dir, 'Habits.c'), join(dir, 'HabitsGuidUser.c')], output });
    assert.ok(result.ok, result.diagnostics);
    assert.equal(result.diagnostics, '', 'the WDK idioms build without a warning');
    return readFileSync(output);
  });
  return built;
}

const DEVICE = KERNEL_AREA + 0x2000;

function run(mode: number) {
  const lines: string[] = [];
  const calls: unknown[][] = [];
  const img = instantiateImage(image(), {
    DbgPrint: ((format: number, va: number) => {
      assert.equal(img.cstring(format), '%s');
      lines.push(img.cstring(img.u32(va)));
      return 0;
    }) as never,
    IoCreateDevice: ((_driver: number, ext: number, name: number, type: number, chars: number, exclusive: number, out: number) => {
      calls.push(['IoCreateDevice', ext, name !== 0, type, chars, exclusive]);
      new DataView(img.memory.buffer).setUint32(out, DEVICE, true);
      return 0;
    }) as never,
    IofCompleteRequest: ((irp: number, boost: number) => {
      calls.push(['IofCompleteRequest', img.u32(irp + IRP.off.IoStatus + IO_STATUS_BLOCK.off.Status), boost]);
    }) as never,
    ExFreePool: ((p: number) => {
      calls.push(['ExFreePool', p >>> 0]);
    }) as never,
    KeBugCheckEx: ((code: number, p1: number) => {
      throw Object.assign(new Error('bug check'), { bugCheck: [code >>> 0, p1 >>> 0] });
    }) as never,
  });
  new DataView(img.memory.buffer).setUint32(KERNEL_AREA + DRIVER_OBJECT.off.Flags, mode, true);
  let status: number | undefined;
  let bugCheck: number[] | undefined;
  try {
    status = (img.exports.DriverEntry as (d: number, r: number) => number)(KERNEL_AREA, 0) >>> 0;
  } catch (e) {
    bugCheck = (e as { bugCheck?: number[] }).bugCheck;
    if (!bugCheck) throw e;
  }
  return { lines, calls, status, bugCheck };
}

/** The probe's lines, by their first word. */
let lines: Map<string, string> | undefined;
function line(topic: string): string {
  if (!lines) {
    const r = run(0);
    assert.equal(r.status, 0, 'DriverEntry returns STATUS_SUCCESS');
    lines = new Map(r.lines.map((l) => [l.split(' ')[0]!, l]));
    assert.equal(lines.size, r.lines.length, 'one line per topic');
  }
  const l = lines.get(topic);
  assert.ok(l !== undefined, `the probe printed no '${topic}' line`);
  return l;
}

test("MSVC's preprocessor and language: #@x, L#x, \"lit\" ## x, __declspec, #pragma pack, __int64, FIELD_OFFSET and friends", { skip: NEEDS_CLANG }, () => {
  assert.equal(
    line('charize'),
    'charize z wide hello/6 paste litmore twice 42 offset 16 size 8 count 200 record found flag 1/0 -4294967296 8589934590',
  );
  assert.equal(line('selectany'), 'selectany 7 aligned 0 packed 1/1');
});

test('intrinsics: _Interlocked* and the Interlocked macros, bit scans, rotations, byte swaps, __movsb/__stosd', { skip: NEEDS_CLANG }, () => {
  // 5 -> ++ 6 -> +10 16 -> cmpxchg(100 if 16) 100 -> (7 if 16: no) -> |3 103 -> &6 6 -> ^0xf 9 -> +2 11; bit 4: 0, 1, then reset.
  assert.equal(line('interlocked'), 'interlocked 6 6 16 100 100 103 6 11 100000001 100000001 00000000 00001234 00005678 011 11');
  assert.equal(line('bitscan'), 'bitscan 1:4 1:6 1:39 0 bittest 10 rot 00000018 18000000 18 swap 44332211 bbaa 807060504030201 d4c3b2a1');
  assert.equal(line('movs'), 'movs 050607080506eeee stosd deadbeef deadbeef 00000000 frame yes');
});

test('ntintsafe.h: exact results, and STATUS_INTEGER_OVERFLOW with the _ERROR value on overflow', { skip: NEEDS_CLANG }, () => {
  const fields = line('intsafe').split(' ').slice(1);
  assert.deepEqual(fields, [
    'c0000095:ffffffff', // RtlULongAdd(0xfffffff0, 0x10)
    '00000000:ffffffff', // RtlULongAdd(0xfffffff0, 0x0f)
    'c0000095', // RtlSizeTMult(0x10000, 0x10000): SIZE_T is 32-bit
    '00000000:01000000', // RtlSizeTMult(0x1000, 0x1000)
    'c0000095:ffffffff', // RtlULongLongToULong(0x100000000)
    'c0000095:-1', // RtlLongSub(MINLONG, 1): LONG_ERROR
    'c0000095:ffff', // RtlULongToUShort(65536)
    'c0000095', // RtlIntToULong(-1)
    '00000000:ffffffff00000000', // RtlULongLongMult(0x100000000, 0xffffffff)
    '00000000:-5', // RtlLongToInt(-5)
    'c0000095:ffffffff', // RtlULongSub(3, 4)
  ]);
});

test('GUIDs: DEFINE_GUID defines after initguid.h and only declares elsewhere; the two files share one object', { skip: NEEDS_CLANG }, () => {
  assert.equal(line('guid'), 'guid 8a1b2c3d-4e5f equal differ one-object user 8a1b2c3d sees-arrival size 16');
});

test('a GUID only ever declared (no initguid.h anywhere) is an undefined variable dv build names', { skip: NEEDS_CLANG }, () => {
  withTempDir((tmp) => {
    const entry = join(tmp, 'NoInitGuid.c');
    writeFileSync(entry, '#include <ntddk.h>\nULONG GuidUserData1(void);\nNTSTATUS DriverEntry(PDRIVER_OBJECT d, PUNICODE_STRING r) { return (NTSTATUS)GuidUserData1(); }\n');
    const r = buildDriver({ sources: [entry, join(dir, 'HabitsGuidUser.c')], output: join(tmp, 'x.wasm') });
    assert.equal(r.ok, false);
    assert.match(r.diagnostics, /HabitsGuidUser\.c: error: undefined variable 'GUID_DEVINTERFACE_HABITS'/);
  });
});

test('DECLARE_HANDLE: a WDF handle is HANDLE unless the driver defines STRICT, so PVOID and WDFDEVICE callbacks mix as in a WDK build; under STRICT they are distinct types', { skip: NEEDS_CLANG }, () => {
  withTempDir((tmp) => {
    const source = (strict: boolean) =>
      `${strict ? '#define STRICT\n' : ''}#include <ntddk.h>\n#include <wdf.h>\n` +
      'typedef VOID CONTEXT_ROUTINE(PVOID Context);\nstatic VOID Reference(WDFDEVICE Device) { UNREFERENCED_PARAMETER(Device); }\n' +
      'CONTEXT_ROUTINE *Routine = Reference;\nNTSTATUS DriverEntry(PDRIVER_OBJECT d, PUNICODE_STRING r) { UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(r); return 0; }\n';
    for (const strict of [false, true]) {
      const entry = join(tmp, `Handles${strict ? 'Strict' : ''}.c`);
      writeFileSync(entry, source(strict));
      const r = buildDriver({ sources: [entry], output: join(tmp, 'x.wasm') });
      if (strict) {
        assert.equal(r.ok, false);
        assert.match(r.diagnostics, /incompatible function pointer types/);
      } else assert.ok(r.ok, r.diagnostics);
    }
  });
});

test('#include as Windows resolves it: any case, and backslashes, through folders the driver never named', { skip: NEEDS_CLANG }, () => {
  withTempDir((tmp) => {
    mkdirSync(join(tmp, 'Sys'));
    mkdirSync(join(tmp, 'Inc'));
    writeFileSync(join(tmp, 'Inc', 'Public.h'), '#pragma once\n#define PUBLIC_VALUE 0x100\n');
    writeFileSync(join(tmp, 'Sys', 'cdprocs.h'), '#define PROCS_VALUE 0x20\n');
    writeFileSync(join(tmp, 'Sys', 'Local.H'), '#define LOCAL_VALUE 0x3\n');
    const source = join(tmp, 'Sys', 'Driver.c');
    writeFileSync(
      source,
      [
        '#include <NTDDK.h>',
        '#include <NtStrSafe.H>',
        '#include "CdProcs.h"',
        '#include "..\\inc\\public.h"',
        '#include "..\\INC/PUBLIC.H"',
        '#include <local.h>',
        'NTSTATUS DriverEntry(PDRIVER_OBJECT d, PUNICODE_STRING r) {',
        '  UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(r);',
        '  return PUBLIC_VALUE + PROCS_VALUE + LOCAL_VALUE;',
        '}',
      ].join('\n'),
    );
    const output = join(tmp, 'Driver.wasm');
    // -I spelled in another case than the folder on disk does not matter either: it is a real path here.
    const r = buildDriver({ sources: [source], output, includeDirs: [join(tmp, 'Sys')] });
    assert.ok(r.ok, r.diagnostics);
    assert.equal(r.diagnostics, '', 'no non-portable-path warnings: the spelling is the driver author\'s habit');
    const img = instantiateImage(readFileSync(output), {});
    assert.equal((img.exports.DriverEntry as (d: number, r: number) => number)(KERNEL_AREA, 0), 0x123);
  });
});

test('resolveWindowsPath finds a file by a Windows spelling, and nothing that is not there', () => {
  withTempDir((tmp) => {
    mkdirSync(join(tmp, 'A', 'Deep'), { recursive: true });
    writeFileSync(join(tmp, 'A', 'Deep', 'File.h'), '');
    assert.equal(resolveWindowsPath(join(tmp, 'A'), 'deep\\FILE.H'), join(tmp, 'A', 'Deep', 'File.h'));
    assert.equal(resolveWindowsPath(join(tmp, 'A', 'Deep'), '..\\deep\\.\\file.h'), join(tmp, 'A', 'Deep', 'File.h'));
    assert.equal(resolveWindowsPath(join(tmp, 'A'), 'deep\\missing.h'), undefined);
    assert.equal(resolveWindowsPath(join(tmp, 'A'), 'deep'), undefined, 'a folder is not an include file');
  });
});

test('stdio.h: _snprintf/_snwprintf as MSVC (no terminator at an exact fit, -1 past it), snprintf/swprintf as C99', { skip: NEEDS_CLANG }, () => {
  assert.equal(line('snprintf'), 'snprintf 7[1234567] 8[8] -1 14[42-over] snwprintf 14[wide|narrow|-3] swprintf 9[BEEF Z hs]');
});

test('ntstrsafe.h: W forms, Cat, Ex flags (fill behind, no truncation), N forms, lengths, UNICODE_STRING forms', { skip: NEEDS_CLANG }, () => {
  assert.equal(
    line('strsafe'),
    'strsafe 00000000 80000005[xy] 00000000 end 2 left 10 tail 4141 00000000 80000005[abcdewx] 00000000 c000000d len 00000000:4 c000000d',
  );
  assert.equal(line('unicode'), 'unicode 00000000:16 80000005[\\Device\\Ha] 00000000 28/30 80000005:20');
});

test('stdlib.h, string.h, wchar.h, ctype.h: conversions, qsort/bsearch, case-insensitive compares, searches', { skip: NEEDS_CLANG }, () => {
  assert.equal(line('libc'), 'libc -2 9 4 31[Z] -42 -2147483648 0 0 1 stack none abcXY 2 2 Qq 1 0 9');
});

test('wdmsec.h: IoCreateDeviceSecure refuses a malformed SDDL and otherwise creates the device with IoCreateDevice', { skip: NEEDS_CLANG }, () => {
  const r = run(0);
  assert.deepEqual(r.calls[0], ['IoCreateDevice', 0, true, 0x22, 0x100, 0]);
  assert.equal(line('wdmsec'), `wdmsec c000000d 00000000 ${DEVICE.toString(16).padStart(8, '0')} 00000000 6/8`);
});

test('__fastfail(code) is bug check 0x139 with the code as Parameter 1', { skip: NEEDS_CLANG }, () => {
  assert.deepEqual(run(1).bugCheck, [0x139, 3]);
});

test('wmilib.h on a machine without WMI: requests for others are forwarded, unknown minors are not WMI, its own GUIDs are not found; events are dropped and their data freed', { skip: NEEDS_CLANG }, () => {
  // IrpProcessed 0, IrpNotCompleted 1, IrpNotWmi 2, IrpForward 3; the IRP's status is returned as it was.
  assert.equal(line('wmi'), 'wmi c00000bb:3 c00000bb:2 c0000295:0 00000000 00000000:12');
  const r = run(0);
  assert.deepEqual(r.calls.slice(1), [
    ['IofCompleteRequest', 0xc0000295, 0],
    ['ExFreePool', 0x8a000],
    ['IofCompleteRequest', 0, 0],
  ]);
});
