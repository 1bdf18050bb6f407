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
import type { Kernel } from '../../src/kernel/kernel.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { STATUS } from '../../src/nt/status.ts';
import { WDF_WMI_LAYOUTS } from '../../src/nt/wdf-wmi.ts';
import { WMI_LAYOUTS } from '../../src/nt/wmi.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { compileC, firstErrors, NEEDS_CLANG } from '../ddk/support.ts';
import { hex, ROOT } from '../helpers.ts';

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
  // Method 1 (SetEC1) sets the EC1 from its input; method 2 (DummyMethod) does nothing; neither returns data.
  const again = data.map((b) => b ^ 0xff);
  again[0] = 0;
  assert.equal(hex(wmi.executeMethod(CLASS1, 0, 1, again, 0).status), hex(STATUS.SUCCESS));
  assert.deepEqual([...wmi.querySingleInstance(CLASS1, 0).instances[0]!], [...again]);
  assert.deepEqual(wmi.executeMethod(CLASS1, 0, 2, new Uint8Array(0), 0), { status: STATUS.SUCCESS, instances: [new Uint8Array(0)] });
  // Errors: an instance the block has not, a GUID nobody registered, an item on a block without EvtWmiInstanceSetItem.
  assert.equal(hex(wmi.querySingleInstance(CLASS1, 1).status), hex(STATUS.WMI_INSTANCE_NOT_FOUND));
  assert.equal(hex(wmi.queryAllData('{00000000-0000-0000-0000-000000000001}').status), hex(STATUS.WMI_GUID_NOT_FOUND));
  assert.equal(hex(wmi.changeSingleItem(CLASS2, 0, 1, new Uint8Array(1)).status), hex(STATUS.WMI_READ_ONLY));
  assert.equal(hex(wmi.executeMethod(CLASS2, 0, 1, new Uint8Array(0), 16).status), hex(STATUS.INVALID_DEVICE_REQUEST));
  // The WMI buffers went back to the pool.
  assert.deepEqual([...k.pool.liveBlocks()].filter((b) => b.tag === TAG.Wmi), []);
  // The whole PnP lifecycle, sleep and wake included, is clean: the removal deregisters the device.
  const life = await runDriver({ driver, pnp: true, verifierFlags: STANDARD_FLAGS, sleep: true });
  assert.equal(life.bugCheck, null);
  assert.equal(life.hang, null);
  assert.deepEqual(wmiService(life.machine.kernel).registered, []);
  assert.deepEqual(life.leaks, []);
  assert.equal(life.unloaded, true);
});

// drivers/c/kmdf/KmdfWmi: one block, two instances (callbacks; UseContextForQuery).
const KMDFWMI = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfWmi', 'KmdfWmi.wasm');
const KMDFWMI_GUID = '{5C2B6D1E-3A7F-4E21-9B8C-0D1E2F3A4B5C}';
const u32 = (...v: number[]) => new Uint8Array(Uint32Array.from(v).buffer);

test('KmdfWmi: the DDIs answer as the reference says; WMI queries both instances, sets, runs methods, gets the event it enabled', async () => {
  const printed: string[] = [];
  const r = await runDriver({ driver: KMDFWMI, pnp: true, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false, onDebugPrint: (l) => printed.push(l.replace(/^KmdfWmi: /, '').trim()) });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(printed, [
    // A second MOF name: STATUS_INVALID_DEVICE_REQUEST; a second provider of the GUID: STATUS_OBJECT_NAME_COLLISION;
    // a provider and a provider config: STATUS_INVALID_PARAMETER.
    'mof again 0xc0000010',
    'same GUID 0xc0000035',
    'both 0xc000000d',
    'instance device 1 provider 1',
  ]);
  const wmi = wmiService(r.machine.kernel);
  const reg = wmi.registration(wmi.registered[0]!)!;
  assert.equal(reg.mofResourceName, 'KmdfWmiMof');
  assert.deepEqual(reg.guids.map((g) => [g.guid, g.instanceNames]), [[KMDFWMI_GUID, ['ROOT\\SYSTEM\\0000_0', 'ROOT\\SYSTEM\\0000_1']]]);
  // Instance 0 answers with the device's KMDFWMI_DATA {Value 7, Sets 0}; instance 1 with its own context.
  assert.deepEqual(wmi.queryAllData(KMDFWMI_GUID).instances.map((b) => [...b]), [[...u32(7, 0)], [...u32(0x1234, 0)]]);
  // Method 1 adds its input to Value and returns the sum.
  const m = wmi.executeMethod(KMDFWMI_GUID, 0, 1, u32(3), 4);
  assert.deepEqual([hex(m.status), [...m.instances[0]!]], [hex(STATUS.SUCCESS), [...u32(10)]]);
  // Method 2 fires the event only once WMI enabled events (EvtWmiProviderFunctionControl saw it).
  assert.equal(hex(wmi.executeMethod(KMDFWMI_GUID, 0, 2, new Uint8Array(0), 0).status), hex(STATUS.UNSUCCESSFUL));
  assert.equal(wmi.enable(KMDFWMI_GUID, 'events', true), STATUS.SUCCESS);
  assert.equal(printed.at(-1), 'events on, device 1');
  assert.equal(hex(wmi.executeMethod(KMDFWMI_GUID, 0, 2, new Uint8Array(0), 0).status), hex(STATUS.SUCCESS));
  assert.deepEqual(wmi.events.map((e) => [e.guid, e.instanceIndex, [...e.data]]), [[KMDFWMI_GUID, 0, [...u32(10)]]]);
  // Item 1 is Value; the set counted.
  assert.equal(wmi.changeSingleItem(KMDFWMI_GUID, 0, 1, u32(9)).status, STATUS.SUCCESS);
  assert.deepEqual([...wmi.querySingleInstance(KMDFWMI_GUID, 0).instances[0]!], [...u32(9, 1)]);
  // Instance 1 has no set callback: read-only. A block smaller than MinInstanceBufferSize: too small.
  assert.equal(hex(wmi.changeSingleInstance(KMDFWMI_GUID, 1, u32(1, 2)).status), hex(STATUS.WMI_READ_ONLY));
  assert.equal(hex(wmi.changeSingleInstance(KMDFWMI_GUID, 0, u32(1)).status), hex(STATUS.BUFFER_TOO_SMALL));
});

test('KmdfWmi: registered while started, deregistered by the removal; nothing leaks', async () => {
  // How many providers WMI has at each step of the run.
  const steps: string[] = [];
  let kernel: Kernel | undefined;
  const r = await runDriver({
    driver: KMDFWMI,
    pnp: true,
    verifierFlags: STANDARD_FLAGS,
    configure: (m) => (kernel = m.kernel),
    onStep: (l) => steps.push(`${l.split(' ')[0]} ${wmiService(kernel!).registered.length}`),
  });
  assert.equal(r.bugCheck, null);
  assert.ok(steps.some((s) => s.startsWith('opening 1')), steps.join('\n'));
  assert.ok(steps.includes('unloading 0'), steps.join('\n'));
  assert.deepEqual(r.leaks, []);
  assert.equal(r.unloaded, true);
});
