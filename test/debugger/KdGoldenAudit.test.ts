/**
 * Issue 15's last "Done when": every kd command it lists has a golden on a dump of the seed scenario and on
 * one of a PnP or I/O case. KdCommands.test.ts and DeviceCommands.test.ts pin most; these are the gaps: the
 * device commands (!irp, !devobj, !drvobj) on the seed scenario, taken while MyDriver holds one of the demo's
 * IOCTLs (its work item has not run yet), and .bugcheck, !analyze -v, k, ln, !verifier 3 and .help on the I/O case
 * (BadAccessAtDispatch's 0xD1 inside its IRP_MJ_DEVICE_CONTROL). Dumps go through the file format first.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { execute } from '../../src/debugger/engine.ts';
import { parseDump, serializeDump, type CrashDump } from '../../src/debugger/dump.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { IO_STACK_LOCATION, IRP } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { assertGolden, driver, ROOT } from '../helpers.ts';

const fromFile = (d: CrashDump) => new DebugTarget(parseDump(serializeDump(d), 'test.dmp'));
const run = (t: DebugTarget, cmds: string[]) => cmds.map((c) => [`kd> ${c}`, ...execute(t, c)].join('\n')).join('\n') + '\n';
const hex = (n: number) => n.toString(16);

/** The seed scenario (dv demo), with a dump taken when MyDriver first returns STATUS_PENDING for an IOCTL. */
let held: { dump: CrashDump; irp: number } | undefined;
const demo = await runDriver({
  driver: driver('MyDriver.ts'),
  verifierFlags: STANDARD_FLAGS,
  ioctls: DEMO_IOCTLS,
  configure: (m) => {
    const io = m.kernel.io;
    const callDriver = io.callDriver.bind(io);
    io.callDriver = (device: number, irp: number) => {
      const status = callDriver(device, irp);
      const major = m.kernel.as.u8(io.currentStackLocation(irp) + IO_STACK_LOCATION.off.MajorFunction!);
      if (held === undefined && status === STATUS.PENDING && major === IRP_MJ.DEVICE_CONTROL) held = { dump: m.dump(), irp };
      return status;
    };
  },
});
const io = await runDriver({
  driver: join(ROOT, 'drivers', 'c', 'rules', 'BadAccessAtDispatch.wasm'),
  verifierFlags: STANDARD_FLAGS,
  ioctls: [{ code: 0x222004, input: Buffer.from('0900000040000000', 'hex'), outputLength: 0 }],
});
const I = fromFile(io.dump);

test('the dumps are the cases they stand for: the seed held an IOCTL (then stopped 0xC4/0x62 as ever), the I/O case stopped 0xD1', () => {
  assert.deepEqual([demo.bugCheck?.code, demo.bugCheck?.params[0]], [0xc4, 0x62]);
  assert.ok(held, 'MyDriver pended an IOCTL');
  const t = fromFile(held.dump);
  assert.equal(t.u16(held.irp + IRP.off.Type!), 6, 'IO_TYPE_IRP');
  assert.equal(io.bugCheck?.code, 0xd1);
});

test('!irp, !devobj, !drvobj on the seed scenario: the IOCTL MyDriver holds, its device, its driver with the dispatch table', () => {
  const t = fromFile(held!.dump);
  const text = run(t, [`!irp ${hex(held!.irp)}`, `!irp ${hex(held!.irp)} 1`, '!devobj MyDriver', '!drvobj MyDriver', '!drvobj MyDriver 7']);
  assert.match(text, />\[IRP_MJ_DEVICE_CONTROL\(e\), N\/A\(0\)\]/);
  assert.match(text, /\[0e\] IRP_MJ_DEVICE_CONTROL +9a3b[0-9a-f]{4}\tMyDriver!AllIRPDispatch/);
  assertGolden('kd.demo.devices.out', text);
});

test('.bugcheck, !analyze -v, k, ln, !verifier 3 and .help on the I/O case', () => {
  const setLimit = I.dump.context!.stack.find((f) => /SetLimit/.test(execute(I, `ln ${hex(f)}`).join('\n')));
  assert.ok(setLimit !== undefined, 'SetLimit is on the stack');
  const text = run(I, ['.bugcheck', '!analyze -v', 'k', `ln ${hex(setLimit)}`, '!verifier 3 BadAccessAtDispatch.sys', '.help .bugcheck', '.help !irp']);
  assert.match(text, /Bugcheck code 000000d1/);
  assertGolden('kd.io.bugcheck.out', text);
});
