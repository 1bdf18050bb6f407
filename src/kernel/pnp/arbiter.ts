/**
 * Resource arbitration for the children of bus drivers: what a device can use (the
 * IO_RESOURCE_REQUIREMENTS_LIST its bus answered QUERY_RESOURCE_REQUIREMENTS with, as the stack left it
 * after FILTER_RESOURCE_REQUIREMENTS) becomes what it gets, the requests resources.ts assigns and START
 * carries as raw and translated CM_RESOURCE_LISTs, as a root device's `--resources` do.
 *
 * The arbiter works from the first alternative list. Each requirement there (a descriptor, and the
 * IO_RESOURCE_ALTERNATIVE descriptors after it) is met by its first candidate that fits: a port or memory
 * range at the lowest address of [MinimumAddress, MaximumAddress] on its alignment that no other device
 * decodes; an interrupt at the lowest IRQ of [MinimumVector, MaximumVector] no other device holds, or one
 * held level-sensitive and shared when this one may share too. Descriptors of other types (DMA channels,
 * bus numbers, private data) are not arbitrated. A requirement nothing fits leaves the device unstarted
 * (Windows: CM_PROB_NORMAL_CONFLICT).
 */
import { IO_RESOURCE_DESCRIPTOR, IO_RESOURCE_LIST, IO_RESOURCE_REQUIREMENTS_LIST } from '../../nt/layout.ts';
import { CM_RESOURCE_FLAG, CM_RESOURCE_TYPE, CM_SHARE_DISPOSITION, IO_RESOURCE_OPTION } from '../../nt/resources.ts';
import type { Kernel } from '../kernel.ts';
import { translateIrq, type ResourceRequest } from './resources.ts';

const R = IO_RESOURCE_REQUIREMENTS_LIST.off;
const L = IO_RESOURCE_LIST.off;
const D = IO_RESOURCE_DESCRIPTOR.off;
/** The IRQs a device may be given, and the ends of the two address spaces (as resources.ts checks a SPEC). */
const IRQS = [1, 15] as const;
const LIMIT = { mem: 2 ** 32, port: 0x10000 } as const;

/** A requirement and its alternatives, in the order the bus listed them. */
type Candidates = number[];

/** The requests that meet the list's first alternative, or undefined when one requirement cannot be met. */
export function arbitrate(k: Kernel, requirements: number): ResourceRequest[] | undefined {
  const as = k.as;
  if (requirements === 0 || as.u32(requirements + R.AlternativeLists!) === 0) return [];
  const list = requirements + R.List!;
  const groups: Candidates[] = [];
  for (let i = 0; i < as.u32(list + L.Count!); i++) {
    const d = list + L.Descriptors! + i * IO_RESOURCE_DESCRIPTOR.size;
    const alternative = (as.u8(d + D.Option!) & IO_RESOURCE_OPTION.IO_RESOURCE_ALTERNATIVE) !== 0;
    if (alternative && groups.length > 0) groups.at(-1)!.push(d);
    else groups.push([d]);
  }
  const chosen: ResourceRequest[] = [];
  for (const group of groups) {
    let met: ResourceRequest | null | undefined;
    for (const d of group) {
      met = candidate(k, d, chosen);
      if (met !== undefined) break;
    }
    if (met === undefined) return undefined;
    if (met !== null) chosen.push(met);
  }
  return chosen;
}

/** The request meeting one descriptor; null for a type not arbitrated, undefined when nothing fits. */
function candidate(k: Kernel, d: number, taken: readonly ResourceRequest[]): ResourceRequest | null | undefined {
  const as = k.as;
  const type = as.u8(d + D.Type!);
  if (type === CM_RESOURCE_TYPE.CmResourceTypeInterrupt) {
    const latched = (as.u16(d + D.Flags!) & CM_RESOURCE_FLAG.CM_RESOURCE_INTERRUPT_LATCHED) !== 0;
    const shared = !latched && as.u8(d + D.ShareDisposition!) === CM_SHARE_DISPOSITION.CmResourceShareShared;
    const from = Math.max(IRQS[0], as.u32(d + D['u.Interrupt.MinimumVector']!));
    const to = Math.min(IRQS[1], as.u32(d + D['u.Interrupt.MaximumVector']!));
    // A device has one interrupt line (resources.ts).
    if (taken.some((r) => r.kind === 'irq')) return undefined;
    for (let irq = from; irq <= to; irq++) {
      const holder = [...k.hal.interrupts.lines.values()].find((l) => l.vector === translateIrq(irq).vector);
      if (!holder || (shared && holder.shareVector)) return { kind: 'irq', irq, latched };
    }
    return undefined;
  }
  if (type !== CM_RESOURCE_TYPE.CmResourceTypeMemory && type !== CM_RESOURCE_TYPE.CmResourceTypePort) return null;
  const kind = type === CM_RESOURCE_TYPE.CmResourceTypeMemory ? 'mem' : 'port';
  const spaces = kind === 'mem' ? k.hal.io.registers.all : k.hal.io.ports.all;
  const length = as.u32(d + D['u.Generic.Length']!);
  const alignment = Math.max(1, as.u32(d + D['u.Generic.Alignment']!));
  const min = Number(as.u64(d + D['u.Generic.MinimumAddress']!));
  const max = Math.min(Number(as.u64(d + D['u.Generic.MaximumAddress']!)), LIMIT[kind] - 1);
  if (length === 0) return undefined;
  const overlaps = (base: number, b: number, n: number) => base < b + n && b < base + length;
  for (let base = Math.ceil(min / alignment) * alignment; base + length - 1 <= max; base += alignment) {
    const clash =
      spaces.find((s) => overlaps(base, s.spec.base, s.spec.length)) ??
      taken.find((r) => r.kind === kind && overlaps(base, r.base, r.length));
    if (!clash) return { kind, base, length };
    // Skip past what is in the way, on the alignment.
    const end = 'spec' in clash ? clash.spec.base + clash.spec.length : clash.kind !== 'irq' ? clash.base + clash.length : base + alignment;
    base = Math.ceil(end / alignment) * alignment - alignment;
  }
  return undefined;
}
