/**
 * What the kernel tells the world. Anyone (the verifier, a tracer, a test) may listen; the kernel
 * never knows who does.
 */
export interface KernelEventMap {
  /** DriverEntry returned success; the image stays loaded. */
  driverLoaded: { driverObject: number; name: string };
  /** The driver's unload routine returned, or its DriverEntry failed; its image is still mapped. Listeners may bug check. */
  driverUnloaded: { driverObject: number; name: string; imageBase: number; imageSize: number };
  /** The image is gone. */
  imageUnmapped: { name: string };
  /** System shutdown began, on its worker thread, before any subsystem goes down. */
  shutdownStarted: { thread: number; time: number };
  /** Every subsystem is down: the machine is off. */
  shutdownCompleted: { thread: number; time: number };
  bugCheck: { code: number; params: readonly number[] };
  /**
   * The kernel is about to free a pool block a driver allocated and handed over (a PnP answer: device
   * relations, IDs, text, bus information, resource lists), as Windows' PnP manager frees them: whoever
   * tracks the driver's allocations stops tracking it.
   */
  driverPoolFreedByKernel: { address: number };
  // I/O: what IovCallDriver/IovCompleteRequest see on Windows. A driver's dispatch and completion
  // routines are not imports, so the I/O manager says when it calls them (src/kernel/io/iomgr.ts).
  /** IofCallDriver is about to call `routine` (code address) with the IRP at stack location `location`. */
  irpDispatch: { device: number; irp: number; routine: number; location: number; irql: number };
  /** The dispatch routine returned `status`; `irql` is the IRQL it was called at (k.irql is the one it returned at). */
  irpDispatched: { device: number; irp: number; routine: number; location: number; status: number; irql: number };
  /** IofCompleteRequest begins completing the IRP (current stack location `location`, IoStatus.Status `status`). */
  irpCompleting: { irp: number; location: number; status: number };
  /** A completion routine returned `status`; `location` is its own (upper) stack location, `irql` the IRQL it was called at. */
  irpCompletionRoutineReturned: { irp: number; routine: number; location: number; status: number; irql: number; last: boolean };
}

type Listener<T> = (event: T) => void;

export class KernelEvents {
  private readonly listeners = new Map<keyof KernelEventMap, Listener<never>[]>();

  on<K extends keyof KernelEventMap>(name: K, listener: Listener<KernelEventMap[K]>): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as Listener<never>);
    this.listeners.set(name, list);
  }

  /** True if anyone listens for `name`: a hot path skips building an event no one reads. */
  listening(name: keyof KernelEventMap): boolean {
    return this.listeners.has(name);
  }

  emit<K extends keyof KernelEventMap>(name: K, event: KernelEventMap[K]): void {
    for (const l of this.listeners.get(name) ?? []) (l as Listener<KernelEventMap[K]>)(event);
  }
}
