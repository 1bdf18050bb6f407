/**
 * The framework's verifier hooks: what a driver can call (WdfVerifierDbgBreakPoint) and how a
 * verifier finding that Windows only breaks on surfaces here (FxVerifierDbgBreakPoint).
 */
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';

/**
 * FxVerifierDbgBreakPoint: the framework's verifier found a driver error it reports without a bug
 * check. The in-flight recorder has the line; with a kernel debugger attached the machine breaks,
 * and the message Windows prints tells where to look.
 */
export function verifierBreak(fx: Framework, g: FxDriverGlobals, routine: string, text: string): void {
  g.record(routine, text);
  if (!g.verifierOn) return;
  fx.k.debugPrint(`WDF detected potentially invalid operation by ${g.name}.sys. Dump the driver log (!wdflogdump ${g.name}.sys) for more information.`);
}

export function verifierExports(fx: Framework): Record<string, WdfDdi> {
  return {
    WdfVerifierDbgBreakPoint(g) {
      // Breaks only when the driver's framework verifier is on and a kernel debugger is attached.
      if (g.verifierOn && fx.k.kdDebuggerEnabled) fx.frame('FxVerifierDbgBreakPoint', () => fx.k.debugBreak({ code: 0, params: [0, 0, 0, 0], message: ['WdfVerifierDbgBreakPoint'], culprit: { module: g.name }, breakpoint: 'DbgBreakPoint' }));
    },
  };
}
