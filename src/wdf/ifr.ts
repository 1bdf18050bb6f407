/**
 * The framework's in-flight recorder: one circular log per client driver, always on, in nonpaged
 * pool so a crash dump holds it (the layout: src/nt/wdf-ifr.ts). The framework writes its own
 * events as `Class::Method - text`; when a record does not fit before the end of the log, writing
 * starts again at its beginning, over the oldest records.
 */
import { IRP_MJ } from '../nt/io.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import { PAGE_SIZE } from '../kernel/mm/address-space.ts';
import { WDF_IFR_GUID, WDF_IFR_HEADER, WDF_IFR_MAX_MESSAGE, WDF_IFR_RECORD, WDF_IFR_RECORD_SIGNATURE, WDF_IFR_TAG } from '../nt/wdf-ifr.ts';
import type { Framework } from './framework.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { ifrLogPages } from '../nt/wdf-ifr.ts';
import { dword } from './settings.ts';

/** The log's pages for the driver whose service key is `servicePath` (Parameters\Wdf LogPages, VerboseOn). */
export function readIfrLogPages(k: Kernel, servicePath: string, verifierOn: boolean): number {
  const key = `${servicePath}\\Parameters\\Wdf`;
  return ifrLogPages(dword(k, key, 'LogPages'), verifierOn, (dword(k, key, 'VerboseOn') ?? 0) !== 0);
}

const H = WDF_IFR_HEADER.off;
const R = WDF_IFR_RECORD.off;
/** The records start after the header, 8-aligned. */
const DATA = (WDF_IFR_HEADER.size + 7) & ~7;

export class FxIfrLog {
  /** The log's pool block: its WDF_IFR_HEADER. */
  readonly address: number;
  readonly base: number;
  readonly size: number;
  readonly pages: number;
  /** Records written so far (the header's Sequence). */
  private sequence = 0;
  private current = 0;
  private previous = 0;

  constructor(
    private readonly fx: Framework,
    driverName: string,
    pages: number,
  ) {
    const as = fx.k.as;
    this.pages = pages;
    const bytes = pages * PAGE_SIZE;
    this.address = fx.allocate(bytes, WDF_IFR_TAG);
    as.zero(this.address, bytes);
    this.base = this.address + DATA;
    this.size = bytes - DATA;
    as.setU32(this.address + H['Guid.Data1'], WDF_IFR_GUID.data1);
    as.setU16(this.address + H['Guid.Data2'], WDF_IFR_GUID.data2);
    as.setU16(this.address + H['Guid.Data3'], WDF_IFR_GUID.data3);
    as.write(this.address + H['Guid.Data4'], Uint8Array.from(WDF_IFR_GUID.data4));
    as.setU32(this.address + H.Base, this.base);
    as.setU32(this.address + H.Size, this.size);
    as.write(this.address + H.DriverName, new TextEncoder().encode(driverName.slice(0, 31)));
  }

  /** Append one message (cut to the recorder's 256 bytes). */
  write(message: string): void {
    const as = this.fx.k.as;
    const text = new TextEncoder().encode(message.replace(/[^\x20-\x7e]/g, '?').slice(0, WDF_IFR_MAX_MESSAGE - 1));
    const length = (WDF_IFR_RECORD.size + text.length + 1 + 3) & ~3;
    let at = this.current;
    if (at + length > this.size) at = 0;
    const r = this.base + at;
    this.sequence++;
    as.zero(r, length);
    as.setU16(r + R.Signature, WDF_IFR_RECORD_SIGNATURE);
    as.setU16(r + R.Length, length);
    as.setU32(r + R.Sequence, this.sequence);
    as.setU16(r + R.PrevOffset, this.previous);
    as.setU32(r + R['MessageGuid.Data1'], WDF_IFR_GUID.data1);
    as.write(r + WDF_IFR_RECORD.size, text);
    this.previous = at;
    this.current = at + length;
    as.setU32(this.address + H.Offset, ((this.previous << 16) | this.current) >>> 0);
    as.setU32(this.address + H.Sequence, this.sequence);
  }

  /** Nothing written yet (the log may still be made another size). */
  get empty(): boolean {
    return this.sequence === 0;
  }

  release(): void {
    this.fx.free(this.address, WDF_IFR_TAG);
  }
}

/** Types whose creation has a line of its own (FxDriver::Initialize, ...; a request's is its queuing): no generic creation line. */
export const IFR_OWN_LINES: readonly number[] = [FX_TYPE.Driver, FX_TYPE.Device, FX_TYPE.Queue, FX_TYPE.Request];

/** `IRP_MJ_DEVICE_CONTROL` for the recorder's lines. */
export function irpMajorName(major: number): string {
  const name = Object.entries(IRP_MJ).find(([, v]) => v === major)?.[0];
  return name ? `IRP_MJ_${name}` : `IRP_MJ 0x${major.toString(16)}`;
}

/** `0x...` as the recorder writes handles and addresses. */
export const ifrHex = (v: number): string => `0x${(v >>> 0).toString(16)}`;
