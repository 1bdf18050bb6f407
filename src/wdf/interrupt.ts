/**
 * WDFINTERRUPT: created in EvtDriverDeviceAdd (or EvtDevicePrepareHardware), bound at each start to
 * the device's translated interrupt resource, connected (IoConnectInterrupt with its vector, level
 * and mode) when the device enters D0 and disconnected when it leaves: EvtInterruptEnable after
 * D0Entry, before D0EntryPostInterruptsEnabled; EvtInterruptDisable after
 * D0ExitPreInterruptsDisabled, before D0Exit (reference §4). The framework's ISR calls
 * EvtInterruptIsr(Interrupt, MessageID 0) at DIRQL; WdfInterruptQueueDpcForIsr queues the
 * framework's DPC, which calls EvtInterruptDpc(Interrupt, Device) at DISPATCH_LEVEL.
 */
import { CM_PARTIAL_RESOURCE_DESCRIPTOR } from '../nt/layout.ts';
import { CM_RESOURCE_FLAG, CM_RESOURCE_TYPE } from '../nt/resources.ts';
import { STATUS, NT_SUCCESS } from '../nt/status.ts';
import { FX_TYPE, WDF_TRI_STATE } from '../nt/wdf.ts';
import { WDF_INTERRUPT_CONFIG } from '../nt/wdf-pnp.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxKeTimer, fxRoutine } from './ke.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';
import type { FxCmResList } from './pnp/resources.ts';
import { effectiveLock, type FxCallbackLock } from './callback-lock.ts';

const C = WDF_INTERRUPT_CONFIG.off;
const D = CM_PARTIAL_RESOURCE_DESCRIPTOR.off;
/** The KINTERRUPT pointer IoConnectInterrupt writes. */
const POINTER = 4;

export class FxInterrupt extends FxObject {
  /** The translated CM_PARTIAL_RESOURCE_DESCRIPTOR it is bound to at the start (0: none). */
  descriptor = 0;
  /** The PKINTERRUPT while connected. */
  kinterrupt = 0;
  private readonly cell: number;
  readonly dpc: FxKeTimer;
  /** The callback lock EvtInterruptDpc runs under (AutomaticSerialization with a device or queue scope; callback-lock.ts). */
  dpcLock: FxCallbackLock | undefined;

  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    readonly device: FxDevice,
    readonly isr: number,
    readonly dpcRoutine: number,
    readonly enable: number,
    readonly disable: number,
    readonly shareVector: number,
  ) {
    super(fx, g, attributes, device, FX_TYPE.Interrupt);
    this.cell = fx.allocate(POINTER, g.tag);
    this.dpc = new FxKeTimer(fx, g.tag, () => {
      const routine = this.dpcRoutine;
      if (!routine) return;
      const call = () => fx.invoke(routine, [this.handle, this.device.handle], ['FxInterrupt::_InterruptDpcThunk']);
      if (this.dpcLock) this.dpcLock.run(call);
      else call();
    });
  }

  /** The framework owns it: deleted with the device. */
  override get driverMayDelete(): boolean {
    return false;
  }

  /** At the start: the first interrupt resource of the translated list. */
  bind(translated: FxCmResList): void {
    this.descriptor = 0;
    for (let i = 0; i < translated.count; i++) {
      const d = translated.descriptor(i);
      if (this.fx.k.as.u8(d + D.Type) === CM_RESOURCE_TYPE.CmResourceTypeInterrupt) {
        this.descriptor = d;
        return;
      }
    }
  }

  /** Entering D0: connect, then EvtInterruptEnable. */
  connect(): number {
    const fx = this.fx;
    const as = fx.k.as;
    if (this.descriptor === 0) return STATUS.SUCCESS;
    const d = this.descriptor;
    const level = as.u16(d + D['u.Interrupt.Level']);
    const latched = (as.u16(d + D.Flags) & CM_RESOURCE_FLAG.CM_RESOURCE_INTERRUPT_LATCHED) !== 0;
    const share = this.shareVector === WDF_TRI_STATE.UseDefault ? !latched : this.shareVector === WDF_TRI_STATE.True;
    const isr = fxRoutine(fx, 'FxInterrupt::_InterruptThunk', (_kinterrupt, context) => {
      const i = fx.handles.get(context);
      return i instanceof FxInterrupt ? ((fx.invoke(i.isr, [i.handle, 0], []) as number) & 0xff ? 1 : 0) : 0;
    });
    const status = fx.k.ddi.IoConnectInterrupt(this.cell, isr, this.handle, 0, as.u32(d + D['u.Interrupt.Vector']), level, level, latched ? 1 : 0, share ? 1 : 0, as.u32(d + D['u.Interrupt.Affinity']) || 1, 0) >>> 0;
    if (!NT_SUCCESS(status)) return status;
    this.kinterrupt = as.u32(this.cell);
    return this.enable ? ((fx.invoke(this.enable, [this.handle, this.device.handle], []) as number) >>> 0) : STATUS.SUCCESS;
  }

  /** Leaving D0: EvtInterruptDisable, then disconnect. */
  disconnect(): void {
    if (this.kinterrupt === 0) return;
    if (this.disable) this.fx.invoke(this.disable, [this.handle, this.device.handle], []);
    this.fx.k.ddi.IoDisconnectInterrupt(this.kinterrupt);
    this.kinterrupt = 0;
  }

  protected override dispose(): void {
    this.disconnect();
    this.dpc.cancel();
  }

  protected override destroyed(): void {
    this.dpc.free();
    this.fx.free(this.cell, this.globals.tag);
  }
}

