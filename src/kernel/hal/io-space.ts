/**
 * Device memory in system space: MmMapIoSpace(Ex) maps a physical range to pages of the ioSpace region
 * that a driver may touch (mm's shadow says accessible, so issue 10's checks pass), and
 * READ_/WRITE_REGISTER_* reach the register block behind them. A register's value is also left in the
 * mapped page, so a plain load sees what the last access saw. Ports are their own space: the port
 * number is the "address" a driver passes.
 */
import { PAGE_SIZE, PageKind, VaRegion, VA_MAP } from '../mm/address-space.ts';
import type { Kernel } from '../kernel.ts';
import { type AccessSize, type DeviceSpace, DeviceSpaces, FLOATING_BUS } from './device-registers.ts';

export interface IoMapping {
  /** What MmMapIoSpace returned (the physical address's offset in its page kept). */
  readonly va: number;
  readonly physical: number;
  readonly length: number;
  readonly pageVa: number;
  readonly pages: number;
}

/** The machine's device memory, port space and the mappings drivers hold of them. */
export class IoSpace {
  readonly registers = new DeviceSpaces('register block');
  readonly ports = new DeviceSpaces('port range');
  readonly mappings = new Map<number, IoMapping>();
  private readonly region = new VaRegion('IoSpace', VA_MAP.ioSpace.start, VA_MAP.ioSpace.end);

  constructor(private readonly k: Kernel) {}

  map(physical: number, length: number): number {
    const first = Math.floor(physical / PAGE_SIZE) * PAGE_SIZE;
    const pages = Math.ceil((physical + length - first) / PAGE_SIZE);
    const pageVa = this.region.allocatePages(pages);
    if (pageVa === undefined) return 0;
    const as = this.k.as;
    as.setPages(pageVa, pages, PageKind.Pool);
    as.zero(pageVa, pages * PAGE_SIZE);
    const va = pageVa + (physical - first);
    // The registers' current contents show through the mapping.
    for (const block of this.registers.all) {
      const lo = Math.max(block.spec.base, physical);
      const hi = Math.min(block.spec.base + block.spec.length, physical + length);
      if (lo < hi) as.write(va + (lo - physical), block.registers.subarray(lo - block.spec.base, hi - block.spec.base));
    }
    this.mappings.set(va, { va, physical, length, pageVa, pages });
    return va;
  }

  /** Undo a mapping by the address MmMapIoSpace returned; false if there is none. */
  unmap(va: number): boolean {
    const m = this.mappings.get(va);
    if (!m) return false;
    this.k.as.setPages(m.pageVa, m.pages, PageKind.NoAccess);
    this.region.freePages(m.pageVa, m.pages);
    this.mappings.delete(va);
    return true;
  }

  /** The register block a mapped address reaches, with the register's offset in it. */
  registerAt(va: number, size: AccessSize): { block: DeviceSpace; offset: number } | undefined {
    for (const m of this.mappings.values()) {
      if (va < m.va || va + size > m.va + m.length) continue;
      const physical = m.physical + (va - m.va);
      const block = this.registers.at(physical, size);
      return block ? { block, offset: physical - block.spec.base } : undefined;
    }
    return undefined;
  }

  /** Every mapped view of a register: where its new value must show. */
  private views(block: DeviceSpace, offset: number): number[] {
    const physical = block.spec.base + offset;
    return [...this.mappings.values()].filter((m) => physical >= m.physical && physical < m.physical + m.length).map((m) => m.va + (physical - m.physical));
  }

  readRegister(va: number, size: AccessSize): number {
    const hit = this.registerAt(va, size);
    // Not device memory (a common buffer, say): READ_REGISTER_* is a volatile load, checked like any other.
    if (!hit) return load(this.k, va, size);
    const value = hit.block.read(hit.offset, size);
    for (const view of this.views(hit.block, hit.offset)) store(this.k, view, size, value, false);
    return value;
  }

  writeRegister(va: number, size: AccessSize, value: number): void {
    const hit = this.registerAt(va, size);
    if (!hit) return store(this.k, va, size, value, true);
    hit.block.write(hit.offset, size, value);
    for (const view of this.views(hit.block, hit.offset)) store(this.k, view, size, hit.block.peek(hit.offset, size), false);
  }

  readPort(port: number, size: AccessSize): number {
    const range = this.ports.at(port, size);
    return range ? range.read(port - range.spec.base, size) : FLOATING_BUS[size];
  }

  writePort(port: number, size: AccessSize, value: number): void {
    const range = this.ports.at(port, size);
    range?.write(port - range.spec.base, size, value);
  }
}

/** A driver's own load or store: checked against mm's shadow when `checked`. */
function load(k: Kernel, va: number, size: AccessSize): number {
  const m = k.driverMemory;
  return size === 1 ? m.u8(va) : size === 2 ? m.u16(va) : m.u32(va);
}

function store(k: Kernel, va: number, size: AccessSize, value: number, checked: boolean): void {
  const m = checked ? k.driverMemory : k.as;
  if (size === 1) m.setU8(va, value);
  else if (size === 2) m.setU16(va, value);
  else m.setU32(va, value);
}

const SIZES = { UCHAR: 1, USHORT: 2, ULONG: 4 } as const;

