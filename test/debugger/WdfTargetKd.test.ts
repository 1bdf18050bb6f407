/**
 * The PnP twin that stops with 0x10D/0x6/0x3 (drivers/c/kmdf/KmdfPnpResend: its request sent again
 * while it waits in a stopped I/O target), read back from its dump: `!analyze -v` names the driver and
 * the violation, and the in-flight recorder (`!wdfkd.wdflogdump`) has the framework's lines before the
 * stop: the target stopped, the request formatted and held, the second send; `!wdfkd.wdfrequest P3`
 * shows the request the driver created, out at the target.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDump, serializeDump } from '../../src/debugger/dump.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, assertGolden } from '../helpers.ts';

const RESEND = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfPnpResend', 'KmdfPnpResend.wasm');
/** kmdfpnp.h's IOCTL_KMDFPNP_LOWER. */
const IOCTL_LOWER = 0x222080;

test('KmdfPnpResend: !analyze -v names the driver and REQUEST_ALREADY_SENT, the log shows the framework before the stop (golden)', async () => {
  const r = await runDriver({ driver: RESEND, verifierFlags: STANDARD_FLAGS, requests: [{ kind: 'ioctl', code: IOCTL_LOWER, input: Buffer.alloc(0), outputLength: 4 }] });
  assert.equal(r.bugCheck?.code, 0x10d);
  const t = new DebugTarget(parseDump(serializeDump(r.dump), 'resend.dmp'));
  const analyze = execute(t, '!analyze -v').join('\n');
  assert.match(analyze, /WDF_VIOLATION \(10d\)/);
  assert.match(analyze, /KmdfPnpResend/);
  const log = execute(t, '!wdfkd.wdflogdump KmdfPnpResend.sys').join('\n');
  const stopped = log.indexOf('stopped');
  const held = log.indexOf('waits for it to start');
  const fatal = log.indexOf('WDF_VIOLATION 0x6, 0x3');
  assert.ok(stopped >= 0 && held > stopped && fatal > held, `the log has the stop, the held request, then the violation:\n${log}`);
  // P3 is the request: !wdfrequest says the driver made it and where it is (out at the stopped target).
  const request = execute(t, `!wdfkd.wdfrequest ${r.bugCheck!.params[2]!.toString(16)}`).join('\n');
  assert.match(request, /IRP_MJ_DEVICE_CONTROL \(driver-created\)/);
  assert.match(request, /State: Sent to WDFIOTARGET 0x[0-9a-f]+ .*not back yet/);
  const lines = ['!analyze -v', `!wdfkd.wdfrequest ${r.bugCheck!.params[2]!.toString(16)}`, '!wdfkd.wdflogdump KmdfPnpResend.sys'];
  assertGolden('kd.wdf.resend.out', lines.map((l) => [`kd> ${l}`, ...execute(t, l)].join('\n')).join('\n') + '\n');
});
