/** `dv`: argv in, text out, exit codes 0 clean / 1 bug check / 2 usage or tool error. */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatorError } from '../kernel/errors.ts';
import { DebugTarget } from '../debugger/target.ts';
import { execute, isQuit } from '../debugger/engine.ts';
import { DumpError, parseDump, serializeDump } from '../debugger/dump.ts';
import { runDriver, type IoctlRequest } from '../system/run.ts';
import { stdioDebugger } from '../system/kd-session.ts';
import { parseFlags, SettingsError } from '../verifier/settings.ts';
import { fatalErrorLines, outcomeJson, summaryLine } from './report.ts';
import { EXIT } from './exit-codes.ts';
import { parseDuration } from './duration.ts';
import { TICKS_PER_MS } from '../kernel/ke/clock.ts';
import { demoCommands, DEMO_IOCTLS, demoDriverPath } from './demo.ts';

const out = (lines: string[] | string) => process.stdout.write((Array.isArray(lines) ? lines.join('\n') : lines) + '\n');

class UsageError extends Error {}

function parseIoctl(text: string, previous: IoctlRequest[] = []): IoctlRequest[] {
  const [codeS, inputS = '', lenS = '0', initS] = text.split(':');
  const code = Number(codeS);
  if (!codeS || !Number.isInteger(code) || code < 0 || code > 0xffffffff) throw new InvalidArgumentError(`'${codeS}' is not an IOCTL code (e.g. 0x222003)`);
  if (!/^([0-9a-fA-F]{2})*$/.test(inputS)) throw new InvalidArgumentError(`input '${inputS}' is not hex bytes (e.g. 0011aabb)`);
  const outputLength = Number(lenS);
  if (!Number.isInteger(outputLength) || outputLength < 0 || outputLength > 0x100000) throw new InvalidArgumentError(`output length '${lenS}' is not a byte count up to 0x100000`);
  if (initS !== undefined && !/^([0-9a-fA-F]{2})*$/.test(initS)) throw new InvalidArgumentError(`output buffer contents '${initS}' are not hex bytes`);
  const outputInit = initS === undefined ? undefined : Buffer.from(initS, 'hex');
  return [...previous, { code: code >>> 0, input: Buffer.from(inputS, 'hex'), outputLength, outputInit }];
}

function parseVerifier(text: string): number | undefined {
  if (/^(off|none)$/i.test(text)) return undefined;
  try {
    return parseFlags(text);
  } catch (e) {
    throw new InvalidArgumentError((e as SettingsError).message);
  }
}

/** Run commands against a dump, echoing each as kd does with -c. */
function runKdCommands(target: DebugTarget, commands: string[]): void {
  for (const c of commands) {
    out(`kd> ${c}`);
    out(execute(target, c));
  }
}

async function interactive(target: DebugTarget): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'kd> ', terminal: process.stdin.isTTY });
  rl.prompt();
  for await (const line of rl) {
    if (isQuit(line)) break;
    out(execute(target, line));
    rl.prompt();
  }
  rl.close();
}

const program = new Command();
program
  .name('dv')
  .description('Windows Driver Verifier in a deterministic simulated NT kernel')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('demo')
  .description('boot, load the MyDriver sample under /standard, send IOCTLs, unload: the 0xC4/0x62 leak and its analysis')
  .option('--lang <lang>', 'sample language: ts, or c (the C sources in drivers/c/MyDriver, built to wasm)', 'ts')
  .action(async (opts: { lang: string }) => {
    const driver = demoDriverPath(opts.lang);
    const rel = relative(process.cwd(), driver);
    out([`dv demo: verifier /standard /driver MyDriver.sys; loading ${rel.startsWith('..') ? driver : rel}`, '']);
    const outcome = await runDriver({
      driver,
      verifierFlags: parseFlags('standard'),
      ioctls: DEMO_IOCTLS,
      onStep: (s) => out(`  ${s}`),
      onDebugPrint: (l) => out(`  [DbgPrint] ${l}`),
    });
    out('');
    if (!outcome.bugCheck) {
      out([summaryLine(outcome), 'The demo expected a 0xC4/0x62 bug check and none happened.']);
      process.exitCode = 1;
      return;
    }
    out([...fatalErrorLines(outcome.bugCheck.code, outcome.bugCheck.params), '', 'A fatal system error has occurred.', '']);
    runKdCommands(new DebugTarget(outcome.dump), demoCommands(outcome));
    out(['', summaryLine(outcome)]);
  });

