/**
 * The WPP recorder (wpprecorder.h, src/kernel/etw/recorder.ts): KmdfRecorder (drivers/c/kmdf), a
 * KMDF driver built in recorder mode, run through start, a request and removal. Its messages go to
 * the trace session and, unless verbose, to its recorder logs: the default one, and the device's
 * own (TraceDevice's IFRLOG). The dump's logs are read back by !rcdrkd.rcdrloglist and
 * !rcdrkd.rcdrlogdump; the removal deletes the device's log and WPP_CLEANUP the default one.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { layoutCheckSource } from '../../src/build/layout-check.ts';
import { parseDump, serializeDump } from '../../src/debugger/dump.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { wppRecorder } from '../../src/kernel/etw/recorder.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { WPP_RECORDER_LAYOUTS } from '../../src/nt/wpp-recorder.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { compileC, firstErrors, NEEDS_CLANG } from '../ddk/support.ts';
import { assertGolden, ROOT } from '../helpers.ts';

const SAMPLE = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfRecorder', 'KmdfRecorder.wasm');
const IOCTL = { kind: 'ioctl' as const, code: 0x222000, input: Buffer.from('abcd'), outputLength: 0 };

test('wpprecorder.h and dv/wpp.h lay out the recorder structures and the control block as src/nt does', { skip: NEEDS_CLANG }, () => {
  const source = layoutCheckSource(WPP_RECORDER_LAYOUTS).replace(
    '#include <ntddk.h>',
    '#include <ntddk.h>\n#define WPP_CONTROL_GUIDS WPP_DEFINE_CONTROL_GUID(Check, (11111111, 2222, 3333, 4444, 555555555555), WPP_DEFINE_BIT(A))\n#define ENABLE_WPP_RECORDER 1\n#include <dv/wpp.h>',
  );
  const { status, stderr } = compileC(source);
  assert.equal(status, 0, firstErrors(stderr));
});

test('KmdfRecorder: the default log and the device log hold the non-verbose messages; the DDIs answer; !rcdrkd reads the dump', async () => {
  const printed: string[] = [];
  const traced: string[] = [];
  const r = await runDriver({ driver: SAMPLE, pnp: true, verifierFlags: STANDARD_FLAGS, requests: [IOCTL], unload: false, shutdown: false, onDebugPrint: (l) => printed.push(l.trim()), onTrace: (l) => traced.push(l) });
  assert.equal(r.bugCheck, null);
  // The default log is there and is the buffer WppRecorderDumpLiveDriverData gives, 4096 bytes, with the driver's control GUID.
  assert.deepEqual(printed, ['KmdfRecorder: default log 1, is the default 1, live data 0x0 4096 bytes, guid 7a3e9c41']);
  const client = [...wppRecorder(r.machine.kernel).clients.values()][0]!;
  assert.deepEqual(client.logs.map((l) => [l.identifier, l.size, l.isDefault, l.tag]), [['KmdfRecorder', 4096, true, TAG.WppRecorder], ['dev-log', 512, false, TAG.WppRecorder]]);
  // The verbose message reached the trace session only.
  assert.ok(traced.some((l) => l.endsWith('verbose: not in the recorder')));
  assert.ok(!client.logs.some((l) => l.records.some((m) => m.text.includes('verbose'))));
  // The device log's ring holds its messages' text.
  const log = client.logs[1]!;
  const ring = Buffer.from(r.machine.kernel.as.read(log.address, log.size)).toString('latin1');
  assert.match(ring, /^device [0-9A-F]{8} added\nD0 entry from 5\nrequest 1: IOCTL 0x222000, 4 bytes in\n/);
  const t = new DebugTarget(parseDump(serializeDump(r.dump), 'recorder.dmp'));
  const session = (lines: string[]) => lines.map((l) => [`kd> ${l}`, ...execute(t, l)].join('\n')).join('\n') + '\n';
  // Addresses as XXXXXXXX: what the pool gives the framework and the logs is not the point here.
  const out = session(['!rcdrkd.rcdrloglist', '!rcdrkd.rcdrlogdump KmdfRecorder.sys', `!rcdrlogdump KmdfRecorder -a ${log.address.toString(16)}`, '!rcdrlogdump Ghost']);
  assertGolden('wpp/rcdrkd.out', out.replace(/(?<=0x)[0-9a-f]{8}\b|\b[0-9A-F]{8}\b/g, 'XXXXXXXX'));
});

test('a small log keeps its newest messages; the removal and WPP_CLEANUP free every log', async () => {
  let kernel: Kernel | undefined;
  const requests = Array.from({ length: 12 }, () => IOCTL);
  let during = -1;
  const r = await runDriver({
    driver: SAMPLE,
    pnp: true,
    verifierFlags: STANDARD_FLAGS,
    requests,
    configure: (m) => (kernel = m.kernel),
    onStep: (l) => {
      if (l.startsWith('closing')) {
        const log = [...wppRecorder(kernel!).clients.values()][0]!.logs[1]!;
        // 512 bytes hold the last few of the 14 messages: the oldest were dropped and counted.
        during = log.lost;
        assert.equal(log.records.at(-1)!.text, 'request 12: IOCTL 0x222000, 4 bytes in');
        assert.ok(log.records.reduce((n, m) => n + m.text.length + 1 + 16, 0) <= 512);
      }
    },
  });
  assert.equal(r.bugCheck, null);
  assert.ok(during > 0);
  assert.equal(wppRecorder(r.machine.kernel).clients.size, 0);
  assert.deepEqual(r.leaks, []);
  assert.equal(r.unloaded, true);
});
