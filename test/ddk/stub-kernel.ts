/**
 * Just enough of a host to run a built driver image in isolation: one memory, a table, the PIC
 * globals, and the DDIs the test supplies (any other DDI call fails the test). The real loader is
 * src/loader/wasm; this only checks what the C side emits.
 */
import { readWasmInterface } from '../../src/build/wasm-module.ts';

export const IMAGE_BASE = 0x1000;
export const STACK_TOP = 0x100000;
/** Where the test places kernel structures it hands to the driver. */
export const KERNEL_AREA = 0x80000;

export interface RunningImage {
  readonly memory: WebAssembly.Memory;
  readonly exports: Record<string, (...args: never[]) => unknown>;
  u32(address: number): number;
  u64(address: number): bigint;
  cstring(address: number): string;
}

export function instantiateImage(bytes: Uint8Array<ArrayBuffer>, ddis: Record<string, (...args: never[]) => unknown>): RunningImage {
  const memory = new WebAssembly.Memory({ initial: STACK_TOP / 0x10000 });
  const view = () => new DataView(memory.buffer);
  const image: RunningImage = {
    memory,
    exports: {},
    u32: (a) => view().getUint32(a, true),
    u64: (a) => view().getBigUint64(a, true),
    cstring: (a) => {
      const bytes = new Uint8Array(memory.buffer);
      let end = a;
      while (bytes[end] !== 0) end++;
      return new TextDecoder().decode(bytes.subarray(a, end));
    },
  };
  const ntoskrnl: Record<string, unknown> = {};
  const ddiImports = readWasmInterface(bytes).imports.filter((i) => i.module === 'ntoskrnl' || (i.module === 'GOT.func' && !i.name.startsWith('__dv_')));
  for (const imp of ddiImports) {
    ntoskrnl[imp.name] =
      ddis[imp.name] ??
      (() => {
        throw new Error(`the probe called ${imp.name}, which this test does not stub`);
      });
  }
  // A function with a __try calls through invoke_<sig> and GOT.func indices (src/loader/wasm/sjlj.ts):
  // here nothing raises, so invoke only calls, and the SEH runtime's frame calls do nothing.
  const table = new WebAssembly.Table({ initial: 64, element: 'anyfunc' });
  const hosts = new Map<number, Function>();
  const unexpected = (name: string) => () => {
    throw new Error(`the probe called ${name}: nothing in it raises`);
  };
  const sjlj: Record<string, unknown> = {
    __dv_seh_enter: () => {},
    __dv_seh_leave: () => {},
    __dv_seh_continue_search: unexpected('__dv_seh_continue_search'),
    emscripten_longjmp: unexpected('emscripten_longjmp'),
    __dv_sjlj_exhausted: unexpected('__dv_sjlj_exhausted'),
  };
  const got: Record<string, WebAssembly.Global> = {};
  for (const imp of readWasmInterface(bytes).imports) {
    if (imp.module === 'env' && imp.name.startsWith('invoke_')) {
      sjlj[imp.name] = (index: number, ...args: unknown[]) => ((hosts.get(index) ?? table.get(index)) as Function)(...args);
    } else if (imp.module === 'GOT.func') {
      const index = 0x100000 + hosts.size;
      hosts.set(index, (ntoskrnl[imp.name] ?? sjlj[imp.name]) as Function);
      got[imp.name] = new WebAssembly.Global({ value: 'i32', mutable: true }, index);
    }
  }
  const env = {
    ...sjlj,
    memory,
    __indirect_function_table: table,
    __memory_base: new WebAssembly.Global({ value: 'i32', mutable: false }, IMAGE_BASE),
    __table_base: new WebAssembly.Global({ value: 'i32', mutable: false }, 1),
    __stack_pointer: new WebAssembly.Global({ value: 'i32', mutable: true }, STACK_TOP),
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env, ntoskrnl, 'GOT.func': got } as WebAssembly.Imports);
  const exports = instance.exports as Record<string, (...args: never[]) => unknown>;
  exports.__wasm_apply_data_relocs!();
  exports.__wasm_call_ctors!();
  return { ...image, exports };
}
