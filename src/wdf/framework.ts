/**
 * The framework library (Wdf01000.sys): one per machine, loaded on the first driver that imports
 * from it. It binds each client driver's imports to its DDIs (each call runs under the
 * `Wdf01000!imp_<Name>` frame, knowing the client from the binding), keeps the handle table and
 * the per-driver globals, calls back into drivers, and raises 0x10D WDF_VIOLATION. It is built on
 * the kernel's DDIs (k.ddi): pool, device objects, IRP completion; the kernel knows nothing of it.
 */
import { ddiFault, SimulatorError } from '../kernel/errors.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { PAGE_SIZE, PageKind, VA_MAP } from '../kernel/mm/address-space.ts';
import type { ModuleInfo } from '../kernel/symbols.ts';
import { BUGCHECK } from '../nt/bugcheck.ts';
import { POOL_TYPE } from '../nt/pool.ts';
import { UNICODE_STRING } from '../nt/layout.ts';
import { FX_TYPE, FX_TYPE_HANDLE_NAME, WDF_BUGCHECK, WDF_LIBRARY_DATA, WDF_LIBRARY_MODULE, type FxTypeCode } from '../nt/wdf.ts';
import { wdfExports, type WdfDdi } from './ddi.ts';
import { ddiIrql, type Refusal } from './irql.ts';
import { verifierBreak } from './verifier.ts';
import { STATUS } from '../nt/status.ts';
import { FxDriverGlobals } from './globals.ts';
import { FRAME_OFFSET, WdfImage, type FxRoutine } from './image.ts';
import type { FxObject } from './object.ts';
import type { FxDevice } from './device.ts';
import type { FxFileObject } from './file.ts';
import type { FxRequest } from './request.ts';
import { registerFrameworkRoutines } from './dispatch.ts';
import { constraintsOf, type FxConstraints } from './callback-lock.ts';

const US = UNICODE_STRING.off;

/*
 * The loader's library interface (src/loader/library.ts), restated here structurally: the framework
 * imports only nt and kernel, and src/system hands the framework to the loader.
 */
/** Where the framework's image goes: image space, and its module made known. */
export interface FrameworkPlacement {
  readonly reserve: (size: number) => number;
  readonly publish: (module: ModuleInfo) => void;
}
/** A client driver's binding: its imports, the variables it imports, and the unbind when it goes. */
export interface FrameworkBinding {
  readonly routines: Record<string, (...args: never[]) => unknown>;
  readonly data: Readonly<Record<string, number>>;
  unbind(): void;
}

/** Settings the machine gives the framework (`dv run --wdf-verifier`, the registry's Parameters\Wdf). */
export interface FrameworkOptions {
  /** Is the framework's verifier on for this driver (by module name)? */
  readonly verifierOn?: (driver: string) => boolean;
}

export class Framework {
  readonly image: WdfImage;
  readonly ddis: Readonly<Record<string, WdfDdi>>;
  /** Live objects by handle. */
  readonly handles = new Map<number, FxObject>();
  /** Each context's address -> its object (WdfObjectContextGetObject). */
  readonly contextOwners = new Map<number, FxObject>();
  /** Framework devices by their DEVICE_OBJECT. */
  readonly devices = new Map<number, FxDevice>();
  /** Handles of requests completed under the framework's verifier (forgotten when an object takes the handle again). */
  readonly completedRequests = new Set<number>();
  /** Framework file objects by their FILE_OBJECT. */
  readonly fileObjects = new Map<number, FxFileObject>();
  /** Bound clients by DRIVER_OBJECT once WdfDriverCreate has run, and all of them. */
  readonly clients = new Set<FxDriverGlobals>();
  readonly byDriverObject = new Map<number, FxDriverGlobals>();
  /** The framework's routines drivers' objects and IRPs point at: its IRP dispatch, its unload, its cancel routine. */
  readonly routines: { readonly dispatch: number; readonly unload: number; readonly cancel: number };
  /** The framework's requests by their IRP (the cancel routine finds them so). */
  readonly requestsByIrp = new Map<number, FxRequest>();
  options: FrameworkOptions;

