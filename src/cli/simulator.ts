/**
 * What dv's commands run, behind one dynamic import in main.ts: `dv --help`, `dv verifier` and a usage error
 * never load (nor, from the bundle, compile) the kernel, the loader and the debugger.
 */
export { DebugTarget } from '../debugger/target.ts';
export { execute, interpret, isQuit } from '../debugger/engine.ts';
export { complete } from '../debugger/complete.ts';
export { DumpError, parseDump, serializeDump } from '../debugger/dump.ts';
export { SimulatorError } from '../kernel/errors.ts';
export { parseResourceSpec, ResourceSpecError } from '../kernel/pnp/resources.ts';
export { runDriver } from '../system/run.ts';
export { MAX_FAULT_RUNS, runExhaustive } from '../system/exhaustive.ts';
export { moduleNameOf } from '../loader/loader.ts';
export { DUMP_MAX_BYTES } from '../system/capture.ts';
export { stdioDebugger } from '../system/kd-session.ts';
export { exhaustiveHeader, exhaustiveJson, exhaustiveRow, exhaustiveSummary, faultLines } from './faults-report.ts';
export { fatalErrorLines, outcomeJson, summaryLine } from './report.ts';
export { demoCommands, DEMO_IOCTLS, demoDriverPath } from './demo.ts';
export { readRegistrySeed } from './registry-file.ts';
export { sarifLog } from './sarif.ts';
export { junitXml } from './junit.ts';