/** The device's interrupts. */
export function interruptsOf(fx: Framework, device: FxDevice): FxInterrupt[] {
  return device.children.filter((o): o is FxInterrupt => o instanceof FxInterrupt);
}

export function interruptExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  const interruptOf = (g: FxDriverGlobals, h: number) => fx.object<FxInterrupt>(g, h, FX_TYPE.Interrupt);

  return {
    WdfInterruptCreate(g, Device: number, Configuration: number, Attributes: number, Interrupt: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, Configuration);
      fx.require(g, Interrupt);
      as.setU32(Interrupt, 0);
      if (as.u32(Configuration + C.Size) !== WDF_INTERRUPT_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
      const isr = as.u32(Configuration + C.EvtInterruptIsr);
      fx.require(g, isr);
      // Control devices have no resources, so no interrupts.
      if (!device.pnp) return STATUS.INVALID_DEVICE_REQUEST;
      const attributes = readAttributes(fx, Attributes, { parentNotAllowed: true });
      if (typeof attributes === 'number') return attributes;
      const dpcLock = effectiveLock(fx, g, device, as.u8(Configuration + C.AutomaticSerialization) !== 0, false, 'FxInterrupt');
      if (typeof dpcLock === 'number') return dpcLock;
      const i = new FxInterrupt(
        fx,
        g,
        attributes,
        device,
        isr,
        as.u32(Configuration + C.EvtInterruptDpc),
        as.u32(Configuration + C.EvtInterruptEnable),
        as.u32(Configuration + C.EvtInterruptDisable),
        as.u32(Configuration + C.ShareVector),
      );
      i.dpcLock = dpcLock;
      as.setU32(Interrupt, i.handle);
      return STATUS.SUCCESS;
    },

    WdfInterruptQueueDpcForIsr(g, Interrupt: number) {
      const i = interruptOf(g, Interrupt);
      return k.ddi.KeInsertQueueDpc(i.dpc.dpc, 0, 0) !== 0 ? 1 : 0;
    },

    WdfInterruptGetDevice(g, Interrupt: number) {
      return interruptOf(g, Interrupt).device.handle;
    },

    WdfInterruptSynchronize(g, Interrupt: number, Callback: number, Context: number) {
      const i = interruptOf(g, Interrupt);
      fx.require(g, Callback);
      if (i.kinterrupt === 0) return (fx.invoke(Callback, [i.handle, Context], []) as number) & 0xff ? 1 : 0;
      const thunk = fxRoutine(fx, 'FxInterrupt::_InterruptSynchronizeThunk', (context) => synchronizing.get(context)?.());
      const key = i.handle;
      synchronizing.set(key, () => ((fx.invoke(Callback, [i.handle, Context], []) as number) & 0xff ? 1 : 0));
      const r = k.ddi.KeSynchronizeExecution(i.kinterrupt, thunk, key);
      synchronizing.delete(key);
      return r ? 1 : 0;
    },

    WdfInterruptAcquireLock(g, Interrupt: number) {
      const i = interruptOf(g, Interrupt);
      if (i.kinterrupt !== 0) lockIrql.set(i, k.ddi.KeAcquireInterruptSpinLock(i.kinterrupt) >>> 0);
    },

    WdfInterruptReleaseLock(g, Interrupt: number) {
      const i = interruptOf(g, Interrupt);
      const old = lockIrql.get(i);
      if (i.kinterrupt !== 0 && old !== undefined) k.ddi.KeReleaseInterruptSpinLock(i.kinterrupt, old);
      lockIrql.delete(i);
    },
  };
}

const synchronizing = new Map<number, () => number>();
const lockIrql = new WeakMap<FxInterrupt, number>();
