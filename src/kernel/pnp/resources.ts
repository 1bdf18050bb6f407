/**
 * The hardware resources the PnP manager assigns a device (`dv run --resources`): a register block,
 * port ranges and an interrupt line, given in a SPEC like `mem:0xfe000000:0x1000,port:0x300:8,irq:5`.
 * Assigning them declares the device to the HAL's model (its register blocks and port ranges, its
 * line in k.hal.interrupts.lines for the PDO, so IoConnectInterruptEx CONNECT_LINE_BASED finds it) and
 * builds the raw and translated CM_RESOURCE_LISTs that IRP_MN_START_DEVICE carries. Releasing them,
 * after REMOVE_DEVICE, frees the lists and takes the device out of the model.
 *
 * The model's device is a generic one: its registers hold what is written, and a nonzero write to the
 * first register block's DOORBELL register asserts its interrupt line (so a driver's request can make
 * the device interrupt, as a real device does when told to).
 *
 * The translation is the x86 PIC HAL's: IRQ n is vector PRIMARY_VECTOR_BASE + n at DIRQL
 * PROFILE_LEVEL - n; memory and ports pass through unchanged (a root device's bus addresses are physical).
 */
import { CM_FULL_RESOURCE_DESCRIPTOR, CM_PARTIAL_RESOURCE_DESCRIPTOR, CM_PARTIAL_RESOURCE_LIST, CM_RESOURCE_LIST, KINTERRUPT_MODE } from '../../nt/layout.ts';
import { PROFILE_LEVEL } from '../../nt/irql.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { CM_RESOURCE_FLAG, CM_RESOURCE_TYPE, CM_SHARE_DISPOSITION, INTERFACE_TYPE_INTERNAL } from '../../nt/resources.ts';
import type { DeviceSpace } from '../hal/device-registers.ts';
import type { InterruptLine } from '../hal/interrupts.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';

const D = CM_PARTIAL_RESOURCE_DESCRIPTOR.off;
const L = CM_RESOURCE_LIST.off;
const F = CM_FULL_RESOURCE_DESCRIPTOR.off;
const P = CM_PARTIAL_RESOURCE_LIST.off;

/** Offset of the generic device's doorbell register in its first register block. */
export const DOORBELL = 0;
/** The first vector of the 8259 pair's IRQs on the x86 HAL. */
export const PRIMARY_VECTOR_BASE = 0x30;
/** IRQ 0 is the system clock's; a device gets 1 to 15. */
const IRQ_RANGE = [1, 15] as const;
const PHYSICAL_LIMIT = 2 ** 32;
const PORT_LIMIT = 0x10000;

export type ResourceRequest =
  | { readonly kind: 'mem'; readonly base: number; readonly length: number }
  | { readonly kind: 'port'; readonly base: number; readonly length: number }
  | { readonly kind: 'irq'; readonly irq: number; readonly latched: boolean };

/** A SPEC that cannot be assigned: the message names the part. */
export class ResourceSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceSpecError';
  }
}

/** The vector and DIRQL the HAL gives IRQ `irq`. */
export function translateIrq(irq: number): { vector: number; irql: number } {
  return { vector: PRIMARY_VECTOR_BASE + irq, irql: PROFILE_LEVEL - irq };
}

