/**
 * Monitor drivers see user processes: the run starts and ends them, and the drivers' process,
 * thread, image-load and object callbacks see each event with the right ids; a driver can deny a
 * creation and strip PROCESS_TERMINATE from a handle; a routine left registered at unload is
 * called into the unloaded image at the next event (0xCE), as on Windows.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { BugCheck } from '../../src/kernel/errors.ts';
import { Machine } from '../../src/system/machine.ts';
import { runDriver, type RunOutcome } from '../../src/system/run.ts';
import { STATUS } from '../../src/nt/status.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { IOCTL_FORGET_AT_UNLOAD, IOCTL_REGISTER_OB, IOCTL_TRY_BAD_CALLS } from '../fixtures/drivers/ProcessMonitor.ts';
import { ROOT, fixture, hex } from '../helpers.ts';

const MONITORS = [
  { lang: 'TypeScript', path: fixture('ProcessMonitor.ts') },
  { lang: 'C', path: join(ROOT, 'test', 'fixtures', 'c', 'callbacks', 'ProcessMonitor.wasm') },
];

const events = (lines: readonly string[]) => lines.filter((l) => l.startsWith('ProcessMonitor: ')).map((l) => l.slice('ProcessMonitor: '.length));
const u32s = (...values: number[]) => Buffer.from(new Uint32Array(values).buffer);

/** A run whose device gets the IOCTLs: the PsProcessType/PsThreadType addresses, so the driver registers its object callbacks. */
async function run(path: string, extra: Partial<Parameters<typeof runDriver>[0]> = {}): Promise<RunOutcome> {
  return runDriver({
    driver: path,
    verifierFlags: STANDARD_FLAGS,
    ioctls: [],
    ...extra,
  });
}

