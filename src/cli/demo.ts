/** The demo scenario: which sample, which requests, and which debugger commands show the leak. */
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatorError } from '../kernel/errors.ts';
import type { IoctlRequest, RunOutcome } from '../system/run.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** IOCTL_MYDRIVER_PROCESS = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_NEITHER, FILE_ANY_ACCESS). */
const IOCTL_MYDRIVER_PROCESS = 0x222003;

/** Three good requests, then one whose input is too short: the path that leaks. */
export const DEMO_IOCTLS: readonly IoctlRequest[] = [
  { code: IOCTL_MYDRIVER_PROCESS, input: Buffer.from('4d794472697665720100000002000000', 'hex'), outputLength: 8 },
  { code: IOCTL_MYDRIVER_PROCESS, input: Buffer.from('4d79447269766572020000000400000008000000', 'hex'), outputLength: 8 },
  { code: IOCTL_MYDRIVER_PROCESS, input: Buffer.from('4d794472697665720300000006000000', 'hex'), outputLength: 8 },
  { code: IOCTL_MYDRIVER_PROCESS, input: Buffer.from('4d79', 'hex'), outputLength: 8 },
];

/** The MyDriver sample: TypeScript source, or the C sources built to wasm (committed, rebuilt by dv build). */
export function demoDriverPath(lang: string): string {
  if (lang === 'ts') return join(ROOT, 'drivers', 'ts', 'MyDriver.ts');
  if (lang === 'c') return join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm');
  throw new SimulatorError(`no demo sample in '${lang}' (available: ts, c)`);
}

/** The seed document's recipe: analyze, list the leaks, find each caller's line, read each block's log. */
export function demoCommands(outcome: RunOutcome): string[] {
  const cmds = ['!analyze -v', `!verifier 3 ${outcome.driver}`];
  for (const a of outcome.leaks) cmds.push(`ln 0x${a.caller.toString(16)}`);
  for (const a of outcome.leaks) cmds.push(`!verifier 0x80 0x${a.address.toString(16)}`);
  return cmds;
}
