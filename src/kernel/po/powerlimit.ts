/**
 * Power limit requests (PoCreatePowerLimitRequest and friends): a policy driver's handle on another
 * device's power limits. Creating one asks the target's stack for GUID_POWER_LIMIT_INTERFACE with a
 * synchronous IRP_MN_QUERY_INTERFACE, as the power manager does; the queries and updates then call
 * the interface's routines with its Context, and deleting the request dereferences the interface.
 * The request object is a pool block holding the interface the stack filled in.
 */
import { POOL_TYPE } from '../../nt/pool.ts';
import { IO_STACK_LOCATION, POWER_LIMIT_INTERFACE } from '../../nt/layout.ts';
import { IRP_MN_PNP } from '../../nt/pnp.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { sendPnpIrp } from '../pnp/irp.ts';
import { writeGuid } from '../pnp/interfaces.ts';
import { TAG } from '../tags.ts';

export const GUID_POWER_LIMIT_INTERFACE = '{3B96F4F2-CE49-44D1-91F8-652B8121E93A}';
const POWER_LIMIT_INTERFACE_VERSION = 1;

const L = POWER_LIMIT_INTERFACE.off;
const Q = IO_STACK_LOCATION.off;
/** The interface first, then the GUID the query named (the IRP points at it). */
const GUID_OFFSET = POWER_LIMIT_INTERFACE.size;
const BLOCK_SIZE = GUID_OFFSET + 16;

/** nt's frames on these calls' stacks, added on first use (so a machine that never uses them lays out nt as before). */
export const POWER_LIMIT_ROUTINES = ['PopPowerLimitQueryInterface', 'IopSynchronousCall', 'PopPowerLimitCall'] as const;

class PowerLimitRequests {
  /** Live requests: the block address is the handle. */
  readonly live = new Set<number>();
  constructor(private readonly k: Kernel) {
    k.nt.addRoutines(POWER_LIMIT_ROUTINES);
  }

  create(out: number, target: number, _policy: number, _reason: number): number {
    const k = this.k;
    if (out === 0 || target === 0) return STATUS.INVALID_PARAMETER;
    k.as.setU32(out, 0);
    const block = k.pool.allocate(POOL_TYPE.NonPagedPool, BLOCK_SIZE, TAG.PoLimit);
    if (block === 0) return STATUS.INSUFFICIENT_RESOURCES;
    k.as.zero(block, BLOCK_SIZE);
    writeGuid(k, block + GUID_OFFSET, GUID_POWER_LIMIT_INTERFACE);
    const result = k.withFrames(['PopPowerLimitQueryInterface'], () =>
      sendPnpIrp(k, target, IRP_MN_PNP.QUERY_INTERFACE, (sp) => {
        k.as.setU32(sp + Q['Parameters.QueryInterface.InterfaceType'], block + GUID_OFFSET);
        k.as.setU16(sp + Q['Parameters.QueryInterface.Size'], POWER_LIMIT_INTERFACE.size);
        k.as.setU16(sp + Q['Parameters.QueryInterface.Version'], POWER_LIMIT_INTERFACE_VERSION);
        k.as.setU32(sp + Q['Parameters.QueryInterface.Interface'], block);
      }),
    );
    if (!NT_SUCCESS(result.status)) {
      k.pool.free(block, TAG.PoLimit);
      return result.status;
    }
    this.live.add(block);
    k.as.setU32(out, block);
    return STATUS.SUCCESS;
  }

  delete(request: number): number {
    if (!this.live.delete(request)) return STATUS.INVALID_PARAMETER;
    const dereference = this.k.as.u32(request + L.InterfaceDereference);
    if (dereference !== 0) this.call(dereference, [this.context(request)]);
    this.k.pool.free(request, TAG.PoLimit);
    return STATUS.SUCCESS;
  }

  /** Call the interface's routine at `member` (STATUS_NOT_SUPPORTED when the device left it NULL). */
  invoke(request: number, member: 'QueryAttributes' | 'SetPowerLimit' | 'QueryPowerLimit', args: readonly number[]): number {
    if (!this.live.has(request)) return STATUS.INVALID_PARAMETER;
    const routine = this.k.as.u32(request + L[member]);
    if (routine === 0) return STATUS.NOT_SUPPORTED;
    return (this.call(routine, [this.context(request), ...args]) as number) >>> 0;
  }

  private context(request: number): number {
    return this.k.as.u32(request + L.Context);
  }

  private call(routine: number, args: readonly number[]): unknown {
    return this.k.callRoutine(routine, args, ['PopPowerLimitCall']);
  }
}

const tables = new WeakMap<Kernel, PowerLimitRequests>();

export function powerLimitRequests(k: Kernel): PowerLimitRequests {
  let t = tables.get(k);
  if (t === undefined) {
    t = new PowerLimitRequests(k);
    tables.set(k, t);
  }
  return t;
}

export function powerLimitExports(k: Kernel) {
  const requests = () => powerLimitRequests(k);
  return {
    /** PASSIVE_LEVEL. The target's stack must answer GUID_POWER_LIMIT_INTERFACE: its status otherwise (STATUS_NOT_SUPPORTED). */
    PoCreatePowerLimitRequest(PowerLimitRequest: number, TargetDeviceObject: number, PolicyDeviceObject: number, Context: number): number {
      return requests().create(PowerLimitRequest >>> 0, TargetDeviceObject >>> 0, PolicyDeviceObject >>> 0, Context >>> 0);
    },
    /** PASSIVE_LEVEL: the interface is dereferenced and the request freed. */
    PoDeletePowerLimitRequest(PowerLimitRequest: number): number {
      return requests().delete(PowerLimitRequest >>> 0);
    },
    /** PASSIVE_LEVEL. With BufferCount 0 and no Buffer, *AttributeCount says how many to allocate. */
    PoQueryPowerLimitAttributes(PowerLimitRequest: number, BufferCount: number, Buffer: number, AttributeCount: number): number {
      return requests().invoke(PowerLimitRequest >>> 0, 'QueryAttributes', [BufferCount >>> 0, Buffer >>> 0, AttributeCount >>> 0]);
    },
    /** PASSIVE_LEVEL. The device applies the values (POWER_LIMIT_VALUE_NO_CONTROL lifts one). */
    PoSetPowerLimitValue(PowerLimitRequest: number, _Reason: number, ValueCount: number, Values: number): number {
      return requests().invoke(PowerLimitRequest >>> 0, 'SetPowerLimit', [ValueCount >>> 0, Values >>> 0]);
    },
    /** PASSIVE_LEVEL. The device fills in the current TargetValue and TimeParameter of each value named. */
    PoQueryPowerLimitValue(PowerLimitRequest: number, ValueCount: number, Values: number): number {
      return requests().invoke(PowerLimitRequest >>> 0, 'QueryPowerLimit', [ValueCount >>> 0, Values >>> 0]);
    },
  };
}
