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
const ioctl = (code: number, input: string, outputLength: number): DeviceRequest => ({ kind: 'ioctl', code, input: Buffer.from(input, 'hex'), outputLength });

test('KmdfNonPnp runs create, IOCTLs, a write, a read, close and unload clean under /standard', async () => {
  const prints: string[] = [];
  const r = await runDriver({
    driver: NONPNP,
    verifierFlags: STANDARD_FLAGS,
    requests: [ioctl(SET, '41424344', 0), ioctl(GET, '', 8), { kind: 'write', data: Buffer.from('0102', 'hex') }, { kind: 'read', length: 4 }, ioctl(0x222008, '', 0), ioctl(GET, '', 1)],
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
});
