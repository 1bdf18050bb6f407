/**
 * The context a TypeScript driver runs in: a fresh vm realm with the ECMAScript built-ins minus the
 * ones host-globals.ts removes, and nothing of Node (no process, require, timers, fs, network), so
 * nothing a driver does can keep the host process alive or make two runs differ. Its only way to
 * the machine is the DDI table DriverEntry receives; the kernel's call-site recorders reach its
 * code as parameters of the script's wrapper, not as globals the driver could replace.
 *
 * Not a security boundary (vm never is: a host object's constructor leads back to the host); it
 * keeps an honest driver from reaching the host by accident and makes what it reaches a clear error.
 */
import vm from 'node:vm';
import { DRIVER_EXPORTS } from './bundle.ts';
import { HOOKS } from './instrument.ts';
import { REMOVED_BUILTINS, REMOVED_MEMBERS } from './host-globals.ts';

export type Hooks = { readonly [K in keyof typeof HOOKS]: unknown };

const STRIP = [...REMOVED_BUILTINS.map((n) => `delete globalThis.${n};`), ...REMOVED_MEMBERS.map(([o, m]) => `delete ${o}.${m};`)].join('');
const HOOK_KEYS = Object.keys(HOOKS) as Array<keyof typeof HOOKS>;

/**
 * Run a bundled driver in a context of its own and return its exports. The script's top-level code
 * runs here; an exception from it propagates as thrown (its realm's Error, not the host's).
 */
export function evaluateDriver(code: string, scriptName: string, hooks: Hooks): Record<string, unknown> {
  const context = vm.createContext(
    {},
    {
      name: scriptName,
      // eval, new Function and WebAssembly would run code the loader never instrumented.
      codeGeneration: { strings: false, wasm: false },
      // The driver's promise jobs run in its own queue, never between the host's awaits: NT has no such thing.
      microtaskMode: 'afterEvaluate',
    },
  );
  vm.runInContext(STRIP, context);
  // Strict, as the driver's ES modules were before bundling: an undeclared name is a ReferenceError, not a new global.
  const source = `(function (${HOOK_KEYS.map((k) => HOOKS[k]).join(', ')}) {'use strict';\n${code}\nreturn ${DRIVER_EXPORTS};\n})`;
  const wrapper = new vm.Script(source, { filename: scriptName }).runInContext(context) as (
    ...hooks: unknown[]
  ) => Record<string, unknown>;
  return wrapper(...HOOK_KEYS.map((k) => hooks[k]));
}