for (const { lang, path } of MONITORS) {
  test(`${lang}: the notify routines see a process start and end with its ids, its main thread and its image; the client opens it`, async () => {
    const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['ProcessMonitor.sys'] } });
    const k = m.kernel;
    await m.loadDriver(path);
    registerOb(m);
    const started = m.startProcess('notepad.exe', 'C:\\notes.txt');
    assert.equal(started.status, STATUS.SUCCESS);
    const p = started.process!;
    const thread = k.ps.mainThreadOf(p)!;
    assert.equal(p.id % 4, 0);
    assert.equal(thread.id % 4, 0);
    const client = k.userProcess;
    const h = m.openProcess(p.id, 0x1fffff);
    m.closeHandle(h.handle);
    assert.equal(hex(h.grantedAccess), '0x1fffff', 'notepad.exe is not protected');
    m.endProcess(p.id);
    assert.deepEqual(events(k.debugLog), [
      `image \\Device\\HarddiskVolume1\\Windows\\System32\\notepad.exe pid ${p.id} system 0`,
      `create pid ${p.id} parent ${client.id} by ${client.id}.${k.userThread.id} image \\Device\\HarddiskVolume1\\Windows\\System32\\notepad.exe command notepad.exe C:\\notes.txt name notepad.exe`,
      `thread ${thread.id} of pid ${p.id} created (in a system thread: 0)`,
      `pre op 1 pid ${p.id} access 001fffff -> 001fffff`,
      `post granted 001fffff`,
      `thread ${thread.id} of pid ${p.id} exited (in a system thread: 0)`,
      `exit pid ${p.id}`,
    ]);
  });

  test(`${lang}: a driver denies a creation through CreationStatus: the process never runs a thread`, async () => {
    const m = new Machine();
    await m.loadDriver(path);
    const denied = m.startProcess('denied.exe');
    assert.equal(hex(denied.status), hex(STATUS.ACCESS_DENIED));
    assert.equal(denied.process, undefined);
    const ev = events(m.kernel.debugLog);
    assert.equal(ev.filter((e) => e.startsWith('create pid')).length, 1);
    assert.equal(ev.filter((e) => e.startsWith('thread')).length, 0, 'no thread was created');
    assert.equal(ev.filter((e) => e.startsWith('exit')).length, 0, 'a process that never started does not exit');
    assert.deepEqual(m.kernel.ps.running().map((p) => p.name), ['dvclient.exe']);
  });

  test(`${lang}: the object pre-callback strips PROCESS_TERMINATE from handles to protected.exe: TerminateProcess is denied`, async () => {
    const m = new Machine();
    await m.loadDriver(path);
    registerOb(m);
    const p = m.startProcess('protected.exe').process!;
    const h = m.openProcess(p.id, 0x1fffff);
    assert.equal(hex(h.grantedAccess), '0x1ffffe');
    assert.equal(hex(m.kernel.ob.accessOfHandle(h.handle)!), '0x1ffffe', 'the handle holds the access the callbacks left');
    const dup = m.duplicateHandle(h.handle, 0x1);
    assert.equal(dup.grantedAccess, 0, 'a duplicate asking PROCESS_TERMINATE is stripped too');
    assert.equal(hex(m.terminateProcess(p.id)), hex(STATUS.ACCESS_DENIED));
    assert.equal(p.state, 'running');
    const other = m.startProcess('calc.exe').process!;
    assert.equal(m.terminateProcess(other.id), STATUS.SUCCESS);
    assert.equal(other.state, 'terminated');
    assert.ok(events(m.kernel.debugLog).includes(`pre op 2 pid ${p.id} access 00000001 -> 00000000`), 'the duplicate went past the pre callback');
  });

  test(`${lang}: removing unknown routines and registering twice fail with the reference's status codes; a second altitude collides`, async () => {
    const m = new Machine();
    await m.loadDriver(path);
    const k = m.kernel;
    const open = k.runInThread(k.userThread, () => k.io.files.openDevice('\\Device\\ProcessMonitor'));
    const r = k.runInThread(k.userThread, () => k.io.files.deviceIoControl(open.file, IOCTL_TRY_BAD_CALLS, Buffer.alloc(0), 16));
    const out = Buffer.from(r.output);
    const statuses = [0, 4, 8, 12].map((o) => hex(out.readUInt32LE(o)));
    assert.deepEqual(statuses, [STATUS.PROCEDURE_NOT_FOUND, STATUS.INVALID_PARAMETER, STATUS.INVALID_PARAMETER, STATUS.PROCEDURE_NOT_FOUND].map(hex));
    const input = u32s(k.obTypes.variable('PsProcessType'), k.obTypes.variable('PsThreadType'));
    assert.equal(k.runInThread(k.userThread, () => k.io.files.deviceIoControl(open.file, IOCTL_REGISTER_OB, input, 0)).status, STATUS.SUCCESS);
    assert.equal(hex(k.runInThread(k.userThread, () => k.io.files.deviceIoControl(open.file, IOCTL_REGISTER_OB, input, 0)).status), hex(STATUS.FLT_INSTANCE_ALTITUDE_COLLISION));
    k.runInThread(k.userThread, () => k.io.files.closeFile(open.file));
  });

  test(`${lang}: dv run starts its processes after DriverEntry and ends them before the unload; the driver unloads clean`, async () => {
    const lines: string[] = [];
    const r = await run(path, {
      processes: [{ image: 'notepad.exe', commandLine: 'a.txt', open: [0x1fffff] }, { image: 'denied.exe' }],
      onProcessEvent: (l) => lines.push(l),
    });
    assert.equal(r.bugCheck, null);
    assert.equal(r.unloaded, true);
    const pid = r.processes[0]!.pid!;
    assert.deepEqual(lines, [
      `process notepad.exe a.txt -> pid ${pid} (0x${pid.toString(16)})`,
      `OpenProcess(pid ${pid}, 0x1fffff) -> granted 0x1fffff`,
      `process denied.exe -> denied: STATUS_ACCESS_DENIED`,
      `process notepad.exe (pid ${pid}) exited`,
    ]);
    assert.deepEqual(r.processes.map((p) => [p.image, hex(p.status)]), [['notepad.exe', '0x0'], ['denied.exe', hex(STATUS.ACCESS_DENIED)]]);
    assert.ok(events(r.machine.kernel.debugLog).includes(`exit pid ${pid}`));
  });

  test(`${lang}: a driver that unloads with its process notify routine registered: the client's exit at shutdown calls into the unloaded image, 0xCE`, async () => {
    const r = await run(path, { ioctls: [{ code: IOCTL_FORGET_AT_UNLOAD, input: new Uint8Array(0), outputLength: 0 }] });
    assert.equal(r.unloaded, true);
    assert.ok(r.bugCheck, 'the machine stopped');
    assert.equal(hex(r.bugCheck.code), '0xce');
    const unloaded = r.machine.loader.unloaded.find((u) => u.name === 'ProcessMonitor')!;
    const routine = r.bugCheck.params[0]!;
    assert.ok(routine >= unloaded.base && routine < unloaded.base + unloaded.size, 'P1 is code of the unloaded driver');
    assert.equal(r.bugCheck.params[2], routine, 'P3: the instruction is the routine itself');
  });

  test(`${lang}: object callbacks left registered at unload: the next process handle opened calls into the unloaded image, 0xCE`, async () => {
    const m = new Machine();
    const k = m.kernel;
    const image = await m.loadDriver(path);
    registerOb(m);
    const open = k.runInThread(k.userThread, () => k.io.files.openDevice('\\Device\\ProcessMonitor'));
    k.runInThread(k.userThread, () => k.io.files.deviceIoControl(open.file, IOCTL_FORGET_AT_UNLOAD, new Uint8Array(0), 0));
    k.runInThread(k.userThread, () => k.io.files.closeFile(open.file));
    m.unloadDriver(image);
    assert.equal(k.crash, undefined, 'the unload itself is not stopped: Windows has no such check');
    const bc = expectStop(() => m.openProcess(k.userProcess.id, 0x1000));
    assert.equal(hex(bc.code), '0xce');
    const unloaded = m.loader.unloaded.find((u) => u.name === 'ProcessMonitor')!;
    assert.ok(bc.params[0]! >= unloaded.base && bc.params[0]! < unloaded.base + unloaded.size);
    assert.ok(k.crash!.stack.includes(k.nt.address('NtOpenProcess', 0x10)), 'stopped opening the process');
  });
}