  constructor(
    readonly k: Kernel,
    placement: FrameworkPlacement,
    options: FrameworkOptions = {},
  ) {
    this.options = options;
    this.ddis = wdfExports(this);
    const names = Object.keys(this.ddis);
    const size = Math.ceil(WdfImage.size / PAGE_SIZE) * PAGE_SIZE;
    const base = placement.reserve(size);
    k.as.setPages(base, size / PAGE_SIZE, PageKind.Image);
    k.as.zero(base, size);
    this.image = new WdfImage(base, names);
    placement.publish(this.image.module);
    this.routines = registerFrameworkRoutines(this);
  }

  get module() {
    return this.image.module;
  }

  // ---- binding ----------------------------------------------------------------------------

  bind(client: { readonly module: Pick<ModuleInfo, 'name' | 'imageName'> }, routines: readonly string[], data: readonly string[]): FrameworkBinding {
    const missing = routines.filter((n) => !(n in this.ddis));
    if (missing.length > 0) throw new SimulatorError(`${client.module.imageName} imports ${missing.join(', ')} from ${WDF_LIBRARY_MODULE}, which the framework does not export`);
    const g = new FxDriverGlobals(this, client.module.name);
    const on = this.verifierDefault(client.module.name);
    g.setVerifier({ verifierOn: on, verifyOn: on, dbgBreakOnError: on });
    this.clients.add(g);
    const table: Record<string, (...args: never[]) => unknown> = {};
    for (const name of routines) {
      const ddi = this.ddis[name]!;
      const frame = this.image.address(`imp_${name}`, FRAME_OFFSET);
      const irql = ddiIrql(name);
      // As at the kernel's DDI boundary: a host exception out of the framework is ours, never the driver's.
      table[name] = ((...args: unknown[]) => {
        try {
          return this.k.stacks.frame(frame, () => {
            if (g.verifierOn && this.k.irql > irql.max) return this.wrongIrql(g, name, irql.max, irql.refusal);
            return ddi(g, ...(args as number[]));
          });
        } catch (e) {
          throw ddiFault(e, `${WDF_LIBRARY_MODULE}!${name}`);
        }
      }) as never;
    }
    const bound: Record<string, number> = {};
    for (const name of data) if ((WDF_LIBRARY_DATA as readonly string[]).includes(name)) bound[name] = g.cell;
    return { routines: table, data: bound, unbind: () => this.unbind(g) };
  }

  /** WdfVersionUnbind: the client's DriverEntry failed or it unloaded; whatever it left of its tree goes with it. */
  private unbind(g: FxDriverGlobals): void {
    this.frame('FxDriverEntryWorker', () => g.driver?.delete());
    for (const [d, c] of this.byDriverObject) if (c === g) this.byDriverObject.delete(d);
    this.clients.delete(g);
    g.release();
  }

  /** The framework verifier's state for a driver whose Parameters\\Wdf key says nothing. */
  verifierDefault(driver: string): boolean {
    return this.options.verifierOn?.(driver) ?? false;
  }

  // ---- running code -----------------------------------------------------------------------

  /** Run `body` under the frame of one of the framework's routines. */
  frame<T>(routine: FxRoutine, body: () => T): T {
    return this.k.stacks.frame(this.image.address(routine, FRAME_OFFSET), body);
  }

  /** Call a driver's callback from the framework, under its routines `frames` (outermost first). */
  invoke(routine: number, args: readonly unknown[], frames: readonly FxRoutine[]): unknown {
    const call = () => this.k.callRoutine(routine, args);
    return frames.length === 0 ? call() : this.k.stacks.frames(frames.map((f) => this.image.address(f, FRAME_OFFSET)), call);
  }

  /** A DDI called above its IRQL under the verifier: refused, recorded, and the verifier break. */
  private wrongIrql(g: FxDriverGlobals, name: string, max: number, refusal: Refusal): number | undefined {
    verifierBreak(this, g, name, `Called at wrong IRQL; at level ${this.k.irql}, should be at level ${max}`);
    return refusal === 'status' ? STATUS.INVALID_DEVICE_REQUEST : refusal === 'null' ? 0 : undefined;
  }

  // ---- checks -----------------------------------------------------------------------------

