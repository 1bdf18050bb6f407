/**
 * A system sleep and wake cycle, the power manager's side: S-IRPs to each device stack's top, in
 * Windows' order. First IRP_MN_QUERY_POWER for the sleep state to every stack; if one fails, the
 * sleep is off and each stack already queried gets IRP_MN_SET_POWER for S0 (the state it is in),
 * as the power manager cancels a vetoed query. Otherwise IRP_MN_SET_POWER for the sleep state to
 * every stack, then IRP_MN_SET_POWER for S0 to each in reverse order. Each S-IRP is sent from the
 * power manager's thread and waited for before the next one, so the D-IRPs a power policy owner
 * requests with PoRequestPowerIrp on the way (queued to the power IRP worker) run during that wait.
 *
 * `stacks` are device objects (any device of each stack: the IRP goes to the top), listed in the
 * order the system powers them down, children before their parents; they power up in reverse.
 */
import { IRP } from '../../nt/layout.ts';
import { IRP_MN_POWER, POWER_ACTION, POWER_STATE_TYPE, SYSTEM_POWER_STATE, systemStateName } from '../../nt/power.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { powerManager } from './power.ts';

export interface SystemIrpRecord {
  readonly device: number;
  readonly minor: number;
  readonly state: number;
  readonly status: number;
}

export interface SleepCycleResult {
  /** STATUS_SUCCESS when the system slept and woke; a query's failure status when a stack vetoed the sleep. */
  readonly status: number;
  /** The stack whose query failed, if one did. */
  readonly vetoedBy?: number;
  /** Every S-IRP sent, in order, with its final status. */
  readonly irps: readonly SystemIrpRecord[];
}

/**
 * Sleep to `sleepState` (S3 by default) and wake to S0. Run at PASSIVE_LEVEL, from a system thread's
 * context. `whileAsleep` runs once every stack is in the sleep state, before the wake (a device
 * signalling wake there is what wakes the machine: pnp/wake.ts).
 */
export function systemSleepWake(k: Kernel, stacks: readonly number[], sleepState: number = SYSTEM_POWER_STATE.PowerSystemSleeping3, whileAsleep?: () => void): SleepCycleResult {
  const irps: SystemIrpRecord[] = [];
  const send = (device: number, minor: number, state: number): number => {
    const status = sendSystemIrp(k, device, minor, state);
    irps.push({ device, minor, state, status });
    return status;
  };
  return k.withFrames(['PopSetDevicesSystemState'], () => {
    const queried: number[] = [];
    for (const device of stacks) {
      queried.push(device);
      const status = send(device, IRP_MN_POWER.QUERY_POWER, sleepState);
      if (!NT_SUCCESS(status)) {
        for (const d of [...queried].reverse()) send(d, IRP_MN_POWER.SET_POWER, SYSTEM_POWER_STATE.PowerSystemWorking);
        return { status, vetoedBy: device, irps };
      }
    }
    for (const device of stacks) send(device, IRP_MN_POWER.SET_POWER, sleepState);
    whileAsleep?.();
    for (const device of [...stacks].reverse()) send(device, IRP_MN_POWER.SET_POWER, SYSTEM_POWER_STATE.PowerSystemWorking);
    return { status: STATUS.SUCCESS, irps };
  });
}

/** Send one S-IRP to the top of `device`'s stack and wait until it has completed; its final status. */
export function sendSystemIrp(k: Kernel, device: number, minor: number, state: number): number {
  const po = powerManager(k);
  let final: number | undefined;
  const built = po.buildIrp({
    device,
    minor,
    type: POWER_STATE_TYPE.SystemPowerState,
    state,
    shutdownType: POWER_ACTION.PowerActionSleep,
    completed: (irp) => {
      final = k.as.u32(irp + IRP.off['IoStatus.Status']);
    },
  });
  if (!built) return STATUS.INSUFFICIENT_RESOURCES;
  k.withFrames(['PopNotifyDevice'], () => k.io.callDriver(built.target, built.irp));
  const what = `${minor === IRP_MN_POWER.QUERY_POWER ? 'IRP_MN_QUERY_POWER' : 'IRP_MN_SET_POWER'} (${systemStateName(state)}) ${built.irp.toString(16)}`;
  k.withFrames(['KeWaitForSingleObject'], () =>
    k.dispatcher.waitUntil(
      () => final !== undefined,
      () => `the power manager waits for ${what} to device ${device.toString(16)}: nothing left to run completes it`,
    ),
  );
  return final!;
}
