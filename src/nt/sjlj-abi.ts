/**
 * The imports a C driver image has for its __try statements (clang's setjmp lowering for wasm, and
 * the kernel's half of SEH): one list for dv build's import check and the loader that binds them.
 */

/** The runtime functions ddk/include/dv/seh.h and ddk/crt/sjlj.c import from env. */
export const SJLJ_ENV_FUNCTIONS = ['emscripten_longjmp', '__dv_seh_enter', '__dv_seh_leave', '__dv_seh_continue_search', '__dv_sjlj_exhausted'] as const;

/** `invoke_<sig>`: the result, then the parameters, as v (none), i (i32), j (i64), f, d. */
export const INVOKE_IMPORT = /^invoke_([vijfd])[ijfd]*$/;

/** Is env.<name> one of the setjmp runtime's imports? */
export function isSjljImport(module: string, name: string, kind: string): boolean {
  if (module !== 'env' || kind !== 'function') return false;
  return INVOKE_IMPORT.test(name) || (SJLJ_ENV_FUNCTIONS as readonly string[]).includes(name);
}
