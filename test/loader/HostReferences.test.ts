/** The load-time check of a TS driver's source: what reaches the host is refused at its line, nothing else is. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { transformSync } from 'esbuild';
import { HOST_NAMES, hostNameMessage } from '../../src/loader/ts/host-globals.ts';
import { analyzeSource, lineOf, transpile } from '../../src/loader/ts/source.ts';
import { driver } from '../helpers.ts';

/** `line: message` for each refusal of a source. */
async function refusals(source: string): Promise<string[]> {
  const info = analyzeSource(source, await transpile('D.ts', source));
  return info.refusals.map((r) => `${lineOf(info.lineStarts, r.sourceOffset)}: ${r.message}`);
}

test('every host name, referenced freely, is refused at its line', async () => {
  for (const name of HOST_NAMES) {
    const source = `export function f(): unknown {\n  const x = 1;\n  return [x, typeof ${name}];\n}\n`;
    assert.deepEqual(await refusals(source), [`3: ${hostNameMessage(name)}`], name);
  }
});

test('a local, parameter or property of the same name is the driver\'s own: not refused', async () => {
  for (const name of HOST_NAMES.filter((n) => !n.includes('.') && n !== 'eval')) {
    const source = `export function f(${name}: number): number {\n  const o = { ${name}: 1 };\n  return ${name} + o.${name};\n}\nexport const g = () => { let ${name} = 2; return ${name}; };\n`;
    assert.deepEqual(await refusals(source), [], name);
  }
});

test('the usual shapes: calls, members, types, computed names', async () => {
  const source = [
    'let timer: ReturnType<typeof setTimeout> | undefined;', // a type position: erased, never run
    'let b: Buffer | undefined;',
    'export function f(x: { Buffer: number }): number {',
    '  setTimeout(() => 0, 10);',
    '  const home = process.env.HOME;',
    '  const r = Math.random() + Math.max(1, 2) + Date.now();',
    '  const dyn = (globalThis as any)["pro" + "cess"];', // computed: the run-time TypeError's job
    '  console.log(home, r, dyn, timer, b);',
    '  globalThis.setImmediate(() => 0);',
    '  return x.Buffer + globalThis.Math.max(1, 2);',
    '}',
  ].join('\n');
  assert.deepEqual(await refusals(source), [
    `4: ${hostNameMessage('setTimeout')}`,
    `5: ${hostNameMessage('process')}`,
    `6: ${hostNameMessage('Math.random')}`,
    `6: ${hostNameMessage('Date')}`,
    `8: ${hostNameMessage('console')}`,
    `9: ${hostNameMessage('setImmediate')}`,
  ]);
  assert.match(hostNameMessage('setTimeout'), /^setTimeout is not available to a driver: a driver may use only the DDI table \(see KeSetTimer\)$/);
});

test('packages, Node modules, import() and import.meta are refused; relative imports are not', async () => {
  const source = [
    "import { a } from './a.ts';",
    "import { b } from '../lib/b.ts';",
    "import { c } from 'node:fs';",
    "import d from 'acorn';",
    "export * from 'node:os';",
    "export { e } from 'pkg/sub';",
    'export async function f() {',
    "  const m = await import('./m.ts');",
    '  return [a, b, c, d, m, import.meta.url];',
    '}',
  ].join('\n');
  const r = await refusals(source);
  assert.deepEqual(r.map((x) => x.slice(0, x.indexOf(' is not'))), ["3: import of 'node:fs'", "4: import of 'acorn'", "5: import of 'node:os'", "6: import of 'pkg/sub'", '8: import()', '9: import.meta']);
});

test('a driver without host references transpiles exactly as without the check: its code addresses do not move', async () => {
  for (const name of ['MyDriver.ts', 'MyDriverClean.ts', 'rules/EverythingRight.ts']) {
    const text = readFileSync(driver(name), 'utf8');
    const plain = transformSync(text, { loader: 'ts', format: 'esm', target: 'es2022', sourcemap: 'external', sourcefile: 'D.ts' });
    assert.equal((await transpile('D.ts', text)).js, plain.code, name);
    assert.deepEqual(await refusals(text), [], name);
  }
});
