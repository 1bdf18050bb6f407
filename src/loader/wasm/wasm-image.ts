/**
 * Drivers compiled from C to WebAssembly (`dv build`): position-independent modules (wasm-ld
 * `-shared --experimental-pic`) that import the one kernel memory and one function table. Loading
 * relocates them as a kernel relocates a .sys: the image gets a base in the kernel address space,
 * its data lands at __memory_base inside that image, its functions at __table_base in the shared
 * table (so every function pointer in the machine is unique), and its ntoskrnl imports are bound
 * to the DDI table or the verifier's thunks. Code addresses shown to users are the image's code base
 * plus the offset of the code in the module's Code section, which is also what its DWARF uses.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SimulatorError, UnresolvedImportError } from '../../kernel/errors.ts';
import { decodeTmfSection, TMF_SECTION } from '../../kernel/etw/tmf.ts';
import { traceSession } from '../../kernel/etw/session.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { PAGE_SIZE, PageKind, WASM_CALL_SITE_RING, WASM_FRAME_BASE_RING } from '../../kernel/mm/address-space.ts';
import type { LocalLocation, LocalsData, ModuleInfo } from '../../kernel/symbols.ts';
import { wasmLocals } from './symbols.ts';
import { FINALIZE_EXPORT } from '../../nt/image-abi.ts';
import type { ImageFormat, LoadedImage, MapRequest } from '../image.ts';
import { adaptImport } from './abi.ts';
import { exportedData, isExportedData } from '../../kernel/exported-data.ts';
import { systemRoutineAt } from '../../kernel/mm/routine.ts';
import { abiParams, chooseType, indirectCallTypes, trampolineModule, type FuncType } from './indirect.ts';
import { dmaTableBinder } from './dma-operations.ts';
import { describeModule, type WasmModuleInfo } from './module-info.ts';
import { CALL_SP_EXPORT, COMPARISON_BASE_EXPORT, COVERAGE_BASE_EXPORT, SHADOW_BASE_EXPORT, MEMORY_CHECK_BULK, MEMORY_CHECK_WRITE, PURE_SLOT_EXPORT, rewriteModule, type RewrittenModule } from './rewrite.ts';
import { mmAccessFault } from '../../kernel/mm/access-fault.ts';
import { BACK_EDGE_QUANTUM } from '../../kernel/ke/watchdog.ts';
import { isSjljImport, sjljEnvType, sjljImports, type SjljContext } from './sjlj.ts';
import { admitKasanShadow, isKasanImage, isKasanImport, kasanEnvType, kasanImports } from './kasan.ts';
import { kasanUnpoison } from '../../kernel/mm/kasan-shadow.ts';
import { asyncifyModule, BLOCKING_IMPORTS, needsAsyncify } from './asyncify.ts';
import { BLOCKING_CALL_FRAME, imageStackSwitch } from './thread-stack.ts';

const CODE_RVA = 0x1000;
/** env.* imports a driver module may have; anything else is not a driver built by dv build. */
const ENV_IMPORTS = new Set(['memory', '__indirect_function_table', '__memory_base', '__table_base', '__stack_pointer']);

/** An image's locals where it loaded: code ranges from its code base, statics (DW_OP_addr) from its __memory_base. */
function relocateLocals(locals: LocalsData, codeBase: number, dataBase: number): LocalsData {
  const at = (l: LocalLocation): LocalLocation => ({
    ...l,
    ...(l.start !== undefined && l.end !== undefined ? { start: codeBase + l.start, end: codeBase + l.end } : {}),
    ...(l.kind === 'addr' ? { value: (dataBase + l.value) >>> 0 } : {}),
  });
  return {
    types: locals.types,
    scopes: locals.scopes.map((s) => ({ ...s, ranges: s.ranges.map(([a, b]) => [codeBase + a, codeBase + b] as const), variables: s.variables.map((v) => ({ ...v, locations: v.locations.map(at) })) })),
  };
}

/** The machine-wide wasm state: one function table and one stack pointer for all wasm images. */
interface WasmMachine {
  readonly table: WebAssembly.Table;
  readonly stackPointer: WebAssembly.Global;
  /** Which stack the stack pointer is in now, and the saved pointers of the others. */
  owner: object | undefined;
  readonly saved: WeakMap<object, number>;
  /** The images' instances: their exported globals (the watchdog budget, the shadow base...) are machine state a snapshot restores. */
  readonly instances: WebAssembly.Instance[];
}

