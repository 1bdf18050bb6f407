/**
 * The kernel's AddressSanitizer runtime for `dv build --kasan` images (Windows' KASAN, for a driver
 * rebuilt with /fsanitize=kernel-address): clang's -fsanitize=address puts redzones around the image's
 * stack and global variables and checks every load and store against its shadow inline
 * (mm/kasan-shadow.ts); only when a check fails, or for what clang leaves to a runtime, does the code
 * call one of these (the list: nt/kasan-abi.ts).
 *
 * - **Reports** (`__asan_report_*`, and the outlined `__asan_load*`/`__asan_store*` once they find a
 *   bad byte): bug check 0x1F2 KASAN_ILLEGAL_ACCESS through MmAccessFault's kasanIllegalAccess: P1 the
 *   address, P2 the size, P3 the faulting code address (the report call's call site, which clang
 *   gives the access's source line), P4 the shadow code in bits 0-7.
 * - **Globals**: the module constructor registers each instrumented global; its redzone (the bytes
 *   clang padded it with) is poisoned 0xF9, and made clean again when the image unloads.
 * - **memcpy/memset/memmove** that clang turns struct copies into: both ranges checked against ASan's
 *   shadow and mm's, then done.
 * - **No-return calls**: `__asan_handle_no_return` (before a longjmp, a bug check) cleans the shadow of
 *   the current stack from its pointer to its base, as ASan does: frames it abandons never unpoison
 *   themselves. A frame an exception unwinds through is cleaned by the setjmp runtime (sjlj.ts).
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { PAGE_SIZE, VA_MAP } from '../../kernel/mm/address-space.ts';
import { kasanIllegalAccess, mmAccessFault } from '../../kernel/mm/access-fault.ts';
import { kasanCodeOf, kasanFirstBad, kasanPoison, kasanShadowAddress, kasanUnpoison } from '../../kernel/mm/kasan-shadow.ts';
import { SHADOW, SHADOW_GRANULE } from '../../kernel/mm/shadow.ts';
import { isKasanImport, KASAN_ENV_FUNCTIONS } from '../../nt/kasan-abi.ts';
import type { FuncType } from './indirect.ts';
export { isKasanImport } from '../../nt/kasan-abi.ts';

export interface KasanContext {
  readonly k: Kernel;
  readonly stackPointer: WebAssembly.Global;
  /** The image's call-site counter (the rewrite's): its top is the runtime call being made. */
  callSites(): number;
}

/**
 * Is this module built with `dv build --kasan`: does it import the ASan runtime (every such module's
 * constructor calls __asan_init)? Any one of its functions binds them all.
 */
export const isKasanImage = (imports: readonly WebAssembly.ModuleImportDescriptor[]): boolean =>
  imports.some((i) => (i.module === 'env' || i.module === 'GOT.func') && isKasanImport('env', i.name, 'function'));

/** The redzone on each side of an alloca, and the alignment of its right end. */
const ALLOCA_REDZONE = 32;

/** struct __asan_global (ASan ABI v8): beg, size, size_with_redzone, name, module_name, has_dynamic_init, location, odr_indicator. */
const GLOBAL_RECORD = 32;