function number(text: string | undefined, part: string, what: string): number {
  if (text === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new ResourceSpecError(`--resources: '${part}': ${what} must be a number (decimal or 0x hex)`);
  return Number(text);
}

/** Parse `mem:BASE:LENGTH`, `port:BASE:LENGTH`, `irq:N[:latched]`, comma separated. */
export function parseResourceSpec(spec: string): ResourceRequest[] {
  const out: ResourceRequest[] = [];
  for (const part of spec.split(',').map((p) => p.trim())) {
    const [kind, ...args] = part.split(':');
    if (kind === 'mem' || kind === 'port') {
      if (args.length !== 2) throw new ResourceSpecError(`--resources: '${part}': expected ${kind}:BASE:LENGTH`);
      const base = number(args[0], part, 'BASE');
      const length = number(args[1], part, 'LENGTH');
      const limit = kind === 'mem' ? PHYSICAL_LIMIT : PORT_LIMIT;
      if (length === 0 || base + length > limit) throw new ResourceSpecError(`--resources: '${part}': the range must be non-empty and end by 0x${limit.toString(16)}`);
      const clash = out.find((r) => r.kind === kind && base < r.base + r.length && r.base < base + length);
      if (clash) throw new ResourceSpecError(`--resources: '${part}' overlaps another ${kind} range`);
      out.push({ kind, base, length });
    } else if (kind === 'irq') {
      if (args.length < 1 || args.length > 2 || (args.length === 2 && args[1] !== 'latched')) throw new ResourceSpecError(`--resources: '${part}': expected irq:N or irq:N:latched`);
      const irq = number(args[0], part, 'N');
      if (irq < IRQ_RANGE[0] || irq > IRQ_RANGE[1]) throw new ResourceSpecError(`--resources: '${part}': the IRQ must be ${IRQ_RANGE[0]} to ${IRQ_RANGE[1]}`);
      if (out.some((r) => r.kind === 'irq')) throw new ResourceSpecError(`--resources: '${part}': a device has one interrupt line`);
      out.push({ kind: 'irq', irq, latched: args[1] === 'latched' });
    } else {
      throw new ResourceSpecError(`--resources: '${part}': unknown resource type (mem, port or irq)`);
    }
  }
  return out;
}

/** What a device was assigned: its lists (pool addresses) and its part of the HAL's model. */
export interface AssignedResources {
  readonly requests: readonly ResourceRequest[];
  /** CM_RESOURCE_LISTs for Parameters.StartDevice.AllocatedResources and ...Translated. */
  readonly raw: number;
  readonly translated: number;
  readonly registers: readonly DeviceSpace[];
  readonly ports: readonly DeviceSpace[];
  readonly line?: InterruptLine;
}

/** Declare the device's resources to the HAL and build its two lists. `name` labels the model's spaces. */
export function assignResources(k: Kernel, pdo: number, name: string, requests: readonly ResourceRequest[]): AssignedResources {
  const registers: DeviceSpace[] = [];
  const ports: DeviceSpace[] = [];
  const irq = requests.find((r) => r.kind === 'irq');
  const line: InterruptLine | undefined = irq && {
    ...translateIrq(irq.irq),
    // A level-sensitive line may be shared (PCI); an edge-triggered (latched) one is the device's alone (ISA).
    mode: irq.latched ? KINTERRUPT_MODE.Latched : KINTERRUPT_MODE.LevelSensitive,
    shareVector: !irq.latched,
  };
  for (const r of requests) {
    if (r.kind === 'mem') {
      const doorbell = registers.length === 0 && line !== undefined;
      const write = doorbell ? (offset: number, _size: number, value: number) => void (offset === DOORBELL && value !== 0 && k.hal.raiseInterrupt(line.vector)) : undefined;
      registers.push(k.hal.io.registers.add({ name: `${name} memory`, base: r.base, length: r.length, write }));
    } else if (r.kind === 'port') {
      ports.push(k.hal.io.ports.add({ name: `${name} ports`, base: r.base, length: r.length }));
    }
  }
  if (line) k.hal.interrupts.lines.set(pdo, line);
  return { requests, raw: buildList(k, requests, false), translated: buildList(k, requests, true), registers, ports, line };
}

/** After REMOVE_DEVICE: free the lists; the device no longer decodes its ranges nor drives its line. */
export function releaseResources(k: Kernel, pdo: number, a: AssignedResources): void {
  k.pool.free(a.raw, TAG.PnpResources);
  k.pool.free(a.translated, TAG.PnpResources);
  for (const s of a.registers) k.hal.io.registers.remove(s);
  for (const s of a.ports) k.hal.io.ports.remove(s);
  if (a.line) k.hal.interrupts.lines.delete(pdo);
}

/** One full descriptor (bus Internal 0) holding a partial descriptor per request. */
function buildList(k: Kernel, requests: readonly ResourceRequest[], translated: boolean): number {
  const as = k.as;
  const count = requests.length;
  const size = L.List! + F.PartialResourceList! + P.PartialDescriptors! + Math.max(count, 1) * CM_PARTIAL_RESOURCE_DESCRIPTOR.size;
  const list = k.pool.allocate(POOL_TYPE.PagedPool, size, TAG.PnpResources, true);
  as.zero(list, size);
  as.setU32(list + L.Count!, 1);
  const full = list + L.List!;
  as.setU32(full + F.InterfaceType!, INTERFACE_TYPE_INTERNAL);
  as.setU32(full + F.BusNumber!, 0);
  const partial = full + F.PartialResourceList!;
  as.setU16(partial + P.Version!, 1);
  as.setU16(partial + P.Revision!, 1);
  as.setU32(partial + P.Count!, count);
  const processors = k.processors.length >= 32 ? 0xffffffff : (1 << k.processors.length) - 1;
  requests.forEach((r, i) => {
    const d = partial + P.PartialDescriptors! + i * CM_PARTIAL_RESOURCE_DESCRIPTOR.size;
    if (r.kind === 'irq') {
      const { vector, irql } = translated ? translateIrq(r.irq) : { vector: r.irq, irql: r.irq };
      as.setU8(d + D.Type!, CM_RESOURCE_TYPE.CmResourceTypeInterrupt);
      as.setU8(d + D.ShareDisposition!, r.latched ? CM_SHARE_DISPOSITION.CmResourceShareDeviceExclusive : CM_SHARE_DISPOSITION.CmResourceShareShared);
      as.setU16(d + D.Flags!, r.latched ? CM_RESOURCE_FLAG.CM_RESOURCE_INTERRUPT_LATCHED : CM_RESOURCE_FLAG.CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE);
      as.setU16(d + D['u.Interrupt.Level']!, irql);
      as.setU32(d + D['u.Interrupt.Vector']!, vector);
      as.setU32(d + D['u.Interrupt.Affinity']!, processors);
    } else {
      const port = r.kind === 'port';
      as.setU8(d + D.Type!, port ? CM_RESOURCE_TYPE.CmResourceTypePort : CM_RESOURCE_TYPE.CmResourceTypeMemory);
      as.setU8(d + D.ShareDisposition!, CM_SHARE_DISPOSITION.CmResourceShareDeviceExclusive);
      as.setU16(d + D.Flags!, port ? CM_RESOURCE_FLAG.CM_RESOURCE_PORT_IO : CM_RESOURCE_FLAG.CM_RESOURCE_MEMORY_READ_WRITE);
      const range = port ? 'u.Port' : 'u.Memory';
      as.setU32(d + D[`${range}.Start.LowPart`]!, r.base);
      as.setU32(d + D[`${range}.Start.HighPart`]!, 0);
      as.setU32(d + D[`${range}.Length`]!, r.length);
    }
  });
  return list;
}