const machines = new WeakMap<Kernel, WasmMachine>();
/**
 * What lies above a stack's first driver frame: on x86 a new thread's initial stack holds its
 * floating-point save area (0x210 bytes) and a trap frame (0x8c) above the start routine's frame, so a
 * small overrun of a local of the outermost driver frame reads that, not the page above the stack.
 */
const INITIAL_STACK_FRAME = 0x2a0;

/** Images loaded in this process: each module's name (and so its script's) is unique. */
let images = 0;

function machineOf(k: Kernel): WasmMachine {
  let m = machines.get(k);
  if (!m) {
    // Table slot 0 stays empty: a NULL function pointer must not call anything.
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
    const stackPointer = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);
    m = { table, stackPointer, owner: undefined, saved: new WeakMap(), instances: [] };
    machines.set(k, m);
    // The base of a frame stopped inside wasm code (a fault, not a call): the stack pointer as it stopped.
    k.stacks.wasmStackPointer = () => stackPointer.value as number;
  }
  return m;
}

/**
 * Run wasm code on the stack it belongs on (the current thread's, or the DPC stack): switch the
 * stack pointer if another stack owns it, and switch back after.
 */
function onCurrentStack<T>(k: Kernel, m: WasmMachine, body: () => T): T {
  const stack = k.currentStack();
  if (m.owner === stack.owner) return body();
  const previousOwner = m.owner;
  const previousSp = m.stackPointer.value as number;
  if (previousOwner) m.saved.set(previousOwner, previousSp);
  m.owner = stack.owner;
  m.stackPointer.value = m.saved.get(stack.owner) ?? stack.base - INITIAL_STACK_FRAME;
  try {
    return body();
  } finally {
    m.saved.set(stack.owner, m.stackPointer.value as number);
    m.owner = previousOwner;
    m.stackPointer.value = previousSp;
  }
}

/**
 * The table entry an image's back-edge probes call: `(pc) -> next quantum`. A host function can
 * enter a funcref table only as a wasm function, so a two-line module wraps it. `callSites` is the
 * image's call-site counter: made known to the kernel first, so a stop's stack has the loop's callers.
 */
function watchdogEntry(k: Kernel, callSites: () => number): Function {
  const backEdges = (pc: number): number => {
    // The loop is the innermost frame of any stop the watchdog raises.
    k.stacks.atWasmSp(callSites(), () => k.stacks.frame(pc >>> 0, () => k.watchdog.backEdges(pc >>> 0, BACK_EDGE_QUANTUM)));
    return BACK_EDGE_QUANTUM;
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(WATCHDOG_TRAMPOLINE), { dv: { backEdges } });
  return instance.exports.backEdges as Function;
}

/**
 * The table entry a checked image's memory probes call when the inline shadow test does not pass:
 * `(address, length, flags, pc) -> address to use`. Most such calls are fine (the end of a block
 * whose size is not a multiple of 8): the exact test passes and the access goes ahead. Otherwise
 * MmAccessFault raises the stop with this image's call sites as the stack, or defers an access
 * violation to the driver's next call and points the access at scratch memory.
 */
function memoryCheckEntry(k: Kernel, callSites: () => number, kasan: boolean): Function {
  const check = (address: number, length: number, flags: number, pc: number): number => {
    const a = address >>> 0;
    // A --kasan image's own reads and writes of ASan's shadow (kasan.ts).
    if (kasan && admitKasanShadow(k, a, length >>> 0)) return a;
    const bad = k.as.shadow.firstBad(a, length >>> 0);
    if (bad < 0) return a;
    const access = { address: a, size: length >>> 0, write: (flags & MEMORY_CHECK_WRITE) !== 0, pc: pc >>> 0 };
    return k.stacks.atWasmSp(callSites(), () => mmAccessFault(k, access, bad, { pushFrame: true, deferViolation: (flags & MEMORY_CHECK_BULK) === 0 }));
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(trampolineModule(CHECK_TYPE)), { dv: { f: check } });
  return instance.exports.f as Function;
}
const CHECK_TYPE: FuncType = { params: [0x7f, 0x7f, 0x7f, 0x7f], results: [0x7f] };

