/**
 * One trace message as a line, with tracefmt's default prefix `[%9!d!]%8!04X!.%3!04X!::%4!s! [%1!s!]`:
 * [CPU]PID.TID::time [friendly name of the message's GUID], then the text (Microsoft's "Trace
 * Message Prefix"). The time is the session's system time in UTC, MM/DD/YYYY-HH:MM:SS.mmm.
 */
import { BOOT_SYSTEM_TIME } from '../ke/clock.ts';
import type { TraceRecord } from './session.ts';

/** 100 ns units between 1601-01-01 (FILETIME) and 1970-01-01 (Unix). */
const FILETIME_UNIX_EPOCH = 116444736000000000n;

export function traceTime(time: number): string {
  const d = new Date(Number((BOOT_SYSTEM_TIME + BigInt(time) - FILETIME_UNIX_EPOCH) / 10_000n));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

export function traceLine(r: TraceRecord): string {
  return `[${r.cpu}]${hex4(r.pid)}.${hex4(r.tid)}::${traceTime(r.time)} [${r.name}]${r.text}`;
}
