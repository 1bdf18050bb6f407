/**
 * KMDF WMI (wdfwmi.h): the corpus' wmi/wmisamp (microsoft/Windows-driver-samples, read from the
 * checkout at $DV_WDS or /work/wds, never copied) built with its MOF header and started under
 * /standard; the kernel's WMI (src/kernel/io/wmi-service.ts) then sends it IRP_MJ_SYSTEM_CONTROL
 * as a WMI consumer's requests become: registration, queries, a set, a method, errors. And the
 * WMI structures of wmistr.h and wdfwmi.h against src/nt.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { layoutCheckSource } from '../../src/build/layout-check.ts';
import { wmiService } from '../../src/kernel/io/wmi-service.ts';
import { STATUS } from '../../src/nt/status.ts';
import { WDF_WMI_LAYOUTS } from '../../src/nt/wdf-wmi.ts';
import { WMI_LAYOUTS } from '../../src/nt/wmi.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { compileC, firstErrors, NEEDS_CLANG } from '../ddk/support.ts';
import { hex } from '../helpers.ts';

const WDS = process.env.DV_WDS ?? '/work/wds';
const missing = existsSync(join(WDS, 'wmi', 'wmisamp')) ? undefined : `no Windows-driver-samples checkout at ${WDS} (set DV_WDS)`;
if (missing) console.log(`# skipped: ${missing}`);

test('wmistr.h and wdfwmi.h lay out the WNODEs, the registration and the WDF_WMI_* configs as src/nt does', { skip: NEEDS_CLANG }, () => {
  const source = layoutCheckSource([...WMI_LAYOUTS, ...WDF_WMI_LAYOUTS]).replace('#include <ntddk.h>', '#include <ntddk.h>\n#include <wmistr.h>\n#include <wdf.h>');
  const { status, stderr } = compileC(source);
  assert.equal(status, 0, firstErrors(stderr));
});

// wmisamp.mof's classes: WmiSampleClass1 (query, set, set item, methods), WmiSampleClass2 (query, set).
const CLASS1 = '{15D851F1-6539-11D1-A529-00A0C9062910}';
const CLASS2 = '{15D851F2-6539-11D1-A529-00A0C9062910}';

test('wmi/wmisamp: registered at start, its blocks queried, set and a method run through IRP_MJ_SYSTEM_CONTROL', { skip: NEEDS_CLANG || missing }, async () => {
  const dir = join(WDS, 'wmi', 'wmisamp');
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-wmi-')), 'wmisamp.wasm');
  const built = buildDriver({ sources: ['wmisamp.c', 'WmiHandler.c'].map((f) => join(dir, f)), mofHeaders: [{ mof: join(dir, 'wmisamp.mof'), header: 'WmiData.h' }], output: driver });
  assert.ok(built.ok, built.diagnostics);
  const r = await runDriver({ driver, pnp: true, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false });
  assert.equal(r.bugCheck, null);
  const k = r.machine.kernel;
  const wmi = wmiService(k);
  // The FDO registered when it started; WMI's IRP_MN_REGINFO_EX lists the four blocks it registered instances of.
  assert.equal(wmi.registered.length, 1);
  const reg = wmi.registration(wmi.registered[0]!)!;
  assert.equal(reg.mofResourceName, 'MofResourceName');
  assert.match(reg.registryPath, /\\Services\\wmisamp$/i);
  assert.deepEqual(reg.guids.map((g) => [g.guid, g.instanceCount, g.flags]), [
    [CLASS1, 1, 0x20],
    [CLASS2, 1, 0x20],
    ['{15D851F5-6539-11D1-A529-00A0C9062910}', 1, 0x20],
    ['{15D851F6-6539-11D1-A529-00A0C9062910}', 1, 0x20],
  ]);
  assert.deepEqual(reg.guids[0]!.instanceNames, ['ROOT\\SYSTEM\\0000_0']);
  // Class1 is one EC1: a set of the whole block is what the next query reads, in both forms.
  const all = wmi.queryAllData(CLASS1);
  assert.equal(hex(all.status), hex(STATUS.SUCCESS));
  assert.equal(all.instances.length, 1);
  const size = all.instances[0]!.length;
  assert.ok(size > 0);
  const data = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 1) & 0xff);
  data[0] = 1; // the BOOLEAN
  assert.equal(hex(wmi.changeSingleInstance(CLASS1, 0, data).status), hex(STATUS.SUCCESS));
  const one = wmi.querySingleInstance(CLASS1, 0);
  assert.equal(hex(one.status), hex(STATUS.SUCCESS));
  assert.deepEqual([...one.instances[0]!], [...data]);
  assert.deepEqual([...wmi.queryAllData(CLASS1).instances[0]!], [...data]);
  // Errors: an instance the block has not, a GUID nobody registered, an item on a block without EvtWmiInstanceSetItem.
  assert.equal(hex(wmi.querySingleInstance(CLASS1, 1).status), hex(STATUS.WMI_INSTANCE_NOT_FOUND));
  assert.equal(hex(wmi.queryAllData('{00000000-0000-0000-0000-000000000001}').status), hex(STATUS.WMI_GUID_NOT_FOUND));
  assert.equal(hex(wmi.changeSingleItem(CLASS2, 0, 1, new Uint8Array(1)).status), hex(STATUS.WMI_READ_ONLY));
  assert.equal(hex(wmi.executeMethod(CLASS2, 0, 1, new Uint8Array(0), 16).status), hex(STATUS.INVALID_DEVICE_REQUEST));
  // The WMI buffers went back to the pool.
  assert.deepEqual([...k.pool.liveBlocks()].filter((b) => b.tag === 0x20494d57), []);
});