/** (module (import "dv" "backEdges" (func (param i32) (result i32))) (export "backEdges" (func 0))) */
const WATCHDOG_TRAMPOLINE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  0x02, 0x10, 0x01, 0x02, 0x64, 0x76, 0x09, 0x62, 0x61, 0x63, 0x6b, 0x45, 0x64, 0x67, 0x65, 0x73, 0x00, 0x00,
  0x07, 0x0d, 0x01, 0x09, 0x62, 0x61, 0x63, 0x6b, 0x45, 0x64, 0x67, 0x65, 0x73, 0x00, 0x00,
]);

/**
 * describeModule's answer (its DWARF read: the loader's largest cost) for the images loaded before, by path:
 * the fuzzer and the tests load one image into machine after machine. The bytes are compared, so an image
 * rebuilt in between is read again; the answer is read-only, shared by the machines.
 */
const described = new Map<string, { readonly bytes: Uint8Array; readonly info: WasmModuleInfo }>();
function describedModule(path: string, bytes: Uint8Array): WasmModuleInfo {
  const seen = described.get(path);
  if (seen && Buffer.from(seen.bytes.buffer, seen.bytes.byteOffset, seen.bytes.byteLength).equals(bytes)) return seen.info;
  const info = describeModule(bytes);
  described.set(path, { bytes, info });
  return info;
}

