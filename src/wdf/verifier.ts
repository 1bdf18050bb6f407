/**
 * The framework's verifier hooks: what a driver can call (WdfVerifierDbgBreakPoint) and how a
 * verifier finding that Windows only breaks on surfaces here (FxVerifierDbgBreakPoint).
 */
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';

/**
 * FxVerifierDbgBreakPoint: the framework's verifier found a driver error it reports without a bug
 * check of its own. The in-flight recorder has the line, the debug output the framework's message,
 * and with DbgBreakOnError (on with VerifierOn) the framework breaks: kd> under --debugger (g goes
 * on), and without a debugger the breakpoint nobody takes, 0x1E KMODE_EXCEPTION_NOT_HANDLED with
 * STATUS_BREAKPOINT, as an int 3 in a kernel without a debugger is on Windows (and as DbgBreakPoint
 * is here). Not 0x10D: Windows raises none for these.
 */
export function verifierBreak(fx: Framework, g: FxDriverGlobals, routine: string, text: string): void {
  g.record(routine, text);
  if (!g.verifierOn) return;
  fx.k.debugPrint(`WDF detected potentially invalid operation by ${g.name}.sys. Dump the driver log (!wdflogdump ${g.name}.sys) for more information.`);
  // DbgBreakOnError: an int 3, as the framework's own; without a kernel debugger that is 0x1E (STATUS_BREAKPOINT).
  if (g.dbgBreakOnError) fx.frame('FxVerifierDbgBreakPoint', () => fx.k.ddi.DbgBreakPoint());
}

export function verifierExports(fx: Framework): Record<string, WdfDdi> {
  return {
    WdfVerifierDbgBreakPoint(g) {
      // Breaks only when the driver's framework verifier is on and a kernel debugger is attached.
      if (g.verifierOn && fx.k.kdDebuggerEnabled) fx.frame('FxVerifierDbgBreakPoint', () => fx.k.debugBreak({ code: 0, params: [0, 0, 0, 0], message: ['WdfVerifierDbgBreakPoint'], culprit: { module: g.name }, breakpoint: 'DbgBreakPoint' }));
    },
  };
}
