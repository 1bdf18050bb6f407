/** How a run's outcome is printed and written for tools. Returns text; the caller prints. */
import { bugCheckInfo, bugCheckName, hasSubcodes, subcode } from '../nt/bugcheck.ts';
import { formatTag } from '../nt/pool.ts';
import { formatSymbol } from '../kernel/symbols.ts';
import { HEX8, hex } from '../debugger/format.ts';
import type { RunOutcome } from '../system/run.ts';
import type { BreakRecord } from '../system/kd-session.ts';
import { IRP_MJ } from '../nt/io.ts';
import type { RunJson } from './run-json.ts';
import { statusName } from '../nt/status.ts';
import { faultsJson } from './faults-report.ts';

/** `IRP_MJ_READ` and friends, by code, for the JSON's requests. */
export const IRP_MJ_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(IRP_MJ).map(([name, code]) => [code, `IRP_MJ_${name}`]));

const X8 = (n: number) => '0x' + HEX8(n);
const hexs = (n: number) => '0x' + hex(n);

/** The two lines kd prints when the machine stops. */
export function fatalErrorLines(code: number, params: readonly number[]): string[] {
  return [`*** Fatal System Error: 0x${(code >>> 0).toString(16).padStart(8, '0')}`, ` (${params.map(X8).join(',')})`];
}

/** One line saying what stopped the machine. */
export function summaryLine(outcome: RunOutcome): string {
  if (outcome.hang) return `${outcome.driver}: hang: ${outcome.hang.reason}`;
  const bc = outcome.bugCheck;
  if (!bc) {
    const last = outcome.breaks[outcome.breaks.length - 1];
    const stopOf = (b: BreakRecord) => `${hexs(b.code)}/${hexs(b.params[0]!)} without a debugger${stopText(b.code, b.params)}`;
    if (outcome.quit && last) return `${outcome.driver}: the debugger session ended at ${last.breakpoint ? `a breakpoint (nt!${last.breakpoint})` : 'a Driver Verifier break'} (${stopOf(last)}).`;
    const life = outcome.unloaded ? 'unloaded clean' : 'stayed loaded';
    const end = outcome.shutDown ? ', and the machine shut down' : '';
    if (outcome.driverEntryStatus !== null) return `${outcome.driver}: no bug check; DriverEntry answered an injected failure with ${statusName(outcome.driverEntryStatus)} and the driver did not load${end}.`;
    const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;
    const verifier = outcome.breaks.filter((b) => !b.breakpoint);
    const breakpoints = outcome.breaks.filter((b) => b.breakpoint);
    const said = [
      ...(verifier.length ? [`Driver Verifier broke in ${times(verifier.length)} (${stopOf(verifier[verifier.length - 1]!)})`] : []),
      ...(breakpoints.length ? [`the driver hit a breakpoint ${times(breakpoints.length)} (${stopOf(breakpoints[breakpoints.length - 1]!)})`] : []),
    ];
    if (said.length) return `${outcome.driver}: ${said.join('; ')}; continued: the driver ${life}${end}.`;
    return `${outcome.driver}: no bug check; the driver loaded, ran and ${life}${end}.`;
  }
  const what = stopText(bc.code, bc.params);
  const extra = bc.code === 0xc4 && bc.params[0] === 0x62 ? ` (${outcome.leakCount} allocation${outcome.leakCount === 1 ? '' : 's'} not freed)` : '';
  return `${outcome.driver}: bug check ${hexs(bc.code)} ${bugCheckName(bc.code)}${what}${extra}`;
}

/** `: <what the stop means>`, from the Parameter 1 table or the code's description. */
function stopText(code: number, params: readonly number[]): string {
  if (hasSubcodes(code)) return `: ${subcode(code, params[0]!)?.args[0]?.[0] ?? `Parameter 1 = ${hexs(params[0]!)}`}`;
  return bugCheckInfo(code).description[0] ? `: ${bugCheckInfo(code).description[0]}` : '';
}

/** At most this many leaks are listed in the JSON (`leakCount` has them all). */
export const JSON_LEAKS_LISTED = 10_000;

/** The machine-readable outcome: numbers as hex strings. Read from the live machine: it needs no dump. */
export function outcomeJson(outcome: RunOutcome): RunJson {
  const modules = outcome.machine.kernel.modules;
  const frame = (pc: number) => ({ address: hexs(pc), symbol: formatSymbol(modules, pc) });
  return {
    driver: outcome.driver,
    bugcheck: outcome.bugCheck ? { code: hexs(outcome.bugCheck.code), name: outcome.bugCheck.name, parameters: outcome.bugCheck.params.map(hexs) } : null,
    hang: outcome.hang,
    open: outcome.open ? { name: outcome.open.name, status: hexs(outcome.open.status) } : null,
    requests: outcome.requests.map((r) => ({
      major: IRP_MJ_NAMES[r.major] ?? hexs(r.major),
      ...(r.code !== undefined ? { code: hexs(r.code) } : {}),
      status: hexs(r.status),
      information: hexs(r.information),
      output: Buffer.from(r.output).toString('hex'),
    })),
    ...(outcome.processes.length > 0
      ? {
          processes: outcome.processes.map((p) => ({
            image: p.image,
            pid: p.pid === undefined ? null : hexs(p.pid),
            status: hexs(p.status),
            opens: p.opens.map((o) => ({ desiredAccess: hexs(o.desiredAccess), grantedAccess: hexs(o.grantedAccess) })),
          })),
        }
      : {}),
    ...(outcome.pnp
      ? {
          pnp: {
            instancePath: outcome.pnp.instancePath,
            hardwareIds: [...outcome.pnp.hardwareIds],
            addDevice: hexs(outcome.pnp.addDevice),
            irps: outcome.pnp.irps.map((i) => ({ minor: i.name, status: hexs(i.status), information: hexs(i.information) })),
            state: outcome.pnp.state,
            ...(outcome.pnp.children.length > 0
              ? {
                  children: outcome.pnp.children.map((c) => ({
                    instancePath: c.instancePath,
                    hardwareIds: c.hardwareIds,
                    service: c.service,
                    irps: c.irps.map((i) => ({ minor: i.name, ...(i.detail !== undefined ? { detail: i.detail } : {}), status: hexs(i.status), information: hexs(i.information) })),
                    state: c.state,
                  })),
                }
              : {}),
          },
        }
      : {}),
    ...(outcome.faults ? { faults: faultsJson(outcome) } : {}),
    leakCount: outcome.leakCount,
    leaks: outcome.leaksFirst(JSON_LEAKS_LISTED).map((a) => ({
      address: hexs(a.address),
      size: hexs(a.size),
      tag: formatTag(a.tag),
      poolType: hexs(a.poolType),
      kind: a.kind,
      caller: frame(a.caller),
      thread: hexs(a.thread),
      stack: a.stack.map(frame),
    })),
  };
}