export const wasmImageFormat: ImageFormat = {
  extensions: ['.wasm'],
  async load(k: Kernel, req: MapRequest): Promise<LoadedImage> {
    const path = resolve(req.path);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (e) {
      throw new SimulatorError(`cannot read driver ${req.path}: ${(e as Error).message}`);
    }
    let info: WasmModuleInfo;
    let module: WebAssembly.Module;
    try {
      info = describedModule(path, bytes);
      module = new WebAssembly.Module(bytes);
    } catch (e) {
      throw new SimulatorError(`${req.path} is not a valid driver module: ${(e as Error).message}`);
    }
    if (!info.dylink) throw new SimulatorError(`${req.path} is not a relocatable driver module (no dylink.0 section): build it with dv build`);

    const imports = WebAssembly.Module.imports(module);
    // GOT.mem.<name>: the address of a variable; only the data ntoskrnl exports can be one.
    const data = imports.filter((i) => i.module === 'GOT.mem' && i.kind === 'global').map((i) => i.name);
    const foreign = imports.filter(
      (i) =>
        !(i.module === 'ntoskrnl' || i.module === 'GOT.mem' || i.module === 'GOT.func' || (i.module === 'env' && ENV_IMPORTS.has(i.name)) || isSjljImport(i.module, i.name, i.kind) || isKasanImport(i.module, i.name, i.kind) || (i.kind === 'function' && req.isLibrary(i.module))),
    );
    if (foreign.length > 0) throw new SimulatorError(`${req.path} imports ${foreign.map((i) => `${i.module}.${i.name}`).join(', ')}: a driver may import only ntoskrnl routines`);
    // Routines imported from library images (Wdf01000), by module; the variables ntoskrnl does not export may be theirs.
    const libraryImports = new Map<string, string[]>();
    for (const i of imports) if (i.kind === 'function' && req.isLibrary(i.module)) libraryImports.set(i.module, [...(libraryImports.get(i.module) ?? []), i.name]);
    const unknownData = data.filter((n) => !isExportedData(n));
    if (unknownData.length > 0 && libraryImports.size === 0) throw new UnresolvedImportError(`${req.name}.sys`, unknownData.join(', '));
    // DDIs called directly, and those whose address is taken (a function with __try calls through pointers).
    const pointerNames = imports.filter((i) => i.module === 'GOT.func').map((i) => i.name);
    const ddiNames = [...new Set([...imports.filter((i) => i.module === 'ntoskrnl').map((i) => i.name), ...pointerNames.filter((n) => n in k.ddi)])];
    const unknownPointers = pointerNames.filter((n) => !(n in k.ddi) && !isSjljImport('env', n, 'function') && !isKasanImport('env', n, 'function'));
    if (unknownPointers.length > 0) throw new SimulatorError(`${req.path} takes the address of ${unknownPointers.join(', ')}, defined nowhere: a driver may import only ntoskrnl routines`);
    const missing = ddiNames.filter((n) => !(n in k.ddi));
    if (missing.length > 0) throw new UnresolvedImportError(`${req.name}.sys`, missing.join(', '));
    if (!WebAssembly.Module.exports(module).some((e) => e.name === 'DriverEntry' && e.kind === 'function')) {
      throw new SimulatorError(`${req.path} does not export DriverEntry`);
    }
    // WPP message formats (dv build's .tmh files put them in a custom section): the trace session formats with them.
    const tmfs = WebAssembly.Module.customSections(module, TMF_SECTION).flatMap((s) => decodeTmfSection(new Uint8Array(s)));
    if (tmfs.length > 0) traceSession(k).addFormats(tmfs);

    // Image layout: headers, the Code section's bytes (for symbols; wasm code does not run from
    // memory), then the data and bss at __memory_base.
    const codeSize = Math.ceil(Math.max(info.code.size, 1) / PAGE_SIZE) * PAGE_SIZE;
    const dataSize = Math.ceil(Math.max(info.dylink.memorySize, 1) / PAGE_SIZE) * PAGE_SIZE;
    const size = CODE_RVA + codeSize + dataSize;
    const base = req.reserve(size);
    const codeBase = base + CODE_RVA;
    const dataBase = codeBase + codeSize;
    k.as.setPages(base, size / PAGE_SIZE, PageKind.Image);
    k.as.zero(base, size);
    k.as.write(codeBase, bytes.subarray(info.code.offset, info.code.offset + info.code.size));
    // A --kasan image (kasan.ts) starts with clean ASan shadow: an image that unloaded from here may have left poison.
    const kasan = isKasanImage(imports);
    if (kasan) kasanUnpoison(k.as, base, size);

    const symbols = {
      functions: info.symbols.functions.map((f) => ({ ...f, start: codeBase + f.start })),
      files: info.symbols.files,
      lines: info.symbols.lines.map((r) => ({ ...r, address: codeBase + r.address })),
      ...(info.symbols.inlines ? { inlines: info.symbols.inlines.map((i) => ({ ...i, start: codeBase + i.start, end: codeBase + i.end, entry: codeBase + i.entry })) } : {}),
    };
    // Parameters and locals (dv), read from DWARF the first time a dump or the debugger asks.
    let locals: LocalsData | undefined | null = null;
    Object.defineProperty(symbols, 'locals', {
      enumerable: true,
      get: () => {
        if (locals === null) {
          const relative = wasmLocals(bytes);
          locals = relative && relocateLocals(relative, codeBase, dataBase);
        }
        return locals;
      },
    });
    const moduleInfo: ModuleInfo = { name: req.name, imageName: `${req.name}.sys`, base, size, path, symbols, ...(kasan ? { kasan } : {}) };
    const image: LoadedImage = { module: moduleInfo, imports: ddiNames, entryPoint: 0, driverObject: 0 };
    req.publish(moduleInfo);

    // Each slot of a driver's table holds one of its own functions: more slots than functions is a
    // damaged or hostile image, refused before the machine-wide table grows for it.
    if (info.dylink.tableSize > info.functionOffsets.size) {
      throw new SimulatorError(`${req.path}: dylink.0 asks for ${info.dylink.tableSize} function table slots, but the module defines only ${info.functionOffsets.size} functions`);
    }
    const m = machineOf(k);
    const tableBase = m.table.length;
    // The image's functions, then a slot for its back-edge probes' call into the watchdog, and one
    // for its memory checks' call into the kernel.
    const watchdogSlot = tableBase + info.dylink.tableSize;
    const checkSlot = watchdogSlot + 1;
    m.table.grow(info.dylink.tableSize + (req.checkMemory ? 2 : 1));
    // The image's call-site counter (the rewrite's export): set once the instance exists.
    let callSp: WebAssembly.Global | undefined;
    m.table.set(watchdogSlot, watchdogEntry(k, () => callSp!.value as number));
    // A name of its own in the name section: V8 calls the module's script wasm://wasm/<name>-<hash>.
    const moduleName = `dv${++images}`;
    const script = `wasm://wasm/${moduleName}-`;
    let rewritten: RewrittenModule;
    // An image whose system threads block is transformed so a waiting thread's stack can unwind
    // (asyncify.ts). Code binaryen cannot take loads as it is, its waits running other work on top of
    // them; the debugger output says so, since a run that then hangs should not leave the user guessing.
    let asyncified: ReturnType<typeof asyncifyModule> | undefined;
    try {
      if (needsAsyncify(ddiNames)) asyncified = asyncifyModule(bytes);
    } catch (e) {
      asyncified = undefined;
      k.debugPrint(`dv: ${req.name}.sys: its system threads' waits cannot unwind and will nest (${e instanceof Error ? e.message : String(e)})`);
    }
    const blocking = asyncified !== undefined;
    try {
      rewritten = rewriteModule(asyncified?.bytes ?? bytes, {
        originOf: asyncified?.toOriginal,
        watchdogSlot,
        codeBase,
        quantum: BACK_EDGE_QUANTUM,
        callSites: { ...WASM_CALL_SITE_RING, frameBases: WASM_FRAME_BASE_RING.base },
        moduleName,
        pureVirtualFunction: info.pureVirtualFunction,
        memoryChecks: req.checkMemory ? { slot: checkSlot, shadowBase: k.as.shadow.activeBase, movableShadow: k.as.shadow.trimming } : undefined,
        coverage: req.coverageCounters !== undefined,
        comparisons: req.comparisonRing !== undefined,
      });
      module = new WebAssembly.Module(rewritten.bytes);
    } catch (e) {
      throw new SimulatorError(`${req.path}: cannot instrument the driver's code: ${(e as Error).message}`);
    }
    /** A kernel routine as this image calls it: its stack pointer and call sites made known first. */
    const fromDriver = (f: (...a: unknown[]) => unknown) => (...a: unknown[]) => {
      const outer = k.driverStackPointer;
      const mine = callSp!.value as number;
      k.driverStackPointer = (m.stackPointer.value as number) >>> 0;
      k.stacks.wasmSp = mine;
      try {
        k.exceptions.deliverPending();
        return f(...a);
      } finally {
        k.driverStackPointer = outer;
        // A nested entry into this image may have unwound by a trap: its frames are gone.
        callSp!.value = mine;
      }
    };
    // A driver that looks routines up by name may call any of them: bind them all (the verifier's thunks included).
    const looksUp = ddiNames.includes('MmGetSystemRoutineAddress');
    const table = req.bind(looksUp ? { ...image, imports: Object.keys(k.ddi) } : image, k.ddi);
    const ntoskrnl: Record<string, unknown> = {};
    for (const name of ddiNames) ntoskrnl[name] = adaptImport(name, table[name]!, k.as);
    // The library images' routines and variables this image imports (library.ts): bound as DDIs are.
    const libraries: Record<string, Record<string, unknown>> = {};
    const libraryData: Record<string, number> = {};
    for (const [module, names] of libraryImports) {
      const binding = await req.bindLibrary(module, image, names, unknownData);
      const routines: Record<string, unknown> = {};
      for (const name of names) routines[name] = fromDriver(adaptImport(name, binding.routines[name]!, k.as));
      libraries[module] = routines;
      Object.assign(libraryData, binding.data);
    }
    const unboundData = unknownData.filter((n) => libraryData[n] === undefined);
    if (unboundData.length > 0) throw new UnresolvedImportError(`${req.name}.sys`, unboundData.join(', '));
    /** The function types this image's call_indirect instructions name (read once, when first needed). */
    let callTypes: FuncType[] | undefined;
    /**
     * A kernel routine as a slot of the machine's table, so this image can call it through a pointer
     * (call_indirect) and hand it to the kernel: a host function enters a table only as a wasm one.
     */
    const routineSlot = (type: FuncType, host: (...a: unknown[]) => unknown, address: number): number => {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(trampolineModule(type)), { dv: { f: host } });
      const slot = m.table.length;
      m.table.grow(1);
      m.table.set(slot, instance.exports.f as Function);
      k.registerRoutine(slot, ((...x: unknown[]) => host(...x)) as never, 'nt', address);
      return slot;
    };
    /** A DDI's slot, typed as the driver's own indirect calls with its parameters are. */
    const ddiSlot = (name: string, host: (...a: unknown[]) => unknown): number =>
      routineSlot(chooseType(abiParams(name, (k.ddi as unknown as Record<string, Function>)[name]!.length), (callTypes ??= indirectCallTypes(bytes))), host, k.nt.address(name));
    if (looksUp) {
      // The kernel answers with the routine's nt code address; this image calls pointers through its table.
      const lookup = ntoskrnl.MmGetSystemRoutineAddress as (...a: unknown[]) => unknown;
      const slots = new Map<number, number>();
      ntoskrnl.MmGetSystemRoutineAddress = (...a: unknown[]) => {
        const address = lookup(...a) as number;
        const name = systemRoutineAt(k, address);
        if (name === undefined) return address;
        let slot = slots.get(address);
        if (slot === undefined) {
          slot = ddiSlot(name, fromDriver(adaptImport(name, table[name]!, k.as)));
          slots.set(address, slot);
        }
        return slot;
      };
    }

    // A DMA adapter's operations are called through its table: entries this image can call_indirect.
    if (ddiNames.includes('IoGetDmaAdapter')) {
      const get = ntoskrnl.IoGetDmaAdapter as (...a: unknown[]) => unknown;
      const bind = dmaTableBinder(k, (type, host, address) => routineSlot(type, fromDriver(host), address));
      ntoskrnl.IoGetDmaAdapter = (...a: unknown[]) => {
        const adapter = get(...a) as number;
        if (adapter) bind(adapter);
        return adapter;
      };
    }

    // Each call also tells the kernel where the driver's stack pointer is (the verifier checks it),
    // and where its call sites reach (the innermost is this call's).
    for (const name of ddiNames) ntoskrnl[name] = fromDriver(ntoskrnl[name] as (...a: unknown[]) => unknown);
    // A blocking DDI called by a transformed image: a rewind ends as it reaches it, and its wait may unwind.
    let exportsOf: Record<string, unknown> = {};
    const stackSwitch = blocking ? imageStackSwitch(k, () => exportsOf, script) : undefined;
    if (stackSwitch) {
      for (const name of BLOCKING_IMPORTS) {
        const ddi = ntoskrnl[name] as ((...a: unknown[]) => unknown) | undefined;
        if (!ddi) continue;
        // Named so the stack switch can find it in a host stack: called straight from wasm, or not.
        ntoskrnl[name] = {
          [BLOCKING_CALL_FRAME](...a: unknown[]) {
            stackSwitch.calling();
            const outer = k.stackSwitch;
            k.stackSwitch = stackSwitch;
            try {
              return ddi(...a);
            } finally {
              k.stackSwitch = outer;
            }
          },
        }[BLOCKING_CALL_FRAME];
      }
    }
    // A host frame of this module (a trap's) -> its code address.
    k.stacks.addResolver((site) => {
      if (!site.getScriptNameOrSourceURL()?.startsWith(script)) return undefined;
      const offset = rewritten.toOriginal(site.getPosition());
      return offset === undefined ? undefined : codeBase + offset;
    });

    // setjmp/longjmp for __try (sjlj.ts): the runtime's env functions and invoke_<sig>.
    const sjlj: SjljContext = {
      k,
      table: m.table,
      stackPointer: m.stackPointer,
      callSites: () => callSp!,
      setThrew: () => exportsOf.setThrew as (threw: number, value: number) => void,
      // Frames an exception or longjmp unwound never unpoisoned their ASan shadow.
      onUnwind: kasan ? (deepest, sp) => kasanUnpoison(k.as, deepest, sp - deepest) : undefined,
    };
    const env = { ...sjljImports(sjlj, imports, req.path), ...(kasan ? kasanImports({ k, stackPointer: m.stackPointer, callSites: () => callSp!.value as number }, imports) : {}) };
    // GOT.func.<name>: the table slot of a routine whose address the image takes (a function with a
    // __try calls every routine through invoke_<sig> and its address).
    const got: Record<string, WebAssembly.Global> = {};
    for (const name of pointerNames) {
      const runtime = sjljEnvType(name) ?? kasanEnvType(name);
      const slot = runtime
        ? routineSlot(runtime, env[name] as (...a: unknown[]) => unknown, 0)
        : ddiSlot(name, ntoskrnl[name] as (...a: unknown[]) => unknown);
      got[name] = new WebAssembly.Global({ value: 'i32', mutable: true }, slot);
    }

    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(module, {
        'GOT.func': got,
        env: {
          ...env,
          memory: k.as.memory,
          __indirect_function_table: m.table,
          __memory_base: new WebAssembly.Global({ value: 'i32', mutable: false }, dataBase),
          __table_base: new WebAssembly.Global({ value: 'i32', mutable: false }, tableBase),
          __stack_pointer: m.stackPointer,
        },
        ntoskrnl: ntoskrnl as WebAssembly.ModuleImports,
        ...(libraries as Record<string, WebAssembly.ModuleImports>),
        'GOT.mem': Object.fromEntries(data.map((n) => [n, new WebAssembly.Global({ value: 'i32', mutable: true }, libraryData[n] ?? exportedData(k).address(n as never))])),
      });
    } catch (e) {
      throw new SimulatorError(`cannot instantiate ${req.path}: ${(e as Error).message}`);
    }
    m.instances.push(instance);
    const exports = instance.exports as Record<string, unknown>;
    exportsOf = exports;
    callSp = exports[CALL_SP_EXPORT] as WebAssembly.Global;
    if (req.checkMemory) m.table.set(checkSlot, memoryCheckEntry(k, () => callSp!.value as number, kasan));
    if (req.checkMemory && k.as.shadow.trimming) {
      // Force IRQL checking: the checks read the trimmed shadow while IRQL is raised.
      const shadowBase = exports[SHADOW_BASE_EXPORT] as WebAssembly.Global;
      shadowBase.value = k.as.shadow.activeBase;
      k.as.shadow.onActiveChange((base) => (shadowBase.value = base));
    }
    if (req.coverageCounters) (exports[COVERAGE_BASE_EXPORT] as WebAssembly.Global).value = req.coverageCounters(moduleInfo, rewritten.coverageSites);
    if (req.comparisonRing) (exports[COMPARISON_BASE_EXPORT] as WebAssembly.Global).value = req.comparisonRing(moduleInfo);
    /** Enter the image from the kernel: on its stack, its call sites above the kernel's current top. */
    const enter = <T>(body: () => T): T => {
      const entry = k.stacks.wasmSp;
      callSp!.value = entry;
      try {
        const result = onCurrentStack(k, m, body);
        // An access violation still waiting for a call is raised as the driver returns to the kernel.
        k.exceptions.deliverPending();
        return result;
      } finally {
        k.stacks.wasmSp = entry;
      }
    };
    const run = (f: unknown) => {
      if (typeof f === 'function') enter(() => (f as () => void)());
    };
    run(exports.__wasm_apply_data_relocs);

    // Function pointers of this image are table indices; each becomes a routine the kernel can call.
    const addressOfFunction = (fn: unknown): number => {
      const index = Number((fn as { name?: string }).name);
      const f = Number.isInteger(index) ? info.functionOffsets.get(index) : undefined;
      return f === undefined ? 0 : codeBase + f;
    };
    const callable = (fn: (...a: unknown[]) => unknown) => (...args: unknown[]) =>
      enter(() => {
        const r = fn(...args.map((a) => (typeof a === 'number' ? a | 0 : a)));
        stackSwitch?.returned();
        return typeof r === 'number' ? r >>> 0 : r;
      });
    for (let i = tableBase; i < tableBase + info.dylink.tableSize; i++) {
      const fn = m.table.get(i) as ((...a: unknown[]) => unknown) | null;
      if (fn) k.registerRoutine(i, callable(fn) as never, req.name, addressOfFunction(fn));
      // The vtables' pure slot: the rewritten call_indirects compare their target with it.
      if (fn && info.pureVirtualFunction !== undefined && Number((fn as { name?: string }).name) === info.pureVirtualFunction) {
        (exports[PURE_SLOT_EXPORT] as WebAssembly.Global).value = i;
      }
    }
    const entry = exports.DriverEntry as (...a: unknown[]) => unknown;
    image.entryPoint = addressOfFunction(entry);
    if (image.entryPoint === 0) throw new SimulatorError(`${req.path}: DriverEntry has no code offset (missing name section?)`);
    // Static constructors run in driver code just before DriverEntry, as the CRT's entry point runs
    // them: a fault in one is the driver's bug check at load, like a fault in DriverEntry.
    const ctors = exports.__wasm_call_ctors;
    const start = typeof ctors === 'function' ? (...a: unknown[]) => ((ctors as () => void)(), entry(...a)) : entry;
    k.registerRoutine(image.entryPoint, callable(start) as never, req.name);
    // Global destructors and atexit routines run at unload, after DriverUnload (the runtime's list).
    const finalize = exports[FINALIZE_EXPORT];
    if (typeof finalize === 'function') {
      image.finalizeRoutine = addressOfFunction(finalize);
      k.registerRoutine(image.finalizeRoutine, callable(finalize as (...a: unknown[]) => unknown) as never, req.name);
    }
    return image;
  },
};
