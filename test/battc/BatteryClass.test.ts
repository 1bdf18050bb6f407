/**
 * battc.sys, the battery class library (src/battc): a WDM battery miniclass driver in C
 * (test/fixtures/c/battery) builds against batclass.h, binds to BATTC, and is run through PnP: the
 * class registers GUID_DEVICE_BATTERY on its PDO (the run opens the device through it) and answers
 * the battery IOCTLs from the miniport's callbacks; removal unloads the class data, clean under /standard.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IOCTL_BATTERY } from '../../src/battc/battc.ts';
import { buildDriver } from '../../src/build/build.ts';
import { readBattcPrototypes } from '../../src/build/headers.ts';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { hex, ROOT } from '../helpers.ts';

const GUID_DEVICE_BATTERY = '{72631E54-78A4-11D0-BCF7-00AA00B7B32A}';

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, 4 * i));
  return b;
}

test("batclass.h declares exactly the library's routines", async () => {
  const { BatteryClass } = await import('../../src/battc/battc.ts');
  assert.ok(BatteryClass);
  const { BATTC_ROUTINES } = await import('../../src/battc/battc.ts');
  assert.deepEqual(readBattcPrototypes().map((p) => p.importName).sort(), [...BATTC_ROUTINES].sort());
});

test('a battery miniclass over battc: the interface opens, tag, information, name and status come from its callbacks; removal is clean', { skip: NEEDS_CLANG }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'dv-battc-')), 'BatteryMiniclass.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test/fixtures/c/battery/BatteryMiniclass.c')], output: out });
  assert.ok(built.ok, built.diagnostics);
  const prints: string[] = [];
  const r = await runDriver({
    driver: out,
    onDebugPrint: (line) => prints.push(line),
    verifierFlags: STANDARD_FLAGS,
    openInterface: GUID_DEVICE_BATTERY,
    requests: [
      { kind: 'ioctl', code: IOCTL_BATTERY.QUERY_TAG, input: u32s(0), outputLength: 4 },
      { kind: 'ioctl', code: IOCTL_BATTERY.QUERY_INFORMATION, input: u32s(7, 0, 0), outputLength: 36 },
      { kind: 'ioctl', code: IOCTL_BATTERY.QUERY_INFORMATION, input: u32s(7, 4, 0), outputLength: 128 },
      { kind: 'ioctl', code: IOCTL_BATTERY.QUERY_STATUS, input: u32s(7, 0, 0, 0, 0), outputLength: 16 },
      { kind: 'ioctl', code: IOCTL_BATTERY.QUERY_STATUS, input: u32s(7), outputLength: 16 },
      { kind: 'ioctl', code: 0x294100, input: Buffer.alloc(0), outputLength: 0 },
    ],
  });
  assert.equal(r.bugCheck, null);
  assert.equal(r.hang, null);
  assert.deepEqual(
    r.requests.map((q) => [hex(q.status), q.information]),
    [
      [hex(STATUS.SUCCESS), 4],
      [hex(STATUS.SUCCESS), 36],
      [hex(STATUS.SUCCESS), 20],
      [hex(STATUS.SUCCESS), 16],
      [hex(STATUS.INVALID_BUFFER_SIZE), 0],
      [hex(STATUS.INVALID_DEVICE_REQUEST), 0],
    ],
  );
  const [tag, info, name, status] = r.requests.map((q) => Buffer.from(q.output));
  assert.equal(tag!.readUInt32LE(0), 7);
  assert.equal(info!.readUInt32LE(12), 50000, 'DesignedCapacity');
  assert.equal(info!.subarray(8, 12).toString(), 'LION');
  assert.equal(name!.subarray(0, 18).toString('utf16le'), 'DvBattery');
  assert.deepEqual([status!.readUInt32LE(0), status!.readUInt32LE(4), status!.readUInt32LE(8), status!.readInt32LE(12)], [5, 40000, 12000, 1000]);
  assert.deepEqual(r.leaks, []);
  // QueryTag's message, through the driver's variadic helper and vDbgPrintEx.
  assert.ok(prints.some((l) => l.includes('BatteryMiniclass: tag 7 for the class')), prints.join('\n'));
});
