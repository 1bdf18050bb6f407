/**
 * The driver ABI, as flags: one definition for dv build, the layout check and the tests.
 *
 * Compile: wasm32 with the emscripten triple (the one that accepts -fPIC on wasm32; no emscripten is
 * involved), 16-bit wchar_t for L"..." literals, freestanding (no libc headers; builtins off, so the
 * runtime's own loops never turn into calls to themselves), MS extensions for __declspec, #@x,
 * __int64, #pragma alloc_text and `\\` in #include, MS compatibility for the rest of MSVC's
 * preprocessor. CPU features are pinned to clang 16's defaults so clang 17-19 emit the same
 * instructions, and DWARF to v4 so the symbolizer sees one format.
 */
import { FINALIZE_EXPORT } from '../nt/image-abi.ts';
import { REPO_ROOT } from './paths.ts';
import { VA_MAP } from '../kernel/mm/address-space.ts';

export const TARGET_FLAGS = [
  '--target=wasm32-unknown-emscripten',
  '-mcpu=mvp',
  '-mmutable-globals',
  '-msign-ext',
  '-fPIC',
  '-fvisibility=hidden',
  '-fshort-wchar',
  '-ffreestanding',
  '-nostdlibinc',
  '-fms-extensions',
  // MSVC's preprocessor: L#x makes a wide literal and "lit" ## x pastes into a string (with
  // -Wno-invalid-token-paste below). It also drops __GNUC__/__STDC__, as MSVC does not define them.
  '-fms-compatibility',
  // What MSVC's /kernel defines, which the WDK builds drivers with: samples shared with user mode test it.
  '-D_KERNEL_MODE=1',
] as const;

/**
 * Diagnostics: a call to an undeclared routine is an error naming it, never an implicit int. A
 * missing return stays a warning, as in MSVC (C4715): `__try { return a; } __except (...) { return b; }`
 * is a loop to clang (dv/seh.h), which cannot see that one of the two always returns.
 */
export const WARNING_FLAGS = [
  '-Wall',
  '-Wno-multichar', // pool tags: 'gaTm'
  '-Wno-unknown-pragmas', // #pragma prefast, #pragma warning(...) from WDK samples
  '-Wno-invalid-token-paste', // "lit" ## x, which MSVC's preprocessor accepts
  '-Wno-pragma-pack', // <pshpack1.h> ... <poppack.h>: the WDK's way to pack, a push in one header and a pop in another
  '-Wno-nonportable-include-path', // <NTDDK.h>: Windows ignores case in #include (include-overlay.ts)
  // Unprototyped declarations are plain C to MSVC; the DDK spells DRIVER_NOTIFICATION_CALLBACK_ROUTINE so (dv/po.h),
  // and clang would otherwise warn at every callback the driver defines with its own structure type.
  '-Wno-deprecated-non-prototype',
  '-Werror=implicit-function-declaration',
  '-Werror=implicit-int',
  '-Werror=incompatible-function-pointer-types',
] as const;

/**
 * -enable-emscripten-sjlj: clang lowers setjmp/longjmp for wasm, which <dv/seh.h>'s __try needs (its
 * runtime: ddk/crt/sjlj.c and src/loader/wasm/sjlj.ts). It changes only functions that call setjmp.
 */
export const CODEGEN_FLAGS = ['-O2', '-g', '-gdwarf-4', '-mllvm', '-enable-emscripten-sjlj'] as const;

/**
 * `dv build --kasan`: clang's AddressSanitizer on the driver's own sources (not the runtime), as
 * /fsanitize=kernel-address builds a driver for Windows' KASAN. Redzones around stack and global
 * variables, every load and store checked inline against ASan's shadow, which lies at
 * VA_MAP.kasanShadow (the mapping offset; the scale is ASan's 3). Variables are poisoned outside their
 * scope (use after scope). No fake stack for use after return: it would import a data symbol and a
 * stack allocator. The runtime the code calls is the kernel's (loader/wasm/kasan.ts).
 */
