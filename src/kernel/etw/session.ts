/**
 * The machine's one WPP trace session (what `tracelog -start` with every provider enabled would be):
 * logger 1, level and flags set per run (by default every flag, TRACE_LEVEL_VERBOSE). A classic
 * provider that registers is enabled at once, as ETW does for a provider a running session names; its
 * messages are kept in order, formatted when logged with the TMFs its image carries. The log is
 * bounded as an ETW buffer is: past MAX_RECORDS the oldest quarter is dropped and counted.
 */
import type { Kernel } from '../kernel.ts';
import { formatMessage, type Tmf, type TmfMessage } from './tmf.ts';

/** TRACE_LEVEL_VERBOSE (evntrace.h). */
export const TRACE_LEVEL_VERBOSE = 5;
/** The session's logger ID: !wmitrace.logdump's default logger. */
export const WPP_LOGGER_ID = 1;
export const MAX_RECORDS = 100_000;

export interface TraceRecord {
  /** Message sequence number of the session, from 1 (TRACE_MESSAGE_SEQUENCE). */
  readonly sequence: number;
  /** 100 ns units since boot. */
  readonly time: number;
  readonly cpu: number;
  readonly pid: number;
  readonly tid: number;
  /** The friendly name of the message's GUID (its source file), or the GUID when no TMF knows it. */
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
  readonly func?: string;
  readonly level?: string;
  readonly flags?: string;
  readonly text: string;
}

interface Provider {
  readonly guid: string;
  readonly module?: string;
}

export class TraceSession {
  /** TRACE_LEVEL_* the providers are enabled with. */
  level = TRACE_LEVEL_VERBOSE;
  /** EnableFlags: every WPP_DEFINE_BIT. */
  flags = 0xffffffff;
  readonly records: TraceRecord[] = [];
  /** Messages dropped from the front of a full log. */
  lost = 0;
  private sequence = 0;
  private readonly formats = new Map<string, { readonly tmf: Tmf; readonly messages: ReadonlyMap<number, TmfMessage> }>();
  readonly providers = new Map<bigint, Provider>();
  private nextHandle = 1n;
  /** Each message as it is logged (`dv run --trace` prints them as they come). */
  onMessage?: (record: TraceRecord) => void;

  /** The TMFs of a loaded image (they stay after it unloads: its messages are still in the log). */
  addFormats(tmfs: readonly Tmf[]): void {
    for (const tmf of tmfs) this.formats.set(tmf.guid.toLowerCase(), { tmf, messages: new Map(tmf.messages.map((m) => [m.n, m])) });
  }

  register(guid: string, module?: string): bigint {
    const handle = this.nextHandle++;
    this.providers.set(handle, { guid, ...(module ? { module } : {}) });
    return handle;
  }

  log(k: Kernel, guid: string, number: number, bytes: Uint8Array): void {
    const record = this.format(k, ++this.sequence, guid, number, bytes);
    this.records.push(record);
    // Trimmed a quarter at a time: a long run (a fuzzer's) pays no copy per message.
    if (this.records.length > MAX_RECORDS) {
      const drop = this.records.length - Math.floor((MAX_RECORDS * 3) / 4);
      this.records.splice(0, drop);
      this.lost += drop;
    }
    this.onMessage?.(record);
  }

  /** A message as a record, formatted now with the TMF of its GUID (the recorder's logs use it too). */
  format(k: Kernel, sequence: number, guid: string, number: number, bytes: Uint8Array): TraceRecord {
    const where = { sequence, time: k.clock.now, cpu: k.prcb.number, pid: k.currentThread.process.id, tid: k.currentThread.id };
    const format = this.formats.get(guid);
    const message = format?.messages.get(number);
    let record: TraceRecord;
    if (!format || !message) {
      // tracefmt's words for a message no TMF describes.
      record = { ...where, name: guid, text: `Unknown( ${number}): GUID=${guid} (No Format Information found).` };
    } else {
      const { level, flags } = message;
      record = {
        ...where,
        name: format.tmf.name,
        file: format.tmf.file,
        line: message.line,
        func: message.func,
        ...(level !== undefined ? { level } : {}),
        ...(flags !== undefined ? { flags } : {}),
        text: formatMessage(message.fmt, format.tmf.types, bytes),
      };
    }
    return record;
  }
}

const sessions = new WeakMap<Kernel, TraceSession>();

export function traceSession(k: Kernel): TraceSession {
  let s = sessions.get(k);
  if (!s) sessions.set(k, (s = new TraceSession()));
  return s;
}
