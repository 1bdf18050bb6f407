/**
 * The PnP part of a run (`dv run --pnp`): after DriverEntry the PnP manager root-enumerates a device
 * for the driver, calls its AddDevice and starts it; at the end the device is removed (QUERY_REMOVE
 * then REMOVE_DEVICE) or surprise-removed (SURPRISE_REMOVAL while the run's handle is open,
 * REMOVE_DEVICE once it is closed). run.ts calls these in that order.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DeviceNode } from '../kernel/pnp/devnode.ts';
import { readInf } from './inf.ts';
import type { DeviceParameter, FilterDriver, PnpIrpRecord } from '../kernel/pnp/manager.ts';
import { deviceStack } from '../kernel/io/stack.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { DRIVER_EXTENSION, DRIVER_OBJECT } from '../nt/layout.ts';
import { NT_SUCCESS, statusName } from '../nt/status.ts';
import { systemSleepWake } from '../kernel/po/transition.ts';
import { IRP_MN_POWER, SYSTEM_POWER_STATE, systemStateName } from '../nt/power.ts';
import { translateIrq, type ResourceRequest } from '../kernel/pnp/resources.ts';
import { DEVICE_USAGES, type DeviceUsage } from '../nt/pnp.ts';

/** How a PnP run ends its device: an orderly removal (the default) or a surprise removal. */
export type PnpRemoval = 'remove' | 'surprise-remove';

export interface PnpRunOptions {
  /** Run the driver under the PnP manager; default: when DriverEntry set AddDevice and created no device. */
  readonly pnp?: boolean;
  /** The device's hardware ID (default Root\<driver name>). */
  readonly hardwareId?: string;
  /** How the device leaves at the end (default 'remove'). */
  readonly removal?: PnpRemoval;
  /** A rebalance (QUERY_STOP, STOP, START) after the start, before the requests. */
  readonly stopStart?: boolean;
  /** A system sleep and wake (S3, then S0) after the start, before the requests. */
  readonly sleep?: boolean;
  /**
   * The device can wake the system (--wake): its bus reports SystemWake S3 / DeviceWake D3 and holds
   * the IRP_MN_WAIT_WAKE its power policy owner sends; during --sleep the device signals wake (the
   * WAIT_WAKE completes) while the machine is in S3.
   */
  readonly wake?: boolean;
  /** Hardware resources for the device (--resources): in START_DEVICE's lists and the HAL's model. */
  readonly resources?: readonly ResourceRequest[];
  /**
   * Function drivers for the children a bus driver enumerates (--child-driver HWID=FILE): a child whose
   * hardware or compatible IDs name `hardwareId` gets `driver` (loaded once, after the run's driver,
   * verified with it; the run's own file means the bus driver's image serves the child too).
   */
  readonly childDrivers?: readonly ChildDriverRequest[];
  /** Upper filter drivers (--filter), loaded after the driver and attached above its device, in order. */
  readonly filters?: readonly string[];
  /** Lower filter drivers (--lower-filter): attached between the PDO and the driver's device, in order. */
  readonly lowerFilters?: readonly string[];
  /**
   * A special file put on the device after the start (--device-usage): IRP_MN_DEVICE_USAGE_NOTIFICATION
   * with InPath TRUE, and with InPath FALSE before an orderly removal (the file is taken off again).
   */
  readonly deviceUsage?: DeviceUsage;
  /** The driver's INF (--inf): the device's hardware ID, compatible IDs and class. Default: an INF of the image's name beside it. */
  readonly inf?: string;
  /** Values in the device's hardware key (Enum\<instance>\Device Parameters) before AddDevice: what its INF's HKR lines or class installer write. */
  readonly deviceParameters?: readonly DeviceParameter[];
}

export interface ChildDriverRequest {
  readonly hardwareId: string;
  readonly driver: string;
}

/** A child devnode a bus driver enumerated during the run, and what its stack was sent. */
export interface PnpChildResult {
  readonly instancePath: string;
  readonly hardwareIds: readonly string[];
  /** The function driver's service name ('' when none was found). */
  readonly service: string;
  readonly irps: readonly PnpIrpRecord[];
  readonly state: string;
}

