/**
 * The layers of DESIGN.md, enforced: each folder of src/ may import only the layers below it. The
 * kernel in particular never imports the verifier, the loader or the debugger.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT } from './helpers.ts';

/** Layer -> the layers it may import (itself included). */
const ALLOWED: Record<string, readonly string[]> = {
  nt: ['nt'],
  kernel: ['nt', 'kernel'],
  loader: ['nt', 'kernel', 'loader'],
  // The KMDF framework (Wdf01000.sys): a library image built on the kernel's DDIs; src/system hands it to the loader.
  wdf: ['nt', 'kernel', 'wdf'],
  // The battery class driver (battc.sys): a library image like the framework, for battery miniclass drivers.
  battc: ['nt', 'kernel', 'battc'],
  build: ['nt', 'kernel', 'build'],
  verifier: ['nt', 'kernel', 'loader', 'verifier'],
  debugger: ['nt', 'kernel', 'verifier', 'debugger'],
  system: ['nt', 'kernel', 'loader', 'verifier', 'debugger', 'wdf', 'battc', 'system'],
  cli: ['nt', 'kernel', 'loader', 'verifier', 'debugger', 'system', 'build', 'fuzz', 'cli'],
  // The fuzzer runs machines and reads their dumps as the system layer does; the CLI drives it.
  fuzz: ['nt', 'kernel', 'loader', 'verifier', 'debugger', 'system', 'fuzz'],
  // The corpus runner sits beside the CLI: it builds and runs as dv does, and takes dv's exit codes.
  corpus: ['nt', 'kernel', 'loader', 'verifier', 'debugger', 'system', 'build', 'cli', 'fuzz', 'corpus'],
  // The library a developer imports: the machine and its runs, with test helpers; not the command line.
  api: ['nt', 'kernel', 'loader', 'verifier', 'debugger', 'system', 'api'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(file: string): string | undefined {
  const rel = relative(join(ROOT, 'src'), file);
  return rel.startsWith('..') ? undefined : rel.split(/[\\/]/)[0];
}

test('every src/ layer imports only the layers below it', () => {
  const violations: string[] = [];
  for (const file of files(join(ROOT, 'src'))) {
    const from = layerOf(file)!;
    const allowed = ALLOWED[from];
    assert.ok(allowed, `src/${from} is not a known layer: add it to the table in this test and DESIGN.md`);
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    for (const st of sf.statements) {
      if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const spec = st.moduleSpecifier.text;
      if (!spec.startsWith('.')) continue;
      const to = layerOf(resolve(dirname(file), spec));
      if (to === undefined) violations.push(`${relative(ROOT, file)} imports ${spec}, outside src/`);
      else if (!allowed.includes(to)) violations.push(`${relative(ROOT, file)} (${from}) imports ${spec} (${to})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the check sees an upward import when there is one', () => {
  // Guard against a checker that passes because it reads nothing.
  assert.ok(files(join(ROOT, 'src', 'kernel')).length > 10);
  assert.equal(layerOf(join(ROOT, 'src', 'verifier', 'verifier.ts')), 'verifier');
  assert.ok(!ALLOWED.kernel!.includes('verifier'));
});
