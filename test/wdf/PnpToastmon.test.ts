/**
 * The corpus' toastmon (general/toaster/toastDrv/kmdf/toastmon, read from the checkout at $DV_WDS or
 * /work/wds, never copied) with toaster func/simple, built with dv build, under /standard: toastmon's
 * device starts and registers for toaster interface arrivals (and a WMI event); a toaster arrives and
 * toastmon opens it as a remote I/O target by its symbolic link (WdfIoTargetOpen by name), creates a
 * read and a write request on it and posts them from a passive timer every second, reusing them as they
 * come back; the toaster's removal runs toastmon's EvtIoTargetQueryRemove (it closes the target for the
 * query-remove) and EvtIoTargetRemoveComplete (it deletes the target); then toastmon goes, and both
 * unload clean.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { TICKS_PER_MS } from '../../src/kernel/ke/clock.ts';
import { STATUS } from '../../src/nt/status.ts';
import { Machine } from '../../src/system/machine.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';

const WDS = process.env.DV_WDS ?? '/work/wds';
const missing = existsSync(join(WDS, 'general')) ? undefined : `no Windows-driver-samples checkout at ${WDS} (set DV_WDS)`;
const skip = NEEDS_CLANG || missing;
if (missing) console.log(`# skipped: ${missing}`);

const out = mkdtempSync(join(tmpdir(), 'dv-kmdf-toastmon-'));
const TOASTER = 'general/toaster/toastDrv';

function build(name: string, sources: string[], includes: string[]): string {
  const output = join(out, `${name}.wasm`);
  // A checked build (DBG=1): the samples' KdPrint lines are what the test watches.
  const r = buildDriver({ sources: sources.map((s) => join(WDS, TOASTER, s)), includeDirs: includes.map((i) => join(WDS, TOASTER, i)), output, defines: ['DBG=1'] });
  assert.ok(r.ok, `${name} builds:\n${r.diagnostics}`);
  return output;
}

test('toastmon watches a toaster through a remote I/O target: opened by name at arrival, reads and writes posted from its timer, closed and deleted by its remove callbacks', { skip }, async () => {
  const toastmon = build('toastmon', ['kmdf/toastmon/toastmon.c', 'kmdf/toastmon/wmi.c'], ['kmdf/inc', 'inc']);
  const toaster = build('toaster', ['kmdf/func/simple/toaster.c'], ['kmdf/func/shared', 'inc']);
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['toastmon.sys', 'toaster.sys'] } });
  const k = m.kernel;
  const prints: string[] = [];
  k.onDebugPrint = (l: string) => prints.push(l.trim());
  const seen = (re: RegExp) => prints.filter((l) => re.test(l)).length;

  const monitor = await m.loadDriver(toastmon);
  const monitorNode = k.pnp.createRootDevice({ driverObject: monitor.driverObject, service: 'toastmon' }).node;
  assert.equal(k.pnp.start(monitorNode), STATUS.SUCCESS, prints.join('\n'));
  assert.equal(seen(/Unable to open wmi data block|RegisterPnPNotifiction failed/), 0, 'the interface and WMI registrations succeed');

  const fn = await m.loadDriver(toaster);
  const device = k.pnp.createRootDevice({ driverObject: fn.driverObject, service: 'toaster' }).node;
  assert.equal(k.pnp.start(device), STATUS.SUCCESS);
  assert.equal(seen(/^Arrival Notification/), 1, prints.join('\n'));
  assert.equal(seen(/WdfIoTargetOpen failed|Unable to open control device/), 0, prints.join('\n'));
  assert.equal(seen(/^Target Device 0x/), 1, 'opened: toastmon prints the target\'s WDM objects');

  // Three and a half seconds of the machine's clock: the timer posts a read and a write each second.
  k.dispatcher.settle(() => false, k.clock.now + 3500 * TICKS_PER_MS);
  const reads = seen(/^ToasterEvtIoRead/);
  const writes = seen(/^ToasterEvtIoWrite/);
  assert.ok(reads >= 3 && writes >= 3, `the toaster served the posted requests (${reads} reads, ${writes} writes):\n${prints.join('\n')}`);
  assert.equal(seen(/WdfRequestSend failed|Request is already posted|failed 0x/), 0, prints.join('\n'));

  // Removal: the query-remove closes the target (toastmon's callback), the completion deletes it.
  assert.equal(k.pnp.remove(device), STATUS.SUCCESS, 'toastmon closed its handle at QUERY_REMOVE: no veto');
  assert.equal(seen(/^Device Removal \(query remove\) Notification/), 1, prints.join('\n'));
  assert.equal(seen(/^Device Removal \(remove complete\) Notification/), 1, prints.join('\n'));
  const after = seen(/^ToasterEvtIoRead/);
  k.dispatcher.settle(() => false, k.clock.now + 2500 * TICKS_PER_MS);
  assert.equal(seen(/^ToasterEvtIoRead/), after, 'no request posted to a removed toaster');

  assert.equal(k.pnp.remove(monitorNode), STATUS.SUCCESS);
  m.unloadDriver(monitor);
  m.unloadDriver(fn);
  assert.equal(k.crash, undefined, k.crash ? JSON.stringify(k.crash.bugCheck) : '');
});
