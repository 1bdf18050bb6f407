/**
 * `!wdfkd.wdfdevice` and `!wdfkd.wdfdevicequeues` on dumps of the KMDF PnP samples
 * (drivers/c/kmdf): the Pnp, Power and Power Pol state lines and, with flags 0x8, 0x2 and 0x4, the
 * three machines' histories (the last eight states, oldest first), in the extension's documented
 * layout. KmdfPnpIdle idled to D3 in S0 is the documentation's own example state
 * (Started / Dx / WaitingUnarmed).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDump, serializeDump, type CrashDump } from '../../src/debugger/dump.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { systemSleepWake } from '../../src/kernel/po/transition.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { assertGolden } from '../helpers.ts';
import { IOCTL_ECHO, KMDFFILTER, KMDFPNP, KMDFPNP_IDLE } from '../wdf/kmdf-pnp-samples.ts';

const reread = (dump: CrashDump) => new DebugTarget(parseDump(serializeDump(dump), 'wdf.dmp'));
const session = (t: DebugTarget, lines: string[]) => lines.map((l) => [`kd> ${l}`, ...execute(t, l)].join('\n')).join('\n') + '\n';
const x = (n: number) => n.toString(16);
const devices = (dump: CrashDump, client: string) => dump.wdf!.clients.find((c) => c.name === client)!.devices;

test('KmdfPnpIdle idled to D3 in S0: Started, Dx, WaitingUnarmed; the histories in PnP, power, power policy order; its queues', async () => {
  const printed: string[] = [];
  const r = await runDriver({ driver: KMDFPNP_IDLE, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false, requests: [{ kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 }], onDebugPrint: (l) => printed.push(l.trim()) });
  assert.equal(r.bugCheck, null);
  const k = r.machine.kernel;
  k.runInThread(k.systemThread, () => k.dispatcher.waitUntil(() => printed.some((l) => l.endsWith('EvtDeviceD0Exit (to D3)')), () => 'the device never idled'));
  const dump = r.dump;
  const [device] = devices(dump, 'KmdfPnpIdle');
  const t = reread(dump);
  const out = session(t, [`!wdfkd.wdfdevice ${x(device!.handle)}`, `!wdfkd.wdfdevice ${x(device!.handle)} 0xf`, `!wdfkd.wdfdevicequeues ${x(device!.handle)}`]);
  assert.match(out, /Pnp state: {2}119 \( WdfDevStatePnpStarted \)\nPower state: {2}31f \( WdfDevStatePowerDx \)\nPower Pol state: {2}508 \( WdfDevStatePwrPolWaitingUnarmed \)/);
  assert.match(out, /Device is the power policy owner for the stack/);
  assert.match(out, /Pnp state history:\n\[0\] WdfDevStatePnpObjectCreated \(0x100\)\n\[1\] WdfDevStatePnpInit \(0x105\)/);
  assert.match(out, /\[\d\] WdfDevStatePwrPolTimerExpiredNoWake \(0x506\)\n\[\d\] WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown \(0x507\)\n\[\d\] WdfDevStatePwrPolWaitingUnarmed \(0x508\)\n/);
  assert.match(out, /SyncronizationScope is WdfSynchronizationScopeNone\nExecutionLevel is WdfExecutionLevelDispatch/);
  assert.match(out, /Number of queues: 1\n-+\nQueue: 1 \(!wdfqueue 0x[0-9a-f]+\)\n {4}Sequential, Power-managed, PowerOff, Can accept, Can dispatch, ExecutionLevelDispatch, SynchronizationScopeNone\n/);
  assertGolden('kd.wdf.pnp.out', out);
});

test('KmdfPnp after a system sleep and wake is Started in D0 again, its policy history through the sleep; the filter above it owns no policy', async () => {
  const r = await runDriver({ driver: KMDFPNP, filters: [KMDFFILTER], verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false });
  assert.equal(r.bugCheck, null);
  const k = r.machine.kernel;
  const node = k.pnp.devnodes()[0]!;
  k.runInThread(k.systemThread, () => systemSleepWake(k, k.pnp.powerOrder(node)));
  const dump = r.dump;
  const t = reread(dump);
  const [fdo] = devices(dump, 'KmdfPnp');
  const [filter] = devices(dump, 'KmdfFilter');
  const out = execute(t, `!wdfkd.wdfdevice ${x(fdo!.handle)} 0x6`).join('\n');
  assert.match(out, /Pnp state: {2}119 \( WdfDevStatePnpStarted \)\nPower state: {2}307 \( WdfDevStatePowerD0 \)\nPower Pol state: {2}565 \( WdfDevStatePwrPolStarted \)/);
  const policy = out.slice(out.indexOf('Power policy state history:'));
  for (const s of ['WdfDevStatePwrPolSleeping (0x526)', 'WdfDevStatePwrPolSystemAsleepNoWake (0x52c)', 'WdfDevStatePwrPolSystemWakeDeviceToD0 (0x52e)', 'WdfDevStatePwrPolStarted (0x565)']) assert.ok(policy.includes(s), `${s} in\n${policy}`);
  const power = out.slice(out.indexOf('Power state history:'), out.indexOf('Power policy state history:'));
  assert.match(power, /WdfDevStatePowerGotoDx \(0x31a\)\n\[\d\] WdfDevStatePowerGotoDxIoStopped \(0x31c\)\n\[\d\] WdfDevStatePowerDx \(0x31f\)\n\[\d\] WdfDevStatePowerD0Starting \(0x30f\)/);
  const f = execute(t, `!wdfkd.wdfdevice ${x(filter!.handle)} 0x4`).join('\n');
  assert.match(f, /Power Pol state: {2}500 \( WdfDevStatePwrPolObjectCreated \)/);
  assert.match(f, /Device is not the power policy owner for the stack/);
});

test('!wdfdevicequeues wants a WDFDEVICE handle', async () => {
  const r = await runDriver({ driver: KMDFPNP, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false });
  const dump = r.dump;
  const t = reread(dump);
  const c = dump.wdf!.clients.find((c) => c.name === 'KmdfPnp')!;
  const queue = c.queues[0]!;
  assert.match(execute(t, `!wdfkd.wdfdevicequeues ${x(queue.handle)}`).join('\n'), /WDFQUEUE/);
  assert.match(execute(t, '!wdfkd.wdfdevicequeues').join('\n'), /Usage: !wdfkd\.wdfdevicequeues Handle/);
});