/** `<dir>/<name>.inf` beside the driver image (any case), or undefined. */
export function besideInf(driverPath: string): string | undefined {
  const dir = dirname(driverPath);
  const want = `${basename(driverPath).replace(/\.[^.]*$/, '')}.inf`.toLowerCase();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const found = names.find((n) => n.toLowerCase() === want);
  return found === undefined ? undefined : join(dir, found);
}

export interface PnpRunResult {
  readonly instancePath: string;
  readonly hardwareIds: readonly string[];
  readonly pdo: number;
  /** The PnP IRPs the device's stack was sent, in order, and how each ended. */
  readonly irps: readonly PnpIrpRecord[];
  /** AddDevice's status. */
  readonly addDevice: number;
  /** The devnode's state when the run ended. */
  readonly state: string;
  /** The devnodes below it (a bus driver's children), in the order they were enumerated. */
  readonly children: readonly PnpChildResult[];
}

export function addDeviceRoutine(k: Kernel, driverObject: number): number {
  return k.as.u32(k.as.u32(driverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice);
}

/** Whether the run goes through the PnP manager: asked, or a driver that waits for AddDevice. */
export function wantsPnp(k: Kernel, driverObject: number, asked: boolean | undefined): boolean {
  return asked ?? (addDeviceRoutine(k, driverObject) !== 0 && k.io.devicesOf(driverObject).length === 0);
}

/** A line for one PnP IRP the run sent. */
export function pnpIrpLine(r: PnpIrpRecord): string {
  return `${r.name}${r.detail !== undefined ? ` (${r.detail})` : ''} -> ${statusName(r.status)}`;
}

/** The device the run's requests go to: the first named device from the top of the stack down (the PDO's name at worst). */
export function stackDeviceName(k: Kernel, node: DeviceNode): string | undefined {
  for (const d of deviceStack(k, node.pdo)) {
    const name = k.io.deviceName(d);
    if (name) return name;
  }
  return undefined;
}

/** Add and start the device; the lines say what happened. Returns the devnode (started or not) and AddDevice's status. */
export function addAndStart(
  k: Kernel,
  driverObject: number,
  service: string,
  opts: PnpRunOptions,
  said: (line: string) => void,
  filters: { readonly upper: readonly FilterDriver[]; readonly lower: readonly FilterDriver[] } = { upper: [], lower: [] },
): { node: DeviceNode; status: number } {
  // --hardware-id wins over the INF's; the INF gives the class and compatible IDs too.
  const inf = opts.inf !== undefined ? readInf(opts.inf) : undefined;
  if (inf) said(`INF ${opts.inf}: hardware ID ${inf.hardwareId} (${inf.source})`);
  const hardwareIds = opts.hardwareId !== undefined ? [opts.hardwareId] : inf ? [inf.hardwareId] : undefined;
  const { node, status } = k.pnp.createRootDevice({
    driverObject,
    service,
    hardwareIds,
    compatibleIds: inf?.compatibleIds,
    deviceClass: inf?.deviceClass,
    upperFilters: filters.upper,
    lowerFilters: filters.lower,
    wake: opts.wake,
    deviceParameters: opts.deviceParameters,
  });
  said(`AddDevice(${node.instancePath}, PDO ${k.io.deviceName(node.pdo) ?? node.pdo.toString(16)}) -> ${statusName(status)}`);
  if (!NT_SUCCESS(status)) return { node, status };
  if (opts.resources?.length) {
    k.pnp.assignResources(node, opts.resources);
    said(`resources: ${opts.resources.map(resourceText).join(', ')}`);
  }
  k.pnp.start(node);
  if (opts.stopStart && node.state === 'DeviceNodeStarted') k.pnp.stopStart(node);
  if (opts.sleep && node.state === 'DeviceNodeStarted') {
    // The power manager's S-IRPs go to the top of each stack: QUERY then SET S3, then SET S0.
    // Its started children too: each powers down before its parent and up after it.
    // --wake: the device signals wake while the machine sleeps (its line goes between the sleep's and the wake's IRPs).
    let wakeLine: string | undefined;
    const wakeByDevice = opts.wake ? () => void (wakeLine = k.pnp.rootDriver.wake.signal(node.pdo) ? 'the device signals wake: its IRP_MN_WAIT_WAKE completes' : 'the device signals wake, but no IRP_MN_WAIT_WAKE is pending: it was not armed') : undefined;
    const cycle = systemSleepWake(k, k.pnp.powerOrder(node), undefined, wakeByDevice);
    for (const irp of cycle.irps) {
      if (wakeLine !== undefined && irp.minor === IRP_MN_POWER.SET_POWER && irp.state === SYSTEM_POWER_STATE.PowerSystemWorking) {
        said(wakeLine);
        wakeLine = undefined;
      }
      const child = k.pnp.nodeOfPdo(irp.device);
      const prefix = child?.busChild ? `${child.instancePath}: ` : '';
      said(`${prefix}${irp.minor === IRP_MN_POWER.QUERY_POWER ? 'IRP_MN_QUERY_POWER' : 'IRP_MN_SET_POWER'} (${systemStateName(irp.state)}) -> ${statusName(irp.status)}`);
    }
    if (!NT_SUCCESS(cycle.status)) said(`the sleep was vetoed (${statusName(cycle.status)}): the machine stayed in S0`);
  }
  if (opts.deviceUsage && node.state === 'DeviceNodeStarted') k.pnp.deviceUsageNotification(node, DEVICE_USAGES[opts.deviceUsage], true);
  return { node, status };
}

/** Before an orderly removal: the special file --device-usage put on the device is taken off (InPath FALSE). */
export function endDeviceUsage(k: Kernel, node: DeviceNode, opts: PnpRunOptions): void {
  if (opts.deviceUsage && node.state === 'DeviceNodeStarted') k.pnp.deviceUsageNotification(node, DEVICE_USAGES[opts.deviceUsage], false);
}

export function pnpResult(k: Kernel, node: DeviceNode, addDevice: number): PnpRunResult {
  // Removed children are off the tree but keep their parent: the IRP log has every devnode the run had.
  const below = (n: DeviceNode) => {
    for (let p = n.parent; p; p = p.parent) if (p === node) return true;
    return false;
  };
  const children = [...k.pnp.irpLog.entries()]
    .filter(([n]) => below(n))
    .map(([n, irps]) => ({ instancePath: n.instancePath, hardwareIds: n.hardwareIds, service: n.service, irps, state: n.state }));
  return { instancePath: node.instancePath, hardwareIds: node.hardwareIds, pdo: node.pdo, irps: k.pnp.irpLog.get(node) ?? [], addDevice, state: node.state, children };
}

/** A child devnode's lines name it: `PNPBUS\CHILD_TS\1&...: IRP_MN_START_DEVICE -> STATUS_SUCCESS`. */
export function pnpNodeLine(node: DeviceNode, r: PnpIrpRecord): string {
  return node.busChild ? `${node.instancePath}: ${pnpIrpLine(r)}` : pnpIrpLine(r);
}

/** The line for the resources the arbiter gave a bus driver's child (undefined: none fitted its requirements). */
export function childResourcesLine(node: DeviceNode, resources: readonly ResourceRequest[] | undefined): string {
  return resources ? `resources for ${node.instancePath}: ${resources.map(resourceText).join(', ')}` : `no free resources meet the requirements of ${node.instancePath}: it is not started`;
}

/** One assigned resource as the run's line shows it, the interrupt with what the HAL made of it. */
function resourceText(r: ResourceRequest): string {
  const hex = (n: number) => `0x${n.toString(16)}`;
  if (r.kind !== 'irq') return `${r.kind} ${hex(r.base)}-${hex(r.base + r.length - 1)}`;
  const { vector, irql } = translateIrq(r.irq);
  return `irq ${r.irq}${r.latched ? ' latched' : ''} (vector ${hex(vector)}, DIRQL ${irql})`;
}
