/**
 * The WPP recorder (Inflight Trace Recorder, WppRecorder.sys on Windows): per driver, in-memory
 * logs its WPP messages go to besides the trace session, so a dump shows a driver's recent messages
 * without any trace session running (`!rcdrkd.rcdrlogdump`). A driver built in recorder mode
 * (ENABLE_WPP_RECORDER, dv/wpp.h) starts the recorder in WPP_INIT_TRACING (WppAutoLogStart: the
 * driver's default log, unless WppRecorderConfigure turns it off), logs each message that passes the
 * recorder's filter (not verbose, by default) to a log (WppAutoLogTrace: the default log, or the
 * RECORDER_LOG a trace call names with IFRLOG), and stops it in WPP_CLEANUP (WppAutoLogStop: every
 * log of the driver goes). A driver is known by its WPP control blocks (the WppCb each
 * wpprecorder.h macro passes).
 *
 * Each log is a block of nonpaged pool of its TotalBufferSize (the RECORDER_LOG handle is its
 * address) holding its messages' text as a ring; the messages are formatted as they are logged
 * with the image's TMFs (as the trace session's are) and kept here, the oldest dropped when the
 * text would not fit the buffer.
 */
import { DRIVER_OBJECT } from '../../nt/layout.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { STATUS } from '../../nt/status.ts';
import {
  RECORDER_CONFIGURE_PARAMS, RECORDER_DEFAULT_LOG_SIZE, RECORDER_LOG_CREATE_PARAMS,
  RECORDER_LOG_IDENTIFIER_MAX_CHARS, RECORDER_LOG_MAX_TOTAL_BUFFER_SIZE, WPP_TRACE_CONTROL_BLOCK,
} from '../../nt/wpp-recorder.ts';
import type { ArgSource } from '../rtl/format.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import { messageBytes, messageGuidAt } from './exports.ts';
import { traceSession, type TraceRecord } from './session.ts';

const CP = RECORDER_CONFIGURE_PARAMS.off;
const LP = RECORDER_LOG_CREATE_PARAMS.off;
/** What each message costs in a log besides its text: the recorder's per-entry header. */
const ENTRY_OVERHEAD = 16;
const CB = WPP_TRACE_CONTROL_BLOCK.off;

