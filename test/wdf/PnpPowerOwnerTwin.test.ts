/**
 * Power policy ownership: KmdfFilterPowerOwner (KmdfFilter with WdfDeviceInitSetPowerPolicyOwnership
 * TRUE) above KmdfPnp, which owns its stack's power policy as every function driver does by default.
 * At a system sleep the filter, seeing the S-IRP first, requests D3; the D-IRP reaches KmdfPnp's
 * device, a power policy owner that did not request it: 0x10D WDF_VIOLATION, Parameter 1 0xD
 * (POWER_MULTIPLE_PPO), Parameter 2 the device object, Parameter 3 the IRP, charged to KmdfPnp
 * (Parameter 4 its globals), with !analyze -v's WDF lines and the in-flight recorder. KmdfFilter,
 * which leaves the policy to the function driver, sleeps and wakes clean in the same stack.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DebugTarget } from '../../src/debugger/target.ts';
import { DEVICE_OBJECT } from '../../src/nt/layout.ts';
import { execute } from '../../src/debugger/engine.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { runDriver } from '../../src/system/run.ts';
import { hex, ROOT } from '../helpers.ts';
import { KMDFFILTER, KMDFPNP } from './kmdf-pnp-samples.ts';

const POWER_OWNER_FILTER = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfFilterPowerOwner', 'KmdfFilterPowerOwner.wasm');

test('a filter that takes the power policy above its owner: the sleep stops in 0x10D/0xD at the function driver', async () => {
  const r = await runDriver({ driver: KMDFPNP, filters: [POWER_OWNER_FILTER], verifierFlags: STANDARD_FLAGS, sleep: true });
  assert.ok(r.bugCheck, 'the run stopped');
  const [p1, p2, p3] = r.bugCheck!.params;
  assert.deepEqual([hex(r.bugCheck!.code), hex(p1!)], ['0x10d', '0xd']);
  const k = r.machine.kernel;
  const node = k.pnp.devnodes()[0]!;
  // The function driver's device: the one attached to the PDO.
  assert.equal(hex(p2!), hex(k.as.u32(node.pdo + DEVICE_OBJECT.off.AttachedDevice)));
  assert.ok(p3 !== 0);
  const analyze = execute(new DebugTarget(r.dump), '!analyze -v').join('\n');
  assert.match(analyze, /A power IRP the device did not request reached its power policy owner/);
  assert.match(analyze, /WDF_DRIVER: {2}KmdfPnp\.sys/);
  assert.match(analyze, /WDF_IFR_LOG:.*\n(.*\n)*.*WDF_VIOLATION 0xd/);
});

test('KmdfFilter leaves the policy to KmdfPnp: the same stack sleeps and wakes clean', async () => {
  const r = await runDriver({ driver: KMDFPNP, filters: [KMDFFILTER], verifierFlags: STANDARD_FLAGS, sleep: true });
  assert.equal(r.bugCheck, null);
});
