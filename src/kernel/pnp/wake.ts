/**
 * The bus end of IRP_MN_WAIT_WAKE for the root bus's PDOs. A root-enumerated device cannot wake on
 * Windows; here a devnode created with `wake` (DeviceNode.wakeCapable: `dv run --wake`, the tests)
 * stands for a device whose bus wires its wake signal: its capabilities say SystemWake S3 and
 * DeviceWake D3, and its PDO keeps the WAIT_WAKE a power policy owner sends until the device signals
 * wake (`signal`: the test's or the run's "wake by device") or the sender cancels it. The rules are the
 * IRP's (reference 6.3, irp-mn-wait-wake): one WAIT_WAKE per PDO (another: STATUS_DEVICE_BUSY), a
 * system state deeper than SystemWake is STATUS_INVALID_DEVICE_STATE, a device that cannot wake gets
 * the status the IRP came with (STATUS_NOT_SUPPORTED), a canceled one STATUS_CANCELLED.
 */
import { IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { SL } from '../../nt/io.ts';
import { IRP_MN_POWER, SYSTEM_POWER_STATE } from '../../nt/power.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import type { DeviceNode } from './devnode.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;

/** The deepest system state a wake-capable root device wakes the machine from, and its device state then. */
export const ROOT_WAKE = { systemWake: SYSTEM_POWER_STATE.PowerSystemSleeping3, deviceWake: 4 /* PowerDeviceD3 */ } as const;

/** The nt routine the root bus cancels a pending WAIT_WAKE with. */
export const WAIT_WAKE_CANCEL = 'PipWaitWakeCancel';

export class RootWaitWake {
  /** The WAIT_WAKE each PDO holds. */
  private readonly pending = new Map<number, number>();
  private readonly cancelRoutine: number;

  constructor(
    private readonly k: Kernel,
    private readonly nodeOf: (pdo: number) => DeviceNode | undefined,
  ) {
    k.nt.addRoutines([WAIT_WAKE_CANCEL]);
    this.cancelRoutine = k.nt.address(WAIT_WAKE_CANCEL);
    k.registerRoutine(
      this.cancelRoutine,
      ((device: number, irp: number) => {
        k.ddi.IoReleaseCancelSpinLock(k.as.u8((irp >>> 0) + I.CancelIrql));
        if (this.pending.get(device >>> 0) === irp >>> 0) this.pending.delete(device >>> 0);
        this.complete(irp >>> 0, STATUS.CANCELLED);
      }) as never,
      'nt',
    );
  }

  /** IRP_MN_WAIT_WAKE at `pdo`: pended (STATUS_PENDING) or completed at once with the reason. */
  dispatch(pdo: number, irp: number): number {
    const as = this.k.as;
    const sp = this.k.io.currentStackLocation(irp);
    const node = this.nodeOf(pdo);
    if (!node?.wakeCapable) return this.complete(irp, as.u32(irp + I['IoStatus.Status']));
    if (as.u8(irp + I.Cancel) !== 0) return this.complete(irp, STATUS.CANCELLED);
    if (this.pending.has(pdo)) return this.complete(irp, STATUS.DEVICE_BUSY);
    if (as.u32(sp + S['Parameters.WaitWake.PowerState']) > ROOT_WAKE.systemWake) return this.complete(irp, STATUS.INVALID_DEVICE_STATE);
    this.pending.set(pdo, irp);
    as.setU32(irp + I.CancelRoutine, this.cancelRoutine);
    as.setU8(sp + S.Control, as.u8(sp + S.Control) | SL.PENDING_RETURNED);
    return STATUS.PENDING;
  }

  /** The WAIT_WAKE `pdo` holds, if any. */
  waiting(pdo: number): number | undefined {
    return this.pending.get(pdo);
  }

  /**
   * The device signals wake: its pending WAIT_WAKE completes with STATUS_SUCCESS. False when none is
   * pending (the device was not armed, or a cancel already has the IRP).
   */
  signal(pdo: number): boolean {
    const irp = this.pending.get(pdo);
    if (irp === undefined) return false;
    this.pending.delete(pdo);
    if (this.k.as.u32(irp + I.CancelRoutine) === 0) return false;
    this.k.as.setU32(irp + I.CancelRoutine, 0);
    this.complete(irp, STATUS.SUCCESS);
    return true;
  }

  private complete(irp: number, status: number): number {
    this.k.as.setU32(irp + I['IoStatus.Status'], status >>> 0);
    this.k.io.completeRequest(irp);
    return status;
  }
}

/** True if `minor` is the IRP this file handles. */
export const isWaitWake = (minor: number): boolean => minor === IRP_MN_POWER.WAIT_WAKE;