/** A NUL-terminated ANSI string of at most `max` bytes. */
function cString(k: Kernel, address: number, max: number): string {
  let text = '';
  for (let i = 0; i < max; i++) {
    const c = k.as.u8(address + i);
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  return text;
}

export interface RecorderLog {
  readonly address: number;
  readonly size: number;
  readonly tag: number;
  identifier: string;
  readonly isDefault: boolean;
  readonly records: TraceRecord[];
  /** Messages dropped from the front to make room. */
  lost: number;
  /** Where the next message's text goes in the ring. */
  writeOffset: number;
  used: number;
}

export interface RecorderClient {
  /** The driver's name (its DRIVER_OBJECT's, without \Driver\). */
  readonly driver: string;
  readonly wppCb: number;
  readonly controlBlocks: number;
  readonly logs: RecorderLog[];
  sequence: number;
}

export class WppRecorder {
  readonly clients = new Map<number, RecorderClient>();

  constructor(private readonly k: Kernel) {}

  /** WppAutoLogStart: the driver's default log, its handle in each control block's AutoLogContext. */
  start(wppCb: number, driverObject: number): void {
    if (wppCb === 0 || this.clients.has(wppCb)) return;
    const driver = driverObject === 0 ? 'unknown' : this.k.io.readUnicodeString(driverObject + DRIVER_OBJECT.off.DriverName!).replace(/^\\Driver\\/, '');
    // The control blocks are the driver's WPP_MAIN_CB array: count them along Next.
    let count = 1;
    for (let cb = this.k.as.u32(wppCb + CB.Next!); cb !== 0 && count < 64; cb = this.k.as.u32(cb + CB.Next!)) count++;
    const client: RecorderClient = { driver, wppCb, controlBlocks: count, logs: [], sequence: 0 };
    this.clients.set(wppCb, client);
    this.createDefault(client);
  }

  private createDefault(client: RecorderClient): void {
    const log = this.allocate(client, RECORDER_DEFAULT_LOG_SIZE, TAG.WppRecorder, client.driver, true);
    this.setAutoLogContext(client, log?.address ?? 0);
  }

  private setAutoLogContext(client: RecorderClient, handle: number): void {
    for (let i = 0; i < client.controlBlocks; i++) this.k.as.setU32(client.wppCb + i * WPP_TRACE_CONTROL_BLOCK.size + CB.AutoLogContext!, handle);
  }

  /** WppAutoLogStop: every log of the driver goes. */
  stop(wppCb: number): void {
    const client = this.clients.get(wppCb);
    if (!client) return;
    for (const log of client.logs.splice(0)) this.k.ddi.ExFreePoolWithTag(log.address, log.tag);
    this.setAutoLogContext(client, 0);
    this.clients.delete(wppCb);
  }

  /** WppRecorderConfigure: CreateDefaultLog FALSE deletes the default log (messages without IFRLOG then go nowhere). */
  configure(wppCb: number, params: number): void {
    const client = this.clients.get(wppCb);
    if (!client || params === 0 || this.k.as.u32(params + CP.Size!) !== RECORDER_CONFIGURE_PARAMS.size) return;
    const wanted = this.k.as.u8(params + CP.CreateDefaultLog!) !== 0;
    const current = this.defaultLog(client);
    if (!wanted && current) this.delete(client, current);
    if (wanted && !current) this.createDefault(client);
    if (!wanted) this.setAutoLogContext(client, 0);
  }

  defaultLog(client: RecorderClient): RecorderLog | undefined {
    return client.logs.find((l) => l.isDefault);
  }

  /** WppRecorderLogCreate. */
  create(wppCb: number, params: number, out: number): number {
    const as = this.k.as;
    const client = this.clients.get(wppCb);
    if (params === 0 || out === 0) return STATUS.INVALID_PARAMETER;
    as.setU32(out, 0);
    // Without WPP_INIT_TRACING first there is no recorder for the driver (the DDI reference's order).
    if (!client) return STATUS.INVALID_DEVICE_STATE;
    if (as.u32(params + LP.Size!) !== RECORDER_LOG_CREATE_PARAMS.size) return STATUS.INVALID_PARAMETER;
    const size = as.u32(params + LP.TotalBufferSize!);
    if (size === 0 || size > RECORDER_LOG_MAX_TOTAL_BUFFER_SIZE || as.u32(params + LP.ErrorPartitionSize!) > size) return STATUS.INVALID_PARAMETER;
    let identifier = cString(this.k, params + LP.LogIdentifier!, RECORDER_LOG_IDENTIFIER_MAX_CHARS);
    if (as.u8(params + LP.LogIdentifierAppendValueSet!) !== 0) identifier += ` ${as.u32(params + LP.LogIdentifierAppendValue!).toString(16)}`;
    const log = this.allocate(client, size, as.u32(params + LP.LogTag!) || TAG.WppRecorder, identifier, false);
    if (!log) return STATUS.INSUFFICIENT_RESOURCES;
    as.setU32(out, log.address);
    return STATUS.SUCCESS;
  }

  private allocate(client: RecorderClient, size: number, tag: number, identifier: string, isDefault: boolean): RecorderLog | undefined {
    const address = this.k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, size, tag) >>> 0;
    if (address === 0) return undefined;
    this.k.as.zero(address, size);
    const log: RecorderLog = { address, size, tag, identifier, isDefault, records: [], lost: 0, writeOffset: 0, used: 0 };
    client.logs.push(log);
    return log;
  }

  /** The log a handle names, and its driver: a handle no driver holds (deleted, never made) is undefined. */
  find(handle: number): { client: RecorderClient; log: RecorderLog } | undefined {
    for (const client of this.clients.values()) {
      const log = client.logs.find((l) => l.address === handle);
      if (log) return { client, log };
    }
    return undefined;
  }

  delete(client: RecorderClient, log: RecorderLog): void {
    const i = client.logs.indexOf(log);
    if (i < 0) return;
    client.logs.splice(i, 1);
    this.k.ddi.ExFreePoolWithTag(log.address, log.tag);
  }

  /** WppAutoLogTrace: the message into the log `handle` names (nothing for NULL: no default log). */
  trace(handle: number, guidAddress: number, number: number, bytes: Uint8Array): void {
    const found = handle === 0 ? undefined : this.find(handle);
    if (!found || guidAddress === 0) return;
    const { client, log } = found;
    const record = traceSession(this.k).format(this.k, ++client.sequence, messageGuidAt(this.k, guidAddress), number, bytes);
    const text = new TextEncoder().encode(`${record.text}\n`);
    const cost = text.length + ENTRY_OVERHEAD;
    if (cost > log.size) {
      log.lost++;
      return;
    }
    log.records.push(record);
    log.used += cost;
    while (log.used > log.size) {
      const old = log.records.shift()!;
      log.used -= new TextEncoder().encode(`${old.text}\n`).length + ENTRY_OVERHEAD;
      log.lost++;
    }
    // The text into the ring, wrapping at the end of the block.
    for (let i = 0; i < text.length; i++) {
      this.k.as.setU8(log.address + log.writeOffset, text[i]!);
      log.writeOffset = (log.writeOffset + 1) % log.size;
    }
  }
}