function expectStop(body: () => unknown): BugCheck {
  try {
    body();
  } catch (e) {
    if (e instanceof BugCheck) return e;
    throw e;
  }
  assert.fail('the machine did not stop');
}

test('a driver image loading is an image-load event (ProcessId 0, SystemModeImage) for a monitor already loaded', async () => {
  const m = new Machine();
  await m.loadDriver(fixture('ProcessMonitor.ts'));
  await m.loadDriver(join(ROOT, 'drivers', 'ts', 'MyDriverClean.ts'));
  assert.deepEqual(events(m.kernel.debugLog), ['image \\SystemRoot\\System32\\drivers\\MyDriverClean.sys pid 0 system 1']);
});

/** The test hands the driver &PsProcessType and &PsThreadType (exported data it cannot import yet). */
function registerOb(m: Machine): void {
  const k = m.kernel;
  const open = k.runInThread(k.userThread, () => k.io.files.openDevice('\\Device\\ProcessMonitor'));
  const r = k.runInThread(k.userThread, () => k.io.files.deviceIoControl(open.file, IOCTL_REGISTER_OB, u32s(k.obTypes.variable('PsProcessType'), k.obTypes.variable('PsThreadType')), 0));
  assert.equal(r.status, STATUS.SUCCESS);
  k.runInThread(k.userThread, () => k.io.files.closeFile(open.file));
}
