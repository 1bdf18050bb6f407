/**
 * `node irp-profile-child.mjs CONFIG IOCTLS` (bundled and started by irp-profile.ts): where one IOCTL
 * of figure 2 goes, in one configuration (`off`, `standard`, `c-off`, `c-standard`, as echoSampler's).
 * Prints one JSON line: CPU ns per IOCTL of the whole request and of each phase timed on its own, the
 * least of several rounds (CPU time, so other load on a shared machine counts less), and the host bytes
 * allocated per IOCTL by allocating function, from V8's sampling heap profiler with collected objects
 * included (garbage is what the GC pays for).
 */
import { Session } from 'node:inspector/promises';
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP } from '../src/nt/layout.ts';
import { IRP_MJ } from '../src/nt/io.ts';
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { TAG } from '../src/kernel/tags.ts';
import { builtCDriver } from './c-drivers.ts';
import { IOCTL_ECHO } from './drivers/Echo.ts';
import { openBenchDriver } from './machine.ts';

const BYTES = 64;
const ROUNDS = 5;
const I = IRP.off;
const S = IO_STACK_LOCATION.off;

const [config = '', countText = ''] = process.argv.slice(2);
const n = Number(countText);
if (!/^(c-)?(off|standard)$/.test(config) || !(n > 0)) throw new Error('usage: irp-profile-child CONFIG IOCTLS');
const d = await openBenchDriver(config.startsWith('c-') ? builtCDriver('Echo') : 'Echo.ts', '\\Device\\Echo', config.endsWith('standard') ? STANDARD_FLAGS : undefined);
const k = d.machine.kernel;
const as = k.as;
const input = new Uint8Array(BYTES).map((_, i) => i);
const device = k.io.topOfStack(k.ob.lookup('\\Device\\Echo')!);
const stackSize = as.u8(device + DEVICE_OBJECT.off.StackSize);

/** Least CPU ns per call of `op` over ROUNDS rounds of n calls (after one round of warm-up), in the user thread. */
function cpuNs(op: () => void): number {
  let best = Infinity;
  for (let r = 0; r <= ROUNDS; r++) {
    const t0 = process.cpuUsage();
    k.runInThread(k.userThread, () => {
      for (let i = 0; i < n; i++) op();
    });
    const t = process.cpuUsage(t0);
    if (r > 0) best = Math.min(best, ((t.user + t.system) * 1000) / n);
  }
  return best;
}

// A request's IRP, built once and re-armed for each dispatch: what IofCallDriver and the driver cost alone.
const irp = k.runInThread(k.userThread, () => k.io.allocateIrp(stackSize));
const systemBuffer = k.allocateKernelObject(BYTES, TAG.SystemBuffer);
const top = irp + IRP.size + stackSize * IO_STACK_LOCATION.size;
const sp = top - IO_STACK_LOCATION.size;
as.setU32(irp + I['Tail.Thread'], k.userThread.address);
as.setU8(irp + I.RequestorMode, 1);
as.setU32(irp + I['AssociatedIrp.SystemBuffer'], systemBuffer);
as.setU8(sp + S.MajorFunction, IRP_MJ.DEVICE_CONTROL);
as.setU32(sp + S['Parameters.DeviceIoControl.OutputBufferLength'], BYTES);
as.setU32(sp + S['Parameters.DeviceIoControl.InputBufferLength'], BYTES);
as.setU32(sp + S['Parameters.DeviceIoControl.IoControlCode'], IOCTL_ECHO);
const frames = Object.freeze(['NtDeviceIoControlFile', 'IopXxxControlFile', 'IopSynchronousServiceTail']);

const phases = {
  'whole IOCTL (DeviceIoControl to its return)': () => void d.ioctl(IOCTL_ECHO, input, BYTES),
  'user buffers: two pages mapped, zeroed, written, unmapped': () => {
    const a = k.allocateUser(BYTES);
    as.write(a, input);
    const b = k.allocateUser(BYTES);
    k.freeUser(b, BYTES);
    k.freeUser(a, BYTES);
  },
  'IRP from pool and back': () => k.io.freeIrp(k.io.allocateIrp(stackSize)),
  'system buffer from pool, copy in and out, back': () => {
    const b = k.allocateKernelObject(BYTES, TAG.SystemBuffer);
    as.write(b, input);
    as.read(b, BYTES);
    k.freeKernelObject(b);
  },
  'IofCallDriver: dispatch, the driver, IofCompleteRequest': () => {
    as.setU8(irp + I.CurrentLocation, stackSize + 1);
    as.setU32(irp + I['Tail.CurrentStackLocation'], top);
    k.withFrames(frames, () => k.io.callDriver(device, irp));
  },
};
const cpu: Record<string, number> = {};
for (const [name, op] of Object.entries(phases)) cpu[name] = cpuNs(op);

// Allocation by site: the function that allocated (V8 attributes inlined callees to their caller).
const session = new Session();
session.connect();
const sampled = Math.max(1, Math.floor(n / 2));
await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
k.runInThread(k.userThread, () => {
  for (let i = 0; i < sampled; i++) d.ioctl(IOCTL_ECHO, input, BYTES);
});
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: HeapNode; samples: { size: number; nodeId: number }[] } };
interface HeapNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children: HeapNode[];
}
const bytesOf = new Map<number, number>();
for (const s of profile.samples) bytesOf.set(s.nodeId, (bytesOf.get(s.nodeId) ?? 0) + s.size);
const sites = new Map<string, number>();
const walk = (node: HeapNode, caller: string): void => {
  const name = `${node.callFrame.functionName || '(anonymous)'}${node.callFrame.url.includes('.sys') ? ' (driver)' : ''}`;
  const b = bytesOf.get(node.id);
  if (b) sites.set(`${name} < ${caller}`, (sites.get(`${name} < ${caller}`) ?? 0) + b);
  for (const c of node.children) walk(c, name);
};
walk(profile.head, '(root)');
const perIoctl = [...sites].map(([site, b]) => [site, b / sampled] as const).sort((a, b) => b[1] - a[1]);
console.log(JSON.stringify({ config, ioctls: n, cpu, bytes: perIoctl.reduce((t, [, b]) => t + b, 0), sites: perIoctl.slice(0, 15) }));
