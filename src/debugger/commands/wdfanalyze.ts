/**
 * What `!analyze -v` adds for 0x10D WDF_VIOLATION: the driver the framework charged (Parameter 4
 * is its globals), the documentation's next steps for the Parameter 1 at hand (`ln P3` for a NULL
 * parameter, `!wdfkd.wdfhandle P2` for an object error, `!wdfkd.wdflogdump` always), and the tail
 * of the driver's in-flight recorder, which Windows puts in the dump on every 0x10D (and on the
 * stops listed below when a KMDF driver is blamed).
 */
import { WDF_BUGCHECK } from '../../nt/wdf.ts';
import { readIfrLog } from '../../nt/wdf-ifr.ts';
import type { WdfClientSnapshot } from '../dump.ts';
import type { DebugTarget } from '../target.ts';
import { defaultClient, h } from './wdfcommon.ts';

/** How many of the recorder's newest entries `!analyze -v` shows (`!wdflogdump` shows them all). */
export const IFR_TAIL = 10;

/** The stops for which Windows puts the blamed KMDF driver's recorder in a minidump (TrackDriverForMiniDumpLog). */
const IFR_IN_DUMP: readonly number[] = [0xd1, 0x0a, 0x20, 0x8e, 0x1e, 0x50, 0x7e];

/**
 * The WDF lines of `!analyze -v`: for 0x10D, the driver its Parameter 4 names; for the stops whose
 * dumps carry the recorder, the blamed module when it is a KMDF driver (a verifier break without a
 * debugger is 0x1E). Nothing for any other stop.
 */
export function wdfAnalyzeLines(t: DebugTarget, code: number, params: readonly number[], blamed: string | undefined): string[] {
  if (code === 0x10d) return violationLines(t, params, defaultClient(t));
  const c = blamed !== undefined && IFR_IN_DUMP.includes(code) ? t.dump.wdf?.clients.find((x) => x.name === blamed) : undefined;
  return c ? violationLines(t, [], c) : [];
}

function violationLines(t: DebugTarget, params: readonly number[], c: WdfClientSnapshot | undefined): string[] {
  const [p1, p2, p3] = params as [number?, number?, number?];
  const driver = c ? `${c.name}.sys` : undefined;
  const out: string[] = [];
  if (driver) out.push(`WDF_DRIVER:  ${driver} (!wdfkd.wdfdriverinfo ${driver})`, '');
  if (p1 === WDF_BUGCHECK.REQUIRED_PARAMETER_IS_NULL) out.push(`WDF_HINT:  ln ${h(p3!)} (where the driver called the framework with NULL)`);
  if (p1 === WDF_BUGCHECK.OBJECT_ERROR) out.push(`WDF_HINT:  !wdfkd.wdfhandle ${h(p2!)} (the object whose last reference went before it was deleted)`);
  out.push(`WDF_HINT:  !wdfkd.wdflogdump${driver ? ` ${driver}` : ''} (the framework's log of what the driver did)`, '');
  const log = c ? readIfrLog(t, c.ifr) : undefined;
  if (log && log.records.length > 0) {
    const tail = log.records.slice(-IFR_TAIL);
    out.push(`WDF_IFR_LOG:  the newest ${tail.length} of ${log.records.length} entries of ${driver}'s in-flight recorder (!wdflogdump ${driver} shows all):`);
    out.push(...tail.map((r) => `    ${r.sequence}: ${r.text}`), '');
  }
  return out;
}