export function ioSpaceExports(k: Kernel) {
  const io = () => k.hal.io;
  const physicalOf = (p: bigint): number => Number(BigInt.asUintN(64, p));
  const mapIoSpace = (PhysicalAddress: bigint, NumberOfBytes: number): number => {
    const length = NumberOfBytes >>> 0;
    if (length === 0) return 0;
    return io().map(physicalOf(PhysicalAddress), length);
  };
  const accessors: Record<string, unknown> = {};
  for (const [type, size] of Object.entries(SIZES)) {
    accessors[`READ_REGISTER_${type}`] = (Register: number) => io().readRegister(Register >>> 0, size);
    accessors[`WRITE_REGISTER_${type}`] = (Register: number, Value: number) => io().writeRegister(Register >>> 0, size, Value);
    accessors[`READ_REGISTER_BUFFER_${type}`] = (Register: number, Buffer: number, Count: number) => {
      for (let i = 0; i < Count >>> 0; i++) store(k, (Buffer >>> 0) + i * size, size, io().readRegister(Register >>> 0, size), true);
    };
    accessors[`WRITE_REGISTER_BUFFER_${type}`] = (Register: number, Buffer: number, Count: number) => {
      for (let i = 0; i < Count >>> 0; i++) io().writeRegister(Register >>> 0, size, load(k, (Buffer >>> 0) + i * size, size));
    };
    accessors[`READ_PORT_${type}`] = (Port: number) => io().readPort(Port >>> 0, size);
    accessors[`WRITE_PORT_${type}`] = (Port: number, Value: number) => io().writePort(Port >>> 0, size, Value);
    accessors[`READ_PORT_BUFFER_${type}`] = (Port: number, Buffer: number, Count: number) => {
      for (let i = 0; i < Count >>> 0; i++) store(k, (Buffer >>> 0) + i * size, size, io().readPort(Port >>> 0, size), true);
    };
    accessors[`WRITE_PORT_BUFFER_${type}`] = (Port: number, Buffer: number, Count: number) => {
      for (let i = 0; i < Count >>> 0; i++) io().writePort(Port >>> 0, size, load(k, (Buffer >>> 0) + i * size, size));
    };
  }
  type Read = (Register: number) => number;
  type Write = (Register: number, Value: number) => void;
  type Buffer = (Register: number, Buffer: number, Count: number) => void;
  const a = accessors as Record<string, Read & Write & Buffer>;
  return {
    /** IRQL <= DISPATCH_LEVEL. NULL for an empty range or when system space for the mapping is gone. */
    MmMapIoSpace(PhysicalAddress: bigint, NumberOfBytes: number, _CacheType: number): number {
      return mapIoSpace(PhysicalAddress, NumberOfBytes);
    },
    /** As MmMapIoSpace; Protect (PAGE_READWRITE | PAGE_NOCACHE...) sets the caching, which the simulation does not model. */
    MmMapIoSpaceEx(PhysicalAddress: bigint, NumberOfBytes: number, _Protect: number): number {
      return mapIoSpace(PhysicalAddress, NumberOfBytes);
    },
    /** IRQL <= DISPATCH_LEVEL. An address MmMapIoSpace did not return is not unmapped (Windows' PTE checks are not modelled). */
    MmUnmapIoSpace(BaseAddress: number, _NumberOfBytes: number): void {
      io().unmap(BaseAddress >>> 0);
    },
    READ_REGISTER_UCHAR: a.READ_REGISTER_UCHAR as Read,
    READ_REGISTER_USHORT: a.READ_REGISTER_USHORT as Read,
    READ_REGISTER_ULONG: a.READ_REGISTER_ULONG as Read,
    WRITE_REGISTER_UCHAR: a.WRITE_REGISTER_UCHAR as Write,
    WRITE_REGISTER_USHORT: a.WRITE_REGISTER_USHORT as Write,
    WRITE_REGISTER_ULONG: a.WRITE_REGISTER_ULONG as Write,
    READ_REGISTER_BUFFER_UCHAR: a.READ_REGISTER_BUFFER_UCHAR as Buffer,
    READ_REGISTER_BUFFER_USHORT: a.READ_REGISTER_BUFFER_USHORT as Buffer,
    READ_REGISTER_BUFFER_ULONG: a.READ_REGISTER_BUFFER_ULONG as Buffer,
    WRITE_REGISTER_BUFFER_UCHAR: a.WRITE_REGISTER_BUFFER_UCHAR as Buffer,
    WRITE_REGISTER_BUFFER_USHORT: a.WRITE_REGISTER_BUFFER_USHORT as Buffer,
    WRITE_REGISTER_BUFFER_ULONG: a.WRITE_REGISTER_BUFFER_ULONG as Buffer,
    READ_PORT_UCHAR: a.READ_PORT_UCHAR as Read,
    READ_PORT_USHORT: a.READ_PORT_USHORT as Read,
    READ_PORT_ULONG: a.READ_PORT_ULONG as Read,
    WRITE_PORT_UCHAR: a.WRITE_PORT_UCHAR as Write,
    WRITE_PORT_USHORT: a.WRITE_PORT_USHORT as Write,
    WRITE_PORT_ULONG: a.WRITE_PORT_ULONG as Write,
    READ_PORT_BUFFER_UCHAR: a.READ_PORT_BUFFER_UCHAR as Buffer,
    READ_PORT_BUFFER_USHORT: a.READ_PORT_BUFFER_USHORT as Buffer,
    READ_PORT_BUFFER_ULONG: a.READ_PORT_BUFFER_ULONG as Buffer,
    WRITE_PORT_BUFFER_UCHAR: a.WRITE_PORT_BUFFER_UCHAR as Buffer,
    WRITE_PORT_BUFFER_USHORT: a.WRITE_PORT_BUFFER_USHORT as Buffer,
    WRITE_PORT_BUFFER_ULONG: a.WRITE_PORT_BUFFER_ULONG as Buffer,
  };
}
