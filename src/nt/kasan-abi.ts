/**
 * The imports a `dv build --kasan` image has: the AddressSanitizer runtime entry points clang's
 * -fsanitize=address emits calls to (the kernel provides them: loader/wasm/kasan.ts). One list for
 * dv build's import check and the loader that binds them; any other env import is still refused.
 */

/** An ASan runtime function: how many i32 parameters it takes, and whether it returns an i32. */
export interface KasanFunction {
  readonly params: number;
  readonly result: boolean;
}

const fn = (params: number, result = false): KasanFunction => ({ params, result });
const SIZES = ['1', '2', '4', '8', '16'] as const;

/** The runtime functions, by name (env.<name>). */
export const KASAN_ENV_FUNCTIONS: Readonly<Record<string, KasanFunction>> = {
  // The module constructor: a version handshake, then its globals' redzones (and the destructor's undo).
  __asan_init: fn(0),
  __asan_version_mismatch_check_v8: fn(0),
  __asan_register_globals: fn(2),
  __asan_unregister_globals: fn(2),
  // Before a call that does not return (longjmp, a bug check): the frames it abandons are clean again.
  __asan_handle_no_return: fn(0),
  // The inline check failed: a report, which does not return. (address) or (address, size).
  ...Object.fromEntries(SIZES.flatMap((n) => [[`__asan_report_load${n}`, fn(1)], [`__asan_report_store${n}`, fn(1)]])),
  __asan_report_load_n: fn(2),
  __asan_report_store_n: fn(2),
  // Outlined checks (a function with more accesses than clang inlines checks for).
  ...Object.fromEntries(SIZES.flatMap((n) => [[`__asan_load${n}`, fn(1)], [`__asan_store${n}`, fn(1)]])),
  __asan_loadN: fn(2),
  __asan_storeN: fn(2),
  // Struct copies and fills (llvm.memcpy/memset/memmove), checked over both ranges.
  __asan_memcpy: fn(3, true),
  __asan_memmove: fn(3, true),
  __asan_memset: fn(3, true),
  // Large frames: clang poisons and unpoisons their shadow by call rather than inline stores.
  ...Object.fromEntries(['00', 'f1', 'f2', 'f3', 'f5', 'f8'].map((c) => [`__asan_set_shadow_${c}`, fn(2)])),
  __asan_poison_stack_memory: fn(2),
  __asan_unpoison_stack_memory: fn(2),
  // alloca and variable-length arrays.
  __asan_alloca_poison: fn(2),
  __asan_allocas_unpoison: fn(2),
};

/** Is env.<name> one of the ASan runtime's functions? */
export function isKasanImport(module: string, name: string, kind: string): boolean {
  return module === 'env' && kind === 'function' && Object.hasOwn(KASAN_ENV_FUNCTIONS, name);
}
