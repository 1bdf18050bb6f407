/** The nt image's symbols: every internal routine the kernel names in a shadow frame must exist. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { resolveSymbol } from '../../src/kernel/symbols.ts';
import { Loader } from '../../src/loader/loader.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { Verifier } from '../../src/verifier/verifier.ts';
import { ROOT } from '../helpers.ts';

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });

/** The keys of kernel.ts FRAME_OFFSETS (not exported: read from the source). */
function frameOffsetKeys(): string[] {
  const text = readFileSync(join(ROOT, 'src', 'kernel', 'kernel.ts'), 'utf8');
  const body = /const FRAME_OFFSETS[^{]*\{([^}]*)\}/.exec(text)?.[1];
  assert.ok(body, 'FRAME_OFFSETS found in kernel.ts');
  return [...body.matchAll(/^\s*(\w+):/gm)].map((m) => m[1]!);
}

/** Names src/kernel passes as shadow frames: frame lists (`['KiRetireDpcList', ...]`) and nt.address('...'). */
function kernelFrameNames(): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles(join(ROOT, 'src', 'kernel'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(addRoutines\()?\[('[A-Z]\w*'(?:,\s*'[A-Z]\w*')*)\]/g)) {
      // Routine names are mixed case; a list in capitals names something else (WPP's static items: FUNC, LINE...).
      if (!m[1]) for (const n of m[2]!.matchAll(/'(\w+)'/g)) if (/[a-z]/.test(n[1]!)) names.add(n[1]!);
    }
    for (const m of text.matchAll(/nt\.address\('(\w+)'/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

/** A kernel as a verified run sees it: the verifier and a driver object add routines of their own. */
function fullKernel(): Kernel {
  const k = new Kernel();
  new Verifier(k, new Loader(k), { flags: STANDARD_FLAGS, drivers: ['MyDriver.sys'] });
  k.io.createDriverObject('Probe', 0x9b000000, 0x1000);
  return k;
}

test('every FRAME_OFFSETS key and every frame name used in src/kernel resolves to an nt routine', () => {
  const k = fullKernel();
  // The PnP manager's frames come with its root bus driver, made for a run's first device (kernel/pnp).
  void k.pnp.rootDriver;
  const names = [...frameOffsetKeys(), ...kernelFrameNames()];
  assert.ok(names.includes('IopfCompleteRequest') && names.includes('KiRetireDpcList'), 'the scan finds frame names');
  const missing = names.filter((n) => {
    try {
      k.nt.address(n);
      return false;
    } catch {
      return true;
    }
  });
  assert.deepEqual(missing, []);
});

test('nt symbols stay sorted by address and each resolves to itself, late routines included', () => {
  const k = fullKernel();
  const fns = k.nt.module().symbols.functions;
  for (let i = 1; i < fns.length; i++) assert.ok(fns[i]!.start > fns[i - 1]!.start, `${fns[i - 1]!.name} < ${fns[i]!.name}`);
  for (const name of ['IopfCompleteRequest', 'KeBugCheckEx', 'VfPoolCheckForLeaks', 'IopInvalidDeviceRequest']) {
    const address = k.nt.address(name, 0x10);
    assert.equal(resolveSymbol(k.modules, address)?.fn?.name, name);
  }
});