  /** KeBugCheckEx(WDF_VIOLATION, code, P2, P3, driver globals), charged to the client. */
  violation(g: FxDriverGlobals, code: number, p2: number, p3: number, _p4 = 0): never {
    g.record('FxVerifierBugCheckWorker', `WDF_VIOLATION 0x${code.toString(16)}, 0x${(p2 >>> 0).toString(16)}, 0x${(p3 >>> 0).toString(16)}, WdfDriverGlobals 0x${g.address.toString(16)}`);
    return this.frame('FxVerifierBugCheckWorker', () => this.k.bugCheck(BUGCHECK.WDF_VIOLATION, code, p2 >>> 0, p3 >>> 0, g.address, undefined, { module: g.name }));
  }

  /** A required pointer argument: NULL is 0x10D/0x4 with the caller's return address (no verifier needed). */
  require(g: FxDriverGlobals, pointer: number): void {
    if (pointer === 0) this.violation(g, WDF_BUGCHECK.REQUIRED_PARAMETER_IS_NULL, 0, this.driverCaller());
  }

  /** The innermost return address in driver code (neither nt's nor the framework's), or 0. */
  driverCaller(): number {
    const m = this.image.module;
    const stacks = this.k.stacks;
    if (!stacks.captureEnabled) return 0;
    return stacks.capture(this.driverCaller).find((pc) => !(pc >= m.base && pc < m.base + m.size) && !(pc >= VA_MAP.ntImage.start && pc < VA_MAP.ntImage.end)) ?? 0;
  }

  /**
   * The object a handle names, of one of `types` (any type if none given): a NULL, stale or
   * wrong-type handle is 0x10D/0x5 with the handle and the expected type code.
   */
  object<T extends FxObject>(g: FxDriverGlobals, handle: number, ...types: FxTypeCode[]): T {
    const o = this.handles.get(handle >>> 0);
    if (!o || (types.length > 0 && !types.includes(o.type))) this.violation(g, WDF_BUGCHECK.INVALID_HANDLE, handle, types[0] ?? FX_TYPE.Object);
    return o as T;
  }

  /** The handle type's name (WDFDEVICE...). */
  typeName(type: FxTypeCode): string {
    return FX_TYPE_HANDLE_NAME[type];
  }

  /** An object's execution level and synchronization scope with inheritance resolved (callback-lock.ts), for whoever reads the framework from outside: the dump. */
  constraints(o: FxObject): FxConstraints {
    return constraintsOf(o);
  }

  // ---- memory -----------------------------------------------------------------------------

  /** Nonpaged pool for the framework's objects, tagged as the driver's (its tag rules: globals.ts). */
  allocate(size: number, tag: number): number {
    const p = this.k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, size, tag) >>> 0;
    if (p === 0) throw new SimulatorError(`${WDF_LIBRARY_MODULE}: nonpaged pool exhausted`);
    return p;
  }

  tryAllocate(size: number, tag: number): number {
    return this.k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, size, tag) >>> 0;
  }

  free(address: number, tag: number): void {
    this.k.ddi.ExFreePoolWithTag(address, tag);
  }

  /** A UNICODE_STRING the framework owns (header and buffer in one block). */
  unicodeString(text: string, tag: number): number {
    const bytes = text.length * 2;
    const us = this.allocate(UNICODE_STRING.size + bytes + 2, tag);
    const buffer = us + UNICODE_STRING.size;
    this.k.as.writeUtf16(buffer, text);
    this.k.as.setU16(buffer + bytes, 0);
    this.k.as.setU16(us + US.Length, bytes);
    this.k.as.setU16(us + US.MaximumLength, bytes + 2);
    this.k.as.setU32(us + US.Buffer, buffer);
    return us;
  }

  /** The text of a driver's UNICODE_STRING. */
  readUnicodeString(us: number): string {
    const length = this.k.as.u16(us + US.Length);
    return this.k.as.utf16(this.k.as.u32(us + US.Buffer), length / 2);
  }
}

/** The library loader src/system registers under `Wdf01000`. */
export function frameworkLoader(options: FrameworkOptions = {}) {
  return async (k: Kernel, placement: FrameworkPlacement): Promise<Framework> => new Framework(k, placement, options);
}

export type { WdfDdi };