export const KASAN_FLAGS = [
  '-fsanitize=address',
  '-fsanitize-address-use-after-scope',
  '-fsanitize-address-use-after-return=never',
  '-mllvm',
  `-asan-mapping-offset=0x${VA_MAP.kasanShadow.start.toString(16)}`,
  // No initialization-order checks of C++ globals (off by default in ASan's own runtime too): no
  // __asan_before/after_dynamic_init around each file's constructors.
  '-mllvm',
  '-asan-initialization-order=0',
] as const;

/** The languages dv build compiles, by source extension (`.C` is C++ as in clang; `.c` is C). */
export type SourceLanguage = 'c' | 'c++';
export const SOURCE_EXTENSIONS: Readonly<Record<string, SourceLanguage>> = {
  '.c': 'c',
  '.cpp': 'c++',
  '.cxx': 'c++',
  '.cc': 'c++',
  '.C': 'c++',
};

/** The language of a source file by its extension (case matters: `.C` is C++), or undefined. */
export function sourceLanguage(file: string): SourceLanguage | undefined {
  const dot = file.lastIndexOf('.');
  return dot < 0 || file.lastIndexOf('/') > dot ? undefined : SOURCE_EXTENSIONS[file.slice(dot)];
}

/**
 * Kernel C++: freestanding C++17 with no exceptions, no RTTI and no guard calls around local
 * statics (the kernel has no C++ runtime for any of them), and no libc++ headers. Sized
 * deallocation is on, as MSVC has it: `delete p` calls operator delete(void*, size_t), which the
 * driver defines beside its operator new.
 */
export const CXX_FLAGS = ['-x', 'c++', '-std=c++17', '-fno-exceptions', '-fno-rtti', '-fno-threadsafe-statics', '-nostdinc++', '-fsized-deallocation'] as const;

/**
 * Debug paths relative to where the build runs, and the DDK's relative to the repository: the same
 * sources give the same image wherever the tree is checked out (committed samples stay comparable),
 * and `ln` shows `drivers/c/MyDriver/handleioctl.c(28)` rather than one machine's absolute path.
 */
export function pathFlags(repoRoot: string): string[] {
  return ['-fdebug-compilation-dir=.', `-ffile-prefix-map=${repoRoot}/=`];
}

export function compileArgs(source: string, object: string, includeDirs: readonly string[], defines: readonly string[] = [], language: SourceLanguage = 'c'): string[] {
  return [
    ...TARGET_FLAGS,
    ...(language === 'c++' ? CXX_FLAGS : []),
    ...CODEGEN_FLAGS,
    ...pathFlags(REPO_ROOT),
    ...WARNING_FLAGS,
    ...includeDirs.flatMap((d) => ['-I', d]),
    ...defines.map((d) => `-D${d}`),
    '-c',
    source,
    '-o',
    object,
  ];
}

/**
 * Link: a PIC shared module importing its memory, table, memory/table bases and stack pointer from
 * env, so the loader places it anywhere in the one kernel address space. -shared turns any undefined
 * function into an env import, so strictness comes from the import check that follows the link;
 * --fatal-warnings makes a signature mismatch between two files an error. An image with global
 * destructors or atexit routines also exports the runtime's __cxa_finalize, which the loader calls at unload.
 */
export function linkArgs(objects: readonly string[], output: string): string[] {
  return ['--experimental-pic', '-shared', '--import-memory', '--fatal-warnings', `--export-if-defined=${FINALIZE_EXPORT}`, '--export=DriverEntry', '-o', output, ...objects];
}

/** The env imports a driver may have; anything else fails the build. */
export const ALLOWED_ENV_IMPORTS: Readonly<Record<string, 'memory' | 'table' | 'global'>> = {
  memory: 'memory',
  __indirect_function_table: 'table',
  __memory_base: 'global',
  __table_base: 'global',
  __stack_pointer: 'global',
};

/** The module DDIs are imported from. */
export const DDI_MODULE = 'ntoskrnl';
