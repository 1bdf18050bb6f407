/**
 * The wasm images committed to the repository (the C samples, test fixtures and rule samples), each
 * with the sources it is built from. A test checks each is what dv build makes of its sources; after a
 * change to the headers, the runtime or the flags, `npm run build:committed` rebuilds them all.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDriver } from './build.ts';
import { REPO_ROOT } from './paths.ts';

export interface CommittedImage {
  /** Absolute paths. */
  readonly wasm: string;
  readonly sources: readonly string[];
}

const fixture = (...p: string[]) => join(REPO_ROOT, 'test', 'fixtures', 'c', ...p);
const single = (dir: string, name: string): CommittedImage => ({ wasm: join(dir, `${name}.wasm`), sources: [join(dir, `${name}.c`)] });

export function committedImages(): CommittedImage[] {
  const samples = ['MyDriver', 'MyDriverClean', 'SampleIo', 'PowerFdo'].map((n) => {
    const dir = join(REPO_ROOT, 'drivers', 'c', n);
    return { wasm: join(dir, `${n}.wasm`), sources: readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => join(dir, f)) };
  });
  const rules = join(REPO_ROOT, 'drivers', 'c', 'rules');
  // KMDF samples: one folder each under drivers/c/kmdf, built from all its .c files.
  const kmdf = join(REPO_ROOT, 'drivers', 'c', 'kmdf');
  const kmdfSamples = (existsSync(kmdf) ? readdirSync(kmdf) : []).sort().map((n) => {
    const dir = join(kmdf, n);
    return { wasm: join(dir, `${n}.wasm`), sources: readdirSync(dir).filter((f) => f.endsWith('.c')).sort().map((f) => join(dir, f)) };
  });
  return [
    ...samples,
    single(fixture('traps'), 'DivideByZero'),
    single(fixture('traps'), 'CtorTrap'),
    single(fixture('locals'), 'Locals'),
    single(fixture('locals'), 'LocalsFault'),
    single(fixture('waits'), 'Waits'),
    single(fixture('threads'), 'BlockingThreads'),
    single(fixture('threads'), 'WaitInTry'),
    single(fixture('runaway'), 'Runaway'),
    single(fixture('runaway'), 'LoopInDriverEntry'),
    single(fixture('exke'), 'ExKe'),
    single(fixture('callbacks'), 'ProcessMonitor'),
    single(fixture('mm'), 'MdlPages'),
    single(fixture('hal'), 'SystemDmaDevice'),
    // PnP samples: one folder each under drivers/c/pnp.
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpFunction'), 'PnpFunction'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpBus'), 'PnpBus'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpChild'), 'PnpChild'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpFilter'), 'PnpFilter'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpDevice'), 'PnpDevice'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpDeviceOwnList'), 'PnpDeviceOwnList'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpInterface'), 'PnpInterface'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpMonitor'), 'PnpMonitor'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpMonitorStaysRegistered'), 'PnpMonitorStaysRegistered'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpFilterAnswersQueryRemove'), 'PnpFilterAnswersQueryRemove'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpBusSameInstance'), 'PnpBusSameInstance'),
    // The power framework sample and its racy twin (Power framework delay fuzzing).
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpPofx'), 'PnpPofx'),
    single(join(REPO_ROOT, 'drivers', 'c', 'pnp', 'PnpPofx'), 'PnpPofxRace'),
    single(fixture('power'), 'PowerIdle'),
    single(fixture('pnp'), 'InterfaceMonitor'),
    // WPP software tracing: dv build writes WppSample.tmh from the sources' config block.
    single(join(REPO_ROOT, 'drivers', 'c', 'wpp', 'WppSample'), 'WppSample'),
    single(fixture('kmdf'), 'KmdfQueues'),
    single(fixture('kmdf'), 'KmdfTargets'),
    single(fixture('kmdf'), 'KmdfWatcher'),
    // Low resources simulation samples (checked and unchecked allocations).
    single(join(REPO_ROOT, 'drivers', 'c', 'faults'), 'AllocChecked'),
    single(join(REPO_ROOT, 'drivers', 'c', 'faults'), 'AllocUnchecked'),
    // Kernel synchronization delay fuzzing samples (a timer DPC racing the request, and the fix).
    single(join(REPO_ROOT, 'drivers', 'c', 'faults'), 'TimerRace'),
    single(join(REPO_ROOT, 'drivers', 'c', 'faults'), 'TimerRaceClean'),
    // The fuzzer's proof: bugs planted behind nested conditions (dv fuzz, test/fuzz).
    single(join(REPO_ROOT, 'drivers', 'c', 'fuzz'), 'FuzzMe'),
    single(join(REPO_ROOT, 'drivers', 'c', 'fuzz'), 'FuzzCompare'),
    single(join(REPO_ROOT, 'drivers', 'c', 'fuzz'), 'FuzzNeither'),
    ...kmdfSamples,
    // Rule samples in C: one source file each.
    ...(existsSync(rules) ? readdirSync(rules) : []).filter((f) => f.endsWith('.c')).map((f) => single(rules, f.replace(/\.c$/, ''))),
  ];
}

/**
 * Rebuild the committed images, with paths relative to the repository as the test builds them
 * (`npm run build:committed [-- TEXT...]`: only those whose path contains a TEXT).
 */
function rebuildAll(only: readonly string[]): number {
  let failed = 0;
  for (const { wasm, sources } of committedImages()) {
    if (only.length > 0 && !only.some((o) => relative(REPO_ROOT, wasm).includes(o))) continue;
    const r = buildDriver({ sources: sources.map((s) => relative(REPO_ROOT, s)), output: relative(REPO_ROOT, wasm) });
    process.stdout.write(`${r.ok ? 'built' : 'FAILED'} ${relative(REPO_ROOT, wasm)}\n`);
    if (!r.ok) {
      process.stderr.write(r.diagnostics);
      failed++;
    }
  }
  return failed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.chdir(REPO_ROOT);
  process.exitCode = rebuildAll(process.argv.slice(2)) > 0 ? 1 : 0;
}
