/**
 * The host half of clang's setjmp/longjmp lowering for wasm (-mllvm -enable-emscripten-sjlj), on
 * which C drivers' __try statements stand (ddk/include/dv/seh.h, ddk/crt/sjlj.c).
 *
 * In a function that calls setjmp, clang routes every call through an `env.invoke_<sig>(index,
 * ...args)` import. Ours calls the function and, when an NT exception (ke/except.ts) or a longjmp
 * comes back through it, catches it: an exception goes to the innermost __try frame of the stack
 * (the kernel's dispatch writes its record there), and the image's `setThrew` tells the function
 * which jump buffer is wanted. The function either owns that setjmp point and jumps there, or calls
 * `env.emscripten_longjmp`, which throws a LongJump on outwards to the next such function.
 *
 * Such a function calls DDIs (and the runtime's own env functions) through their addresses
 * (`GOT.func.<name>` imports): the loader gives each a typed slot in the table (sjljEnvType here).
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { LongJump, NtException } from '../../kernel/ke/except.ts';
import { SimulatorError } from '../../kernel/errors.ts';
import type { FuncType } from './indirect.ts';
import { INVOKE_IMPORT as INVOKE, SJLJ_ENV_FUNCTIONS } from '../../nt/sjlj-abi.ts';
export { isSjljImport } from '../../nt/sjlj-abi.ts';

/** The first index given to a host function; the machine's table never grows this large. */
export const HOST_INDEX_BASE = 0x00100000;

export interface SjljContext {
  readonly k: Kernel;
  readonly table: WebAssembly.Table;
  readonly stackPointer: WebAssembly.Global;
  /** The image's call-site counter (the rewrite's), restored when a call is unwound. */
  callSites(): WebAssembly.Global;
  /** The image's setThrew export. */
  setThrew(): (threw: number, value: number) => void;
  /** A --kasan image's: the stack from the deepest unwound frame's pointer up to `sp` is dead (kasan.ts). */
  readonly onUnwind?: (deepest: number, sp: number) => void;
}

/** The env functions of the runtime, and the invoke_<sig> ones the module imports. */
export function sjljImports(c: SjljContext, imports: readonly WebAssembly.ModuleImportDescriptor[], path: string): Record<string, Function> {
  const { k } = c;
  const out: Record<string, Function> = {
    emscripten_longjmp: (env: number, value: number) => {
      throw new LongJump(env >>> 0, value | 0);
    },
    __dv_seh_enter: (frame: number) => k.exceptions.enter(frame >>> 0),
    __dv_seh_leave: (frame: number) => k.exceptions.leave(frame >>> 0),
    __dv_seh_continue_search: (frame: number, disposition: number) => k.exceptions.continueSearch(frame >>> 0, disposition | 0),
    __dv_sjlj_exhausted: (size: number) => {
      throw new SimulatorError(`${path}: the setjmp tables of its __try statements outgrew the runtime's arena (asking for ${size >>> 0} bytes): too deep a recursion through __try`);
    },
  };
  for (const imp of imports) {
    const m = imp.module === 'env' && imp.kind === 'function' ? INVOKE.exec(imp.name) : null;
    if (m) out[imp.name] = invoke(c, m[1] === 'j' ? 0n : m[1] === 'v' ? undefined : 0);
  }
  return out;
}

function invoke(c: SjljContext, failed: unknown): Function {
  const { k, table, stackPointer } = c;
  return (index: number, ...args: unknown[]) => {
    const sp = stackPointer.value as number;
    const sites = c.callSites();
    const site = sites.value as number;
    try {
      // An access violation this function's code made (deferred by its memory check) is raised here, in its __try.
      k.exceptions.deliverPending();
      const f = table.get(index >>> 0) as ((...a: unknown[]) => unknown) | null;
      if (!f) throw new WebAssembly.RuntimeError('null function or function signature mismatch');
      return f(...args);
    } catch (e) {
      let jump: LongJump;
      if (e instanceof LongJump) jump = e;
      else if (e instanceof NtException) {
        const env = k.exceptions.dispatch(e);
        // The innermost frame is a TypeScript driver's, beyond this function: the exception goes on.
        if (env === undefined) throw e;
        jump = new LongJump(env, 1);
      } else throw e;
      // The callee's frames are gone: its stack and its call sites with them.
      const deepest = (stackPointer.value as number) >>> 0;
      if (c.onUnwind && deepest < sp >>> 0) c.onUnwind(deepest, sp >>> 0);
      stackPointer.value = sp;
      sites.value = site;
      c.setThrew()(jump.env, jump.value);
      return failed;
    }
  };
}

const I32 = 0x7f;
/** The wasm type of the runtime's env function `name` (sjlj-abi.ts), for its table slot; undefined for any other. */
export function sjljEnvType(name: string): FuncType | undefined {
  const params = Object.hasOwn(SJLJ_ENV_FUNCTIONS, name) ? SJLJ_ENV_FUNCTIONS[name]! : undefined;
  return params === undefined ? undefined : { params: Array<typeof I32>(params).fill(I32), results: [] };
}