const recorders = new WeakMap<Kernel, WppRecorder>();

export function wppRecorder(k: Kernel): WppRecorder {
  let r = recorders.get(k);
  if (!r) recorders.set(k, (r = new WppRecorder(k)));
  return r;
}

export function wppRecorderExports(k: Kernel) {
  const recorder = () => wppRecorder(k);
  return {
    WppAutoLogStart(WppCb: number, DriverObject: number, _RegistryPath: number): void {
      recorder().start(WppCb >>> 0, DriverObject >>> 0);
    },
    WppAutoLogStop(WppCb: number, _DriverObject: number): void {
      recorder().stop(WppCb >>> 0);
    },
    /** The variable arguments are WmiTraceMessage's: (PVOID, SIZE_T) pairs ending with a NULL pointer. */
    WppAutoLogTrace(AutoLogContext: number, _MessageLevel: number, _MessageFlags: number, MessageGuid: number, MessageNumber: number, ...rest: (number | bigint | ArgSource)[]): void {
      recorder().trace(AutoLogContext >>> 0, MessageGuid >>> 0, MessageNumber & 0xffff, messageBytes(k, rest));
    },
    imp_WppRecorderConfigure(WppCb: number, ConfigureParams: number): void {
      recorder().configure(WppCb >>> 0, ConfigureParams >>> 0);
    },
    imp_WppRecorderLogCreate(WppCb: number, CreateParams: number, RecorderLog: number): number {
      return recorder().create(WppCb >>> 0, CreateParams >>> 0, RecorderLog >>> 0);
    },
    imp_WppRecorderLogDelete(WppCb: number, RecorderLog: number): void {
      const client = recorder().clients.get(WppCb >>> 0);
      const log = client?.logs.find((l) => l.address === RecorderLog >>> 0);
      // The default log is the recorder's to delete (WPP_CLEANUP), not the driver's.
      if (client && log && !log.isDefault) recorder().delete(client, log);
    },
    imp_WppRecorderLogGetDefault(WppCb: number): number {
      const client = recorder().clients.get(WppCb >>> 0);
      return (client && recorder().defaultLog(client)?.address) || 0;
    },
    imp_WppRecorderIsDefaultLogAvailable(WppCb: number): number {
      const client = recorder().clients.get(WppCb >>> 0);
      return client && recorder().defaultLog(client) ? 1 : 0;
    },
    imp_WppRecorderLogSetIdentifier(WppCb: number, RecorderLog: number, LogIdentifier: number): void {
      const client = recorder().clients.get(WppCb >>> 0);
      const log = client?.logs.find((l) => l.address === RecorderLog >>> 0);
      if (log && !log.isDefault && LogIdentifier !== 0) log.identifier = cString(k, LogIdentifier >>> 0, RECORDER_LOG_IDENTIFIER_MAX_CHARS);
    },
    /** The default log's buffer and the driver's first control GUID (what a live dump takes of the driver). */
    imp_WppRecorderDumpLiveDriverData(WppCb: number, OutBuffer: number, OutBufferLength: number, Guid: number): number {
      const client = recorder().clients.get(WppCb >>> 0);
      const log = client && recorder().defaultLog(client);
      if (!client || !log || OutBuffer === 0 || OutBufferLength === 0 || Guid === 0) return STATUS.UNSUCCESSFUL;
      k.as.setU32(OutBuffer >>> 0, log.address);
      k.as.setU32(OutBufferLength >>> 0, log.size);
      const controlGuid = k.as.u32(client.wppCb + CB.ControlGuid!);
      k.as.write(Guid >>> 0, controlGuid !== 0 ? k.as.read(controlGuid, 16) : new Uint8Array(16));
      return STATUS.SUCCESS;
    },
  };
}

