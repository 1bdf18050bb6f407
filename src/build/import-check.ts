/**
 * The strictness check after the link. wasm-ld -shared turns every undefined symbol into an import
 * (env.foo for a function, GOT.mem.foo for a variable) instead of an error, so the linked module's
 * imports are checked here: only the DDIs the kernel exports, from ntoskrnl, the data it exports
 * (GOT.mem.<name>), and the env items of the PIC ABI may remain. Each refusal names the symbol and the source files that reference it.
 */
import { isExportedData } from '../kernel/exported-data.ts';
import { ALLOWED_ENV_IMPORTS, DDI_MODULE } from './flags.ts';
import type { WasmImport } from './wasm-module.ts';
import { isSjljImport } from '../nt/sjlj-abi.ts';
import { isKasanImport } from '../nt/kasan-abi.ts';

export interface ObjectImports {
  /** The source file the object was compiled from, as the user named it. */
  readonly source: string;
  readonly imports: readonly WasmImport[];
}

/** Source files whose objects import `name` (in any module: env, GOT.mem, GOT.func, ntoskrnl). */
function referencedFrom(name: string, objects: readonly ObjectImports[]): string {
  const files = objects.filter((o) => o.imports.some((i) => i.name === name && i.kind !== 'memory')).map((o) => o.source);
  return files.length > 0 ? files.join(', ') : 'the driver';
}

/**
 * What library images export (wdf.h's WDF_IMPORT routines from Wdf01000, and its WdfDriverGlobals
 * variable): routines by module, and the variables a driver may import from them.
 */
export interface LibraryExports {
  readonly routines: ReadonlyMap<string, ReadonlySet<string>>;
  readonly data: ReadonlySet<string>;
}
const NO_LIBRARIES: LibraryExports = { routines: new Map(), data: new Set() };

/** The problems with a linked driver's imports; empty when it may load. */
export function checkImports(imports: readonly WasmImport[], objects: readonly ObjectImports[], ddiNames: ReadonlySet<string>, libraries: LibraryExports = NO_LIBRARIES): string[] {
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const imp of imports) {
    // An undefined function whose address is taken shows up twice (env.f and GOT.func.f): say it once.
    if (imp.module !== 'env' && imp.module !== DDI_MODULE && reported.has(imp.name)) continue;
    const before = problems.length;
    check(imp);
    if (problems.length > before) reported.add(imp.name);
  }
  return problems;

  function check(imp: WasmImport): void {
    const where = referencedFrom(imp.name, objects);
    if (imp.module === DDI_MODULE) {
      if (imp.kind !== 'function') problems.push(`${where}: error: ${DDI_MODULE}.${imp.name} is imported as a ${imp.kind}; DDIs are functions`);
      else if (!ddiNames.has(imp.name)) {
        problems.push(`${where}: error: '${imp.name}' is not exported by the simulated kernel (docs/ddi-support.md lists the DDIs it exports)`);
      }
      return;
    }
    if (imp.module === 'env') {
      const allowed = ALLOWED_ENV_IMPORTS[imp.name];
      if (allowed === imp.kind) return;
      if (isSjljImport(imp.module, imp.name, imp.kind) || isKasanImport(imp.module, imp.name, imp.kind)) return;
      if (allowed !== undefined) {
        problems.push(`${where}: error: env.${imp.name} is imported as a ${imp.kind}, the ABI has it as a ${allowed}`);
      } else if (imp.kind === 'function' && ddiNames.has(imp.name)) {
        problems.push(`${where}: error: '${imp.name}' is a DDI but was declared without its ntoskrnl import: include <wdm.h> instead of declaring it yourself`);
      } else if (imp.kind === 'function') {
        problems.push(`${where}: error: undefined function '${imp.name}': it is declared but defined in no source file, and it is not a DDI the kernel exports`);
      } else {
        problems.push(`${where}: error: undefined ${imp.kind} env.${imp.name}`);
      }
      return;
    }
    const library = libraries.routines.get(imp.module);
    if (library) {
      if (imp.kind !== 'function') problems.push(`${where}: error: ${imp.module}.${imp.name} is imported as a ${imp.kind}; the library exports functions`);
      else if (!library.has(imp.name)) problems.push(`${where}: error: '${imp.name}' is not exported by ${imp.module} (its header declares what it exports)`);
      return;
    }
    if (imp.module === 'GOT.mem') {
      // The data ntoskrnl exports (EXPORTED_DATA), and the library images' (WdfDriverGlobals), are bound by the loader; any other is undefined.
      if ((isExportedData(imp.name) || libraries.data.has(imp.name)) && imp.kind === 'global') return;
      problems.push(`${where}: error: undefined variable '${imp.name}': it is declared extern but defined in no source file, and it is not data the kernel exports`);
    } else if (imp.module === 'GOT.func' && (ddiNames.has(imp.name) || isSjljImport('env', imp.name, 'function') || isKasanImport('env', imp.name, 'function'))) {
      // A DDI or runtime routine called through a pointer: what a function with a __try does.
      return;
    } else if (imp.module === 'GOT.func') {
      problems.push(`${where}: error: the address of '${imp.name}' is taken but the function is defined in no source file`);
    } else {
      problems.push(`${where}: error: import ${imp.module}.${imp.name} is from an unknown module (only ${DDI_MODULE} and env are allowed)`);
    }
  }
}