/** The ASan runtime functions the module imports, bound to the kernel. */
export function kasanImports(c: KasanContext, imports: readonly WebAssembly.ModuleImportDescriptor[]): Record<string, Function> {
  const { k } = c;
  const as = k.as;
  /**
   * A stop from inside the runtime: the image's call sites made known to the kernel first (the calls
   * are bound bare, not through a DDI's wrapper: they are many, and only a stop needs the stack).
   * `fault(pc)` gets the code address of the runtime call, the faulting access.
   */
  const stop = (fault: (pc: number) => unknown, innermost: boolean): void => {
    const top = c.callSites();
    // With `innermost`, the stop pushes the call's own frame: it is taken off the ring, not shown twice.
    k.stacks.atWasmSp(innermost ? top - 4 : top, () => fault(k.stacks.readWasmCallSite(top - 4) >>> 0));
  };
  const report = (address: number, size: number, write: boolean): never => {
    const a = address >>> 0;
    const bad = kasanFirstBad(as, a, size);
    stop((pc) => kasanIllegalAccess(k, { address: a, size, write, pc }, kasanCodeOf(as, bad >= 0 ? bad : a)), true);
    throw new Error('unreachable: a KASAN report returned');
  };
  const check = (address: number, size: number, write: boolean): void => {
    if (size > 0 && kasanFirstBad(as, address, size) >= 0) report(address, size, write);
  };
  /** A range the runtime itself touches for the driver: ASan's redzones, then mm's page and pool state. */
  const checkRange = (address: number, size: number, write: boolean): void => {
    if (size <= 0) return;
    check(address, size, write);
    const bad = as.shadow.firstBad(address, size);
    // mm's shadow (pool redzones, page state): MmAccessFault decides the stop (or the access violation).
    if (bad >= 0) stop((pc) => mmAccessFault(k, { address: address >>> 0, size, write, pc }, bad), false);
  };
  /** Each registered global's redzone: the partial granule at its end says how many bytes, the rest 0xF9. */
  const eachGlobal = (records: number, count: number, f: (begin: number, size: number, total: number) => void) => {
    for (let i = 0; i < (count >>> 0); i++) {
      const r = (records >>> 0) + i * GLOBAL_RECORD;
      f(as.u32(r), as.u32(r + 4), as.u32(r + 8));
    }
  };
  const stackBase = () => k.currentStack().base;

  const all: Record<string, (...a: number[]) => unknown> = {
    __asan_init: () => {},
    __asan_version_mismatch_check_v8: () => {},
    __asan_register_globals: (records, count) =>
      eachGlobal(records, count, (begin, size, total) => {
        const end = (begin + size) >>> 0;
        const tail = end & (SHADOW_GRANULE - 1);
        const whole = (end - tail) >>> 0;
        kasanUnpoison(as, begin, whole - begin);
        if (tail) as.setU8(kasanShadowAddress(whole), tail);
        const redzone = tail ? whole + SHADOW_GRANULE : whole;
        kasanPoison(as, redzone, begin + total - redzone, SHADOW.globalRedzone);
      }),
    __asan_unregister_globals: (records, count) => eachGlobal(records, count, (begin, _size, total) => kasanUnpoison(as, begin, total)),
    __asan_handle_no_return: () => {
      const sp = (c.stackPointer.value as number) >>> 0;
      const base = stackBase();
      if (sp < base) kasanUnpoison(as, sp, base - sp);
    },
    __asan_report_load_n: (address, size) => report(address, size >>> 0, false),
    __asan_report_store_n: (address, size) => report(address, size >>> 0, true),
    __asan_loadN: (address, size) => check(address, size >>> 0, false),
    __asan_storeN: (address, size) => check(address, size >>> 0, true),
    __asan_memcpy: (dst, src, size) => {
      checkRange(src, size >>> 0, false);
      checkRange(dst, size >>> 0, true);
      as.copy(dst, src, size >>> 0);
      return dst;
    },
    __asan_memmove: (dst, src, size) => {
      checkRange(src, size >>> 0, false);
      checkRange(dst, size >>> 0, true);
      as.copy(dst, src, size >>> 0);
      return dst;
    },
    __asan_memset: (dst, value, size) => {
      checkRange(dst, size >>> 0, true);
      as.fill(dst, size >>> 0, value & 0xff);
      return dst;
    },
    __asan_poison_stack_memory: (address, size) => kasanPoison(as, address, size >>> 0, SHADOW.stackUseAfterScope),
    __asan_unpoison_stack_memory: (address, size) => kasanPoison(as, address, size >>> 0, 0),
    // alloca: a 32-byte redzone left of the block, and right of it to the next 32-byte boundary and 32
    // more, as ASan's runtime lays them (clang allocated the room).
    __asan_alloca_poison: (address, size) => {
      const a = address >>> 0;
      const end = a + (size >>> 0);
      kasanPoison(as, a - ALLOCA_REDZONE, ALLOCA_REDZONE, SHADOW.allocaLeft);
      const tail = end & (SHADOW_GRANULE - 1);
      kasanPoison(as, a, end - tail - a, 0);
      if (tail) as.setU8(kasanShadowAddress(end - tail), tail);
      const right = tail ? end - tail + SHADOW_GRANULE : end;
      const aligned = ((end + ALLOCA_REDZONE - 1) & ~(ALLOCA_REDZONE - 1)) >>> 0;
      kasanPoison(as, right, aligned + ALLOCA_REDZONE - right, SHADOW.allocaRight);
    },
    __asan_allocas_unpoison: (top, bottom) => {
      if ((bottom >>> 0) > (top >>> 0)) kasanUnpoison(as, top, (bottom >>> 0) - (top >>> 0));
    },
  };
  for (const n of ['1', '2', '4', '8', '16']) {
    const size = Number(n);
    all[`__asan_report_load${n}`] = (address) => report(address, size, false);
    all[`__asan_report_store${n}`] = (address) => report(address, size, true);
    all[`__asan_load${n}`] = (address) => check(address, size, false);
    all[`__asan_store${n}`] = (address) => check(address, size, true);
  }
  // __asan_set_shadow_XX(shadow address, count): clang computes the shadow address itself.
  for (const code of ['00', 'f1', 'f2', 'f3', 'f5', 'f8']) {
    const value = Number.parseInt(code, 16);
    all[`__asan_set_shadow_${code}`] = (shadow, count) => as.fill(shadow >>> 0, count >>> 0, value);
  }

  const out: Record<string, Function> = {};
  for (const imp of imports) {
    // Called directly (env) or through its address (GOT.func: from a function with a __try).
    if (!isKasanImport('env', imp.name, imp.module === 'GOT.func' ? 'function' : imp.kind) || (imp.module !== 'env' && imp.module !== 'GOT.func')) continue;
    const f = all[imp.name];
    // Every name the ABI lists has a binding here; a gap is this file's bug, not the driver's.
    if (!f) throw new Error(`the KASAN runtime has no ${imp.name}`);
    out[imp.name] = f;
  }
  return out;
}

/**
 * The image's code reads and writes ASan's shadow itself, inline, and a checked image's every access
 * is also tested against mm's shadow (rewrite.ts), where VA_MAP.kasanShadow is not mapped. The first
 * touch of each page of it lands here: mm's shadow admits that page from then on (only the shadow:
 * no page is mapped, so dumps stay small). True when [address, address+length) is ASan's shadow.
 */
export function admitKasanShadow(k: Kernel, address: number, length: number): boolean {
  const a = address >>> 0;
  const end = a + Math.max(length, 1);
  if (a < VA_MAP.kasanShadow.start || end > VA_MAP.kasanShadow.end) return false;
  const first = a - (a % PAGE_SIZE);
  k.as.shadow.setPages(first, Math.ceil((end - first) / PAGE_SIZE), SHADOW.accessible);
  return true;
}

const I32 = 0x7f;
/** The wasm type of the ASan runtime function `name`, for a table slot (a call through its address); undefined for any other. */
export function kasanEnvType(name: string): FuncType | undefined {
  const f = Object.hasOwn(KASAN_ENV_FUNCTIONS, name) ? KASAN_ENV_FUNCTIONS[name]! : undefined;
  return f === undefined ? undefined : { params: Array<typeof I32>(f.params).fill(I32), results: f.result ? [I32] : [] };
}