program
  .command('run')
  .description('boot, load DRIVER, open its first device, send the IOCTLs in order, close, unload, shut down')
  .argument('<driver>', 'driver image: a TypeScript driver module (.ts)')
  .option('--verifier <flags>', "verifier flags: 'standard', a hex value such as 0x8, or 'off'", parseVerifier, parseFlags('standard'))
  .option('--ioctl <code[:input_hex[:output_length[:output_hex]]]>', 'send an IOCTL (repeatable, in order); output_hex fills the output buffer first (METHOD_IN_DIRECT data)', parseIoctl, [] as IoctlRequest[])
  .option('--dump <file>', 'write the crash dump here when the machine stops')
  .option('--json <file>', 'write the outcome as JSON here')
  .option('--no-stacks', 'do not capture callers and allocation stacks (faster)')
  .option('--debugger', 'attach a kernel debugger: Driver Verifier breaks (the shutdown watchdog) stop at a kd> prompt on stdin; g continues, q quits')
  .option('--timeout <duration>', 'end the run as a hang (exit 4) after this much host time (e.g. 30s, 2m; 0: no limit)', parseDuration, parseDuration('30s'))
  .option('--sim-timeout <duration>', 'end the run as a hang (exit 4) when the simulated clock passes this (e.g. 10m, 1h; 0: no limit)', parseDuration, parseDuration('1h'))
  .action(async (driver: string, opts: { verifier?: number; ioctl: IoctlRequest[]; dump?: string; json?: string; stacks: boolean; debugger?: boolean; timeout: number; simTimeout: number }) => {
    const outcome = await runDriver({
      limits: { hostTime: opts.timeout, simulatedTime: opts.simTimeout * TICKS_PER_MS },
      driver,
      verifierFlags: opts.verifier,
      ioctls: opts.ioctl,
      captureStacks: opts.stacks,
      onDebugPrint: (l) => out(l),
      debugger: opts.debugger ? stdioDebugger() : undefined,
    });
    if (opts.json) writeFileSync(opts.json, JSON.stringify(outcomeJson(outcome), null, 2) + '\n');
    if (outcome.bugCheck) {
      out(fatalErrorLines(outcome.bugCheck.code, outcome.bugCheck.params));
      if (opts.dump) {
        writeFileSync(opts.dump, serializeDump(outcome.dump));
        out(`Crash dump written to ${opts.dump}; open it with: dv kd -z ${opts.dump}`);
      }
    }
    if (outcome.hang && opts.dump) {
      writeFileSync(opts.dump, serializeDump(outcome.dump));
      out(`Forced crash dump (0xE2 MANUALLY_INITIATED_CRASH) of the hung machine written to ${opts.dump}; open it with: dv kd -z ${opts.dump}`);
    }
    out(summaryLine(outcome));
    process.exitCode = outcome.hang ? EXIT.HANG : outcome.bugCheck || outcome.breaks.length > 0 ? EXIT.BUGCHECK : EXIT.CLEAN;
  });

(await import('./build.ts')).registerBuildCommand(program);

program
  .command('kd')
  .description('open a crash dump in a kd-style debugger')
  .requiredOption('-z <file>', 'crash dump file')
  .option('-c <commands>', 'run these commands (separated by ;) and exit')
  .action(async (opts: { z: string; c?: string }) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(opts.z);
    } catch (e) {
      throw new DumpError(`cannot read ${opts.z}: ${(e as Error).message}`);
    }
    const target = new DebugTarget(parseDump(bytes, opts.z));
    out([`Loading Dump File [${opts.z}]`, `${target.dump.system.build}`, '']);
    if (target.dump.bugCheck) out(fatalErrorLines(target.dump.bugCheck.code, target.dump.bugCheck.params).concat(''));
    if (opts.c !== undefined) {
      const cmds = opts.c.split(';').map((s) => s.trim()).filter((s) => s && !isQuit(s));
      runKdCommands(target, cmds);
      return;
    }
    await interactive(target);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof SimulatorError || e instanceof DumpError || e instanceof UsageError || e instanceof SettingsError) {
    process.stderr.write(`dv: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
