/**
 * The simulated hardware a test or scenario declares: register blocks at physical addresses (what
 * MmMapIoSpace maps) and I/O port ranges (a separate space, addressed by port number). Each access a
 * driver makes through READ_/WRITE_REGISTER_* or READ_/WRITE_PORT_* is recorded, and may be scripted:
 * `read` answers a register's value (a status register that changes), `write` acts on a write (a
 * doorbell that raises the device's interrupt line). Unscripted, a register holds what was last written.
 */

export type AccessSize = 1 | 2 | 4;

export interface RegisterAccess {
  readonly kind: 'read' | 'write';
  /** Offset from the start of the block or range. */
  readonly offset: number;
  readonly size: AccessSize;
  readonly value: number;
}

export interface DeviceSpaceSpec {
  /** For messages and listings. */
  readonly name: string;
  /** Physical address (register block) or first port number (port range). */
  readonly base: number;
  readonly length: number;
  /** A scripted read: the value to return, or undefined for what the register holds. */
  readonly read?: (offset: number, size: AccessSize) => number | undefined;
  /** Runs after a write is stored and recorded. */
  readonly write?: (offset: number, size: AccessSize, value: number) => void;
}

/** One register block or port range: its registers' contents and every access made to it, in order. */
export class DeviceSpace {
  readonly registers: Uint8Array;
  readonly accesses: RegisterAccess[] = [];
  private readonly view: DataView;

  constructor(readonly spec: DeviceSpaceSpec) {
    this.registers = new Uint8Array(spec.length);
    this.view = new DataView(this.registers.buffer);
  }

  contains(address: number, size: number): boolean {
    return address >= this.spec.base && address + size <= this.spec.base + this.spec.length;
  }

  /** What a register holds now, without an access (for tests and the model's own logic). */
  peek(offset: number, size: AccessSize): number {
    if (size === 1) return this.view.getUint8(offset);
    if (size === 2) return this.view.getUint16(offset, true);
    return this.view.getUint32(offset, true);
  }

  /** Set a register as the device does (no access recorded): a status bit the hardware sets. */
  poke(offset: number, size: AccessSize, value: number): void {
    if (size === 1) this.view.setUint8(offset, value & 0xff);
    else if (size === 2) this.view.setUint16(offset, value & 0xffff, true);
    else this.view.setUint32(offset, value >>> 0, true);
  }

  read(offset: number, size: AccessSize): number {
    const scripted = this.spec.read?.(offset, size);
    if (scripted !== undefined) this.poke(offset, size, scripted);
    const value = this.peek(offset, size);
    this.accesses.push({ kind: 'read', offset, size, value });
    return value;
  }

  write(offset: number, size: AccessSize, value: number): void {
    this.poke(offset, size, value);
    this.accesses.push({ kind: 'write', offset, size, value: this.peek(offset, size) });
    this.spec.write?.(offset, size, this.peek(offset, size));
  }
}

/** All-ones: what a read of an address no device decodes returns (the bus floats high). */
export const FLOATING_BUS: Record<AccessSize, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

/** A set of non-overlapping spaces (the register blocks, or the port ranges). */
export class DeviceSpaces {
  readonly all: DeviceSpace[] = [];

  constructor(private readonly what: 'register block' | 'port range') {}

  add(spec: DeviceSpaceSpec): DeviceSpace {
    if (spec.length <= 0) throw new RangeError(`${this.what} ${spec.name}: length must be positive`);
    const clash = this.all.find((s) => spec.base < s.spec.base + s.spec.length && s.spec.base < spec.base + spec.length);
    if (clash) throw new RangeError(`${this.what} ${spec.name} overlaps ${clash.spec.name}`);
    const space = new DeviceSpace(spec);
    this.all.push(space);
    return space;
  }

  /** The device no longer decodes the space (its resources were released). */
  remove(space: DeviceSpace): void {
    const i = this.all.indexOf(space);
    if (i >= 0) this.all.splice(i, 1);
  }

  at(address: number, size = 1): DeviceSpace | undefined {
    return this.all.find((s) => s.contains(address, size));
  }
}
