/**
 * The framework's in-flight recorder (IFR) as it lies in memory: one circular log per client
 * driver in nonpaged pool, a WDF_IFR_HEADER then the records (fxifr.h's shapes, as the reference
 * gives them). The framework writes it (src/wdf/ifr.ts); the debugger reads it from a dump
 * (`!wdfkd.wdflogdump`, `!analyze -v` on 0x10D) with `readIfrLog` below, so both agree on one layout.
 *
 * Windows' records hold WPP arguments formatted later through a TMF file; ours hold the message's
 * text (ASCII, NUL-terminated) as the argument bytes, so no TMF is needed to read them [INF].
 */
import { array, struct } from './layout.ts';

const GUID = struct('GUID', [['Data1', 'u32'], ['Data2', 'u16'], ['Data3', 'u16'], ['Data4', array('u8', 8)]]);

/** WDF_IFR_HEADER. `Offset` is WDF_IFR_OFFSET: Current (next write) in the low 16 bits, Previous (newest record) in the high 16. */
export const WDF_IFR_HEADER = struct('WDF_IFR_HEADER', [
  ['Guid', GUID],
  ['Base', 'ptr'],
  ['Size', 'u32'],
  ['Offset', 'u32'],
  ['Sequence', 'i32'],
  ['DriverName', array('u8', 32)],
  ['UseTimeStamp', 'u8'],
  ['PreciseTimeStamp', 'u8'],
]);

/** WDF_IFR_RECORD (without the optional time stamp: UseTimeStamp is 0), followed by its argument bytes. */
export const WDF_IFR_RECORD = struct('WDF_IFR_RECORD', [
  ['Signature', 'u16'],
  ['Length', 'u16'],
  ['Sequence', 'i32'],
  ['PrevOffset', 'u16'],
  ['MessageNumber', 'u16'],
  ['MessageGuid', GUID],
]);

/** WDF_IFR_RECORD_SIGNATURE: the C character constant 'L2'. */
export const WDF_IFR_RECORD_SIGNATURE = 0x4c32;
/** Messages are at most 256 bytes (the text and its NUL here). */
export const WDF_IFR_MAX_MESSAGE = 256;
/** The log is 1 page by default and at most 16 (64 KB: its offsets are 16-bit). */
export const WDF_IFR_DEFAULT_PAGES = 1;
export const WDF_IFR_MAX_PAGES = 16;
/** The KMDF trace provider's GUID (KMDFv1 Trace Provider), the header's Guid. */
export const WDF_IFR_GUID = { data1: 0x544d4c9d, data2: 0x942c, data3: 0x46d5, data4: [0xbf, 0x50, 0xdf, 0x5c, 0xd9, 0x52, 0x4a, 0x50] } as const;
/** The pool tag of the log block ('FxLg' read as a ULONG) [INF]. */
export const WDF_IFR_TAG = 0x674c7846;

/**
 * The log's size in pages from Parameters\Wdf: LogPages 0 is 1, above 16 is 5 when the verifier
 * and VerboseOn are both on and 1 otherwise (the reference's table).
 */
export function ifrLogPages(logPages: number | undefined, verifierOn = false, verboseOn = false): number {
  if (logPages === undefined || logPages === 0) return WDF_IFR_DEFAULT_PAGES;
  if (logPages > WDF_IFR_MAX_PAGES) return verifierOn && verboseOn ? 5 : WDF_IFR_DEFAULT_PAGES;
  return logPages;
}

/** Reads of dumped (or live) memory: undefined where the memory is not there. */
export interface IfrMemory {
  u16(address: number): number | undefined;
  u32(address: number): number | undefined;
  cstring(address: number, max?: number): string | undefined;
}

export interface IfrRecord {
  readonly sequence: number;
  readonly text: string;
}

export interface IfrLog {
  readonly driverName: string;
  /** Where the records are (WDF_IFR_HEADER.Base) and how many bytes they may use. */
  readonly base: number;
  readonly size: number;
  /** Oldest first: the records still in the log (the older ones were overwritten). */
  readonly records: readonly IfrRecord[];
}

const H = WDF_IFR_HEADER.off;
const R = WDF_IFR_RECORD.off;

/**
 * The records of the log whose header is at `header`, oldest first: from the newest record back
 * along PrevOffset while each is intact (its signature, the sequence one below the last) and not
 * overwritten (after the walk crosses the wrap, a record must lie at or past the next write).
 * Undefined when the header is not in memory or is not a log's.
 */
export function readIfrLog(m: IfrMemory, header: number): IfrLog | undefined {
  const base = m.u32(header + H.Base);
  const size = m.u32(header + H.Size);
  const offset = m.u32(header + H.Offset);
  const sequence = m.u32(header + H.Sequence);
  if (base === undefined || size === undefined || offset === undefined || sequence === undefined) return undefined;
  if (m.u32(header + H.Guid) !== WDF_IFR_GUID.data1) return undefined;
  const driverName = m.cstring(header + H.DriverName, 32) ?? '';
  const current = offset & 0xffff;
  let at = offset >>> 16;
  let expected = sequence | 0;
  let wrapped = false;
  let last = Number.POSITIVE_INFINITY;
  const records: IfrRecord[] = [];
  while (expected > 0) {
    if (at >= last) {
      // The walk went up: it crossed the wrap. Twice is impossible; the older part starts at the next write.
      if (wrapped) break;
      wrapped = true;
    }
    if (wrapped && at < current) break;
    if (at + WDF_IFR_RECORD.size > size) break;
    const r = base + at;
    if (m.u16(r + R.Signature) !== WDF_IFR_RECORD_SIGNATURE || (m.u32(r + R.Sequence)! | 0) !== expected) break;
    const length = m.u16(r + R.Length) ?? 0;
    if (at + length > size || length < WDF_IFR_RECORD.size) break;
    const text = m.cstring(r + WDF_IFR_RECORD.size, length - WDF_IFR_RECORD.size);
    if (text === undefined) break;
    records.push({ sequence: expected, text });
    last = at;
    at = m.u16(r + R.PrevOffset) ?? 0;
    expected--;
  }
  return { driverName, base, size, records: records.reverse() };
}
