/**
 * The non-PnP KMDF sample (drivers/c/kmdf/KmdfNonPnp): a WDFDRIVER, a control device with a file
 * object configuration and a sequential default queue, driven through create, IOCTLs, a write, a
 * read, close and unload under /standard. Also what the binding leaves visible: Wdf01000.sys in the
 * module list, framework frames on the stack, and pool tagged as the driver's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver, type DeviceRequest } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const NONPNP = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfNonPnp', 'KmdfNonPnp.wasm');
const SET = 0x222000;
const GET = 0x222004;
const GET_DIRECT = 0x22200a;
const SET_NEITHER = 0x22200f;
const ioctl = (code: number, input: string, outputLength: number): DeviceRequest => ({ kind: 'ioctl', code, input: Buffer.from(input, 'hex'), outputLength });

test('KmdfNonPnp runs create, IOCTLs, a write, a read, close and unload clean under /standard', async () => {
  const prints: string[] = [];
  const r = await runDriver({
    driver: NONPNP,
    verifierFlags: STANDARD_FLAGS,
    requests: [
      ioctl(SET, '41424344', 0),
      ioctl(GET, '', 8),
      { kind: 'write', data: Buffer.from('0102', 'hex') },
      { kind: 'read', length: 4 },
      ioctl(0x222008, '', 0),
      ioctl(GET, '', 1),
      ioctl(SET_NEITHER, 'a1a2a3', 0),
      ioctl(GET_DIRECT, '', 8),
    ],
    onDebugPrint: (l) => prints.push(l),
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.open && [r.open.name, hex(r.open.status)], ['\\Device\\KmdfNonPnp', '0x0']);
  assert.deepEqual(
    r.requests.map((q) => [hex(q.status), q.information, Buffer.from(q.output).toString('hex')]),
    [
      ['0x0', 0, ''],
      ['0x0', 4, '41424344'],
      ['0x0', 2, ''],
      ['0x0', 2, '0102'],
      // An IOCTL the driver does not know, and an output buffer too small for what it holds.
      ['0xc0000010', 0, ''],
      ['0xc0000023', 0, ''],
      // METHOD_NEITHER: probed and locked in EvtIoInCallerContext; METHOD_OUT_DIRECT: through the MDL.
      ['0x0', 0, ''],
      ['0x0', 3, 'a1a2a3'],
    ],
  );
  assert.ok(r.unloaded && r.shutDown);
  assert.deepEqual(r.leaks, []);
  assert.ok(prints.some((l) => l.includes('KmdfNonPnp: unloading')), 'EvtDriverUnload ran');
});

test('the framework is a module of its own, Wdf01000.sys, loaded by the first KMDF driver', async () => {
  const r = await runDriver({ driver: NONPNP, verifierFlags: STANDARD_FLAGS, requests: [ioctl(GET, '', 1)], unload: false, shutdown: false });
  const lm = execute(new DebugTarget(r.dump), 'lm').join('\n');
  assert.match(lm, /Wdf01000\s/);
  assert.match(lm, /KmdfNonPnp\s/);
  const k = r.machine.kernel;
  assert.ok(k.modules.some((m) => m.imageName === 'Wdf01000.sys' && m.symbols.functions.some((f) => f.name === 'imp_WdfRequestComplete')));
  // The control device's framework object is a nonpaged pool block with the driver's tag ('KmnP' from DriverPoolTag).
  const fx = (await r.machine.loader.loadedLibrary('Wdf01000')) as unknown as { devices: Map<number, { address: number; handle: number }> };
  const [device] = [...fx.devices.values()];
  assert.equal((device!.handle ^ 0xfffffff8) >>> 0, device!.address);
  const pool = execute(new DebugTarget(r.dump), `!pool ${device!.address.toString(16)}`).join('\n');
  assert.match(pool, /KmnP/);
});

test('the clean sample runs silently with the framework verifier on, and without Driver Verifier', async () => {
  for (const options of [{ verifierFlags: STANDARD_FLAGS, wdfVerifier: true }, { verifierFlags: 0, wdfVerifier: true }, { verifierFlags: 0 }]) {
    const prints: string[] = [];
    const r = await runDriver({ driver: NONPNP, ...options, requests: [ioctl(SET, '01', 0), ioctl(SET_NEITHER, '02', 0), ioctl(GET_DIRECT, '', 4), { kind: 'read', length: 1 }], onDebugPrint: (l) => prints.push(l) });
    assert.equal(r.bugCheck, null, JSON.stringify(options));
    assert.deepEqual(r.requests.map((q) => hex(q.status)), ['0x0', '0x0', '0x0', '0x0']);
    assert.deepEqual(prints.filter((l) => l.startsWith('WDF detected')), []);
  }
});

test("the framework verifier's state: on with /standard, --wdf-verifier, or Parameters\\Wdf VerifierOn; the registry wins", async () => {
  const state = async (options: Parameters<typeof runDriver>[0]) => {
    const r = await runDriver({ ...options, unload: false, shutdown: false });
    const fx = (await r.machine.loader.loadedLibrary('Wdf01000')) as unknown as { clients: Set<{ name: string; verifierOn: boolean; dbgBreakOnError: boolean }> };
    const g = [...fx.clients][0]!;
    return [g.verifierOn, g.dbgBreakOnError];
  };
  const wdfKey = '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\KmdfNonPnp\\Parameters\\Wdf';
  const value = (name: string, v: number) => ({ op: 'value' as const, path: wdfKey, name, type: 4, data: new Uint8Array([v, 0, 0, 0]), line: 1 });
  assert.deepEqual(await state({ driver: NONPNP, verifierFlags: STANDARD_FLAGS }), [true, true]);
  assert.deepEqual(await state({ driver: NONPNP, verifierFlags: 0x8 }), [false, false]);
  assert.deepEqual(await state({ driver: NONPNP, verifierFlags: 0, wdfVerifier: true }), [true, true]);
  assert.deepEqual(await state({ driver: NONPNP, verifierFlags: 0, registry: [value('VerifierOn', 1), value('DbgBreakOnError', 0)] }), [true, false]);
  assert.deepEqual(await state({ driver: NONPNP, verifierFlags: STANDARD_FLAGS, registry: [value('VerifierOn', 0)] }), [false, false]);
});
