/** The vm context a TS driver runs in: the ECMAScript built-ins minus time, randomness and code generation; nothing of Node. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { HOST_NAMES, REMOVED_BUILTINS } from '../../src/loader/ts/host-globals.ts';
import { evaluateDriver, type Hooks } from '../../src/loader/ts/sandbox.ts';

const noHooks: Hooks = { callAt: null, callMethodAt: null, throwAt: null, loopAt: null };

/** Evaluate `body` as a bundle whose exports are `{ run }`, and run it; the result is copied into the host's realm to compare. */
function inDriver(body: string, hooks: Hooks = noHooks): unknown {
  const exports = evaluateDriver(`var __dvDriver = { run() { ${body} } };`, 'Probe.sys.js', hooks);
  return structuredClone((exports.run as () => unknown)());
}

test('no host name exists in the context, not even by a computed reference', () => {
  const present = inDriver(`return ${JSON.stringify(HOST_NAMES)}.filter((n) => { const [o, m] = n.split('.'); return m ? globalThis[o][m] !== undefined : n in globalThis; });`);
  assert.deepEqual(present, []);
});

test('the context holds only ECMAScript built-ins: nothing Node adds, none of the removed ones', () => {
  const fresh = new Set(vm.runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[]);
  const names = inDriver('return Object.getOwnPropertyNames(globalThis);') as string[];
  assert.deepEqual(names.filter((n) => !fresh.has(n)), []);
  assert.deepEqual(names.filter((n) => (REMOVED_BUILTINS as readonly string[]).includes(n)), []);
  assert.ok(names.includes('Math') && names.includes('Uint8Array') && names.includes('Promise'), 'the language itself stays');
});

test('code generation is off: eval by another name and the Function constructor throw EvalError', () => {
  assert.equal(inDriver('try { return (0, globalThis["ev" + "al"])("1"); } catch (e) { return e.name; }'), 'TypeError'); // eval is gone
  assert.equal(inDriver('try { return new (function () {}).constructor("return 1")(); } catch (e) { return e.name; }'), 'EvalError');
});

test('instrumented code reaches the kernel recorders as parameters, not as globals it could replace', () => {
  const seen: number[] = [];
  const callAt = (pc: number, f: (...a: unknown[]) => unknown, ...a: unknown[]) => (seen.push(pc), f(...a));
  const result = inDriver('return [__dvc(0x1234, (x) => x + 1, 41), typeof globalThis.__dvc];', { ...noHooks, callAt });
  assert.deepEqual(result, [42, 'undefined']);
  assert.deepEqual(seen, [0x1234]);
});

test("a driver's promise jobs never run between the host's awaits", async () => {
  const exports = evaluateDriver('var __dvDriver = { state: { ran: false }, run() { Promise.resolve().then(() => { this.state.ran = true; }); } };', 'Probe.sys.js', noHooks);
  (exports.run as () => void)();
  await new Promise((r) => setImmediate(r));
  assert.equal((exports.state as { ran: boolean }).ran, false);
});

test('driver code is strict, as its modules were: assigning an undeclared name is a ReferenceError', () => {
  assert.throws(() => inDriver('undeclaredName = 1; return 0;'), { name: 'ReferenceError' });
  assert.equal(inDriver('return (function () { return this; })() === undefined;'), true);
});

test('each driver gets a context of its own: globals and prototypes one changes are not seen by the next, nor by the host', () => {
  inDriver('globalThis.shared = 1; Object.prototype.polluted = 1;');
  assert.deepEqual(inDriver('return [typeof shared, ({}).polluted];'), ['undefined', undefined]);
  // Nor by the host: a driver's prototypes are its own.
  assert.equal((globalThis as Record<string, unknown>).shared, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
