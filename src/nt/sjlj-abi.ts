/**
 * The imports a C driver image has for its __try statements (clang's setjmp lowering for wasm, and
 * the kernel's half of SEH): one list for dv build's import check and the loader that binds them.
 */

/**
 * The runtime functions ddk/include/dv/seh.h and ddk/crt/sjlj.c import from env, with how many i32
 * parameters each takes (none returns a value): their wasm types, for their table slots.
 */
export const SJLJ_ENV_FUNCTIONS: Readonly<Record<string, number>> = {
  emscripten_longjmp: 2,
  __dv_seh_enter: 1,
  __dv_seh_leave: 1,
  __dv_seh_continue_search: 2,
  __dv_sjlj_exhausted: 1,
};

/** `invoke_<sig>`: the result, then the parameters, as v (none), i (i32), j (i64), f, d. */
export const INVOKE_IMPORT = /^invoke_([vijfd])[ijfd]*$/;

/** Is env.<name> one of the setjmp runtime's imports? */
export function isSjljImport(module: string, name: string, kind: string): boolean {
  if (module !== 'env' || kind !== 'function') return false;
  return INVOKE_IMPORT.test(name) || Object.hasOwn(SJLJ_ENV_FUNCTIONS, name);
}
