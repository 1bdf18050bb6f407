/**
 * The violating twins of the PnP filter and bus samples, in both languages, each stopping with the check
 * Windows really has:
 * - PnpFilterAnswersQueryRemove (over PnpFunction): the filter completes IRP_MN_QUERY_REMOVE_DEVICE with
 *   success itself instead of passing it down: I/O verification's 0xC9/0x22E at the completion, with the
 *   call site, the IRP and the status. Without I/O verification the removal goes on, as Windows lets it.
 * - PnpBusSameInstance: every child answers BusQueryInstanceID with "0", so the second child's instance
 *   path is the first's: 0xCA PNP_DETECTED_FATAL_ERROR, Parameter 1 = 1 (duplicate PDO), the new PDO and
 *   the older one. The PnP manager's own check: it fires with the verifier off too.
 * The clean samples do the same runs without a stop (PnpFilterRun.test.ts, PnpBus.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { PNP_FATAL } from '../../src/kernel/pnp/bus.ts';
import { sourceLine } from '../../src/kernel/symbols.ts';
import { IO_TYPE, IRP_MJ } from '../../src/nt/io.ts';
import { IRP_MN_PNP } from '../../src/nt/pnp.ts';
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP } from '../../src/nt/layout.ts';
import { runDriver, type RunOutcome } from '../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { RULES } from '../../src/verifier/rules.ts';
import { ROOT, hex } from '../helpers.ts';
import { argumentsBlock, expectedArguments, field } from '../verifier/rules/support.ts';

const TS = join(ROOT, 'drivers', 'ts', 'pnp');
const C = join(ROOT, 'drivers', 'c', 'pnp');
const SAMPLES = {
  ts: {
    fn: join(TS, 'PnpFunction.ts'),
    filter: join(TS, 'PnpFilterAnswersQueryRemove.ts'),
    filterSource: join(TS, 'PnpFilterAnswersQueryRemove.ts'),
    completion: 'ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);',
    bus: join(TS, 'PnpBusSameInstance.ts'),
    child: join(TS, 'PnpChild.ts'),
  },
  c: {
    fn: join(C, 'PnpFunction', 'PnpFunction.wasm'),
    filter: join(C, 'PnpFilterAnswersQueryRemove', 'PnpFilterAnswersQueryRemove.wasm'),
    filterSource: join(C, 'PnpFilter', 'PnpFilter.c'),
    completion: '/* The twin\'s shortcut',
    bus: join(C, 'PnpBusSameInstance', 'PnpBusSameInstance.wasm'),
    child: join(C, 'PnpChild', 'PnpChild.wasm'),
  },
} as const;

const analyze = (r: RunOutcome) => execute(new DebugTarget(r.dump), '!analyze -v');

for (const [lang, s] of Object.entries(SAMPLES)) {
  const filterRun = (flags: number) => runDriver({ driver: s.fn, filters: [s.filter], verifierFlags: flags, requests: [] });

  test(`${lang}: PnpFilterAnswersQueryRemove completes QUERY_REMOVE with success instead of passing it down: 0xC9/0x22E at the completion`, async () => {
    const r = await filterRun(STANDARD_FLAGS);
    const k = r.machine.kernel;
    assert.ok(r.bugCheck, 'a stop');
    const [p1, site, irp, status] = r.bugCheck.params as [number, number, number, number];
    assert.equal(hex(r.bugCheck.code), hex(RULES.PnpSuccessCompleted.code));
    assert.equal(hex(p1), hex(RULES.PnpSuccessCompleted.p1!), 'Parameter 1: 0x22E');
    assert.equal(k.as.u16(irp + IRP.off.Type), IO_TYPE.IRP, 'Parameter 3 is an IRP');
    const sp = k.io.currentStackLocation(irp);
    assert.deepEqual([k.as.u8(sp + IO_STACK_LOCATION.off.MajorFunction), k.as.u8(sp + IO_STACK_LOCATION.off.MinorFunction)], [IRP_MJ.PNP, IRP_MN_PNP.QUERY_REMOVE_DEVICE]);
    assert.equal(status, 0, 'Parameter 4: STATUS_SUCCESS');
    // Parameter 2 is the twin's IoCompleteRequest call: the line after the marked one in C, the line itself in TS.
    const lines = readFileSync(s.filterSource, 'utf8').split('\n');
    const marked = lines.findIndex((l) => l.includes(s.completion)) + 1;
    const at = sourceLine(r.dump.modules, site)!;
    assert.match(at.file, lang === 'ts' ? /PnpFilterAnswersQueryRemove\.ts$/ : /PnpFilter\.c$/);
    assert.equal(at.line, lang === 'ts' ? marked : marked + 2);
    const analysis = analyze(r);
    assert.deepEqual(argumentsBlock(analysis), expectedArguments(r.bugCheck.code, r.bugCheck.params));
    assert.equal(field(analysis, 'IMAGE_NAME'), 'PnpFilterAnswersQueryRemove.sys');
    assert.match(field(analysis, 'SYMBOL_NAME') ?? '', /^PnpFilterAnswersQueryRemove!DispatchPnp(Shortcut)?\+0x[0-9a-f]+$/);
  });

  test(`${lang}: PnpFilterAnswersQueryRemove without I/O verification runs on, as Windows lets it: the device is removed`, async () => {
    const r = await filterRun(STANDARD_FLAGS & ~VF.IO_VERIFICATION);
    assert.equal(r.bugCheck, null);
    assert.ok(r.unloaded);
  });

  test(`${lang}: PnpBusSameInstance gives both children one instance ID: 0xCA/0x1 with the second PDO and the first`, async () => {
    const r = await runDriver({ driver: s.bus, verifierFlags: STANDARD_FLAGS, childDrivers: [{ hardwareId: 'PnpBus\\PnpChild', driver: s.child }], requests: [] });
    const k = r.machine.kernel;
    assert.ok(r.bugCheck, 'a stop');
    assert.equal(r.bugCheck.name, 'PNP_DETECTED_FATAL_ERROR');
    const [p1, fresh, older, p4] = r.bugCheck.params as [number, number, number, number];
    assert.equal(p1, PNP_FATAL.DUPLICATE_PDO);
    assert.equal(p4, 0);
    assert.notEqual(fresh, older);
    const busDriver = k.ob.lookup('\\Driver\\PnpBusSameInstance');
    assert.ok(busDriver, 'the bus driver object');
    for (const pdo of [fresh, older]) {
      assert.equal(k.as.u16(pdo + DEVICE_OBJECT.off.Type), IO_TYPE.DEVICE, 'a device object');
      assert.equal(hex(k.as.u32(pdo + DEVICE_OBJECT.off.DriverObject)), hex(busDriver), 'a PDO the bus driver created');
    }
    assert.equal(k.pnp.nodeOfPdo(older)?.instancePath, 'PNPBUS\\PNPCHILD\\1&4f266a5a&0&0', 'the older one is child 0, already on the tree');
    assert.equal(k.pnp.nodeOfPdo(fresh), undefined, 'the duplicate never got a devnode');
    const analysis = analyze(r);
    assert.ok(analysis.includes('PNP_DETECTED_FATAL_ERROR (ca)'));
    assert.deepEqual(argumentsBlock(analysis), expectedArguments(0xca, r.bugCheck.params));
  });
}
