/** `dv`: argv in, text out, exit codes from exit-codes.ts (0 clean, 1 bug check, 2 usage, 3 internal, 4 hang). */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunOptions } from '../system/run.ts';
import type { DebugTarget } from '../debugger/target.ts';
import { faultSettings, parseDelay, parseProbability, parseSeed, parseTags, type FaultArgs } from './fault-args.ts';
import type { ChildDriverRequest, PnpRunOptions } from '../system/pnp-run.ts';
import { DEVICE_USAGES, type DeviceUsage } from '../nt/pnp.ts';
import type { ResourceRequest } from '../kernel/pnp/resources.ts';
import { isVerified, parseFlags, SettingsError } from '../verifier/settings.ts';
import { STANDARD_FLAGS } from '../verifier/flags.ts';
import { MemorySizeError, parseMemorySize } from '../kernel/mm/memory-size.ts';
import { parseDuration } from './duration.ts';
import { TICKS_PER_MS } from '../kernel/ke/clock.ts';
import { NUMBER_RULE, parseVerifier } from './args.ts';
import { inOrder, parseInterfaceClass, parseOpenName, requestParsers, type Sequenced } from './requests.ts';
import { parseOpenProcess, parseProcess, processRequests, type OpenProcessArg, type ProcessArg } from './process-args.ts';
import { EXIT } from './exit-codes.ts';
import { parseTraceLevel } from './trace-args.ts';
import type { Progress } from './progress.ts';
import { reportInternalError } from './internal-error.ts';
import { checkOutputs, OutputError, removeStale, writeAtomically } from './outputs.ts';
import { shellQuote } from './quote.ts';
import { persistedBoot, persistedFaultArgs, recordBoot, registerVerifierCommand } from './verifier/command.ts';
import { SwitchError } from './verifier/switches.ts';
import { StateError } from './verifier/state.ts';

const out = (lines: string[] | string) => process.stdout.write((Array.isArray(lines) ? lines.join('\n') : lines) + '\n');

class UsageError extends Error {}

/** The simulator and the debugger, loaded by the commands that run them (see simulator.ts). */
const simulator = () => import('./simulator.ts');
type Simulator = Awaited<ReturnType<typeof simulator>>;

/** An error of the simulator's or the debugger's making that is the user's to fix; loads their classes only on this path. */
async function isSimulatorUsageError(e: unknown): Promise<boolean> {
  const { DumpError, SimulatorError } = await simulator();
  return e instanceof SimulatorError || e instanceof DumpError;
}

/** The dv run options that go with --scenario, and the defaults commander fills in for the others. */
const SCENARIO_OPTIONS = new Set(['scenario', 'dump', 'json', 'html', 'timeout', 'simTimeout', 'stacks']);

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** dv run's PnP options; --remove and --surprise-remove exclude each other, and both need a PnP run. */
function pnpOptions(opts: { pnp?: boolean; hardwareId?: string; remove?: boolean; surpriseRemove?: boolean; stopStart?: boolean; sleep?: boolean; wake?: boolean; resources?: string; childDriver?: ChildDriverRequest[]; filter?: string[]; lowerFilter?: string[]; inf?: string; deviceUsage?: DeviceUsage }, sim: Simulator): PnpRunOptions {
  if (opts.remove && opts.surpriseRemove) throw new UsageError('--remove and --surprise-remove exclude each other');
  const pnpOnly = [
    opts.hardwareId !== undefined && '--hardware-id',
    opts.remove && '--remove',
    opts.surpriseRemove && '--surprise-remove',
    opts.stopStart && '--stop-start',
    opts.sleep && '--sleep',
    opts.wake && '--wake',
    opts.resources !== undefined && '--resources',
    (opts.childDriver?.length ?? 0) > 0 && '--child-driver',
    opts.filter?.length && '--filter',
    opts.lowerFilter?.length && '--lower-filter',
    opts.inf !== undefined && '--inf',
    opts.deviceUsage !== undefined && '--device-usage',
  ].filter(Boolean);
  for (const f of [...(opts.filter ?? []), ...(opts.lowerFilter ?? [])]) {
    if (!existsSync(f)) throw new UsageError(`filter driver ${f} not found`);
  }
  if (opts.pnp === false && pnpOnly.length > 0) throw new UsageError(`${pnpOnly.join(', ')} need${pnpOnly.length === 1 ? 's' : ''} a PnP run, and --no-pnp was given`);
  // --hardware-id and the others ask for the PnP manager, as --pnp does.
  const pnp = opts.pnp === false ? false : opts.pnp === true || pnpOnly.length > 0 ? true : undefined;
  return {
    pnp,
    hardwareId: opts.hardwareId,
    removal: opts.surpriseRemove ? 'surprise-remove' : 'remove',
    stopStart: opts.stopStart,
    sleep: opts.sleep,
    wake: opts.wake,
    resources: resourceRequests(opts.resources, sim),
    childDrivers: opts.childDriver,
    filters: opts.filter,
    lowerFilters: opts.lowerFilter,
    inf: opts.inf,
    deviceUsage: opts.deviceUsage,
  };
}

/** --child-driver HWID=FILE (repeatable): the function driver of a bus driver's children with that ID. */
function parseChildDriver(value: string, previous: ChildDriverRequest[]): ChildDriverRequest[] {
  const at = value.indexOf('=');
  const hardwareId = value.slice(0, Math.max(at, 0));
  const driver = value.slice(at + 1);
  if (at <= 0 || driver === '') throw new InvalidArgumentError(`'${value}' is not HWID=FILE (a hardware ID, '=', a driver file)`);
  if (!existsSync(driver)) throw new InvalidArgumentError(`${driver}: no such driver file`);
  return [...previous, { hardwareId, driver }];
}

/** --resources SPEC; a bad part is a usage error that names it. */
function resourceRequests(spec: string | undefined, { parseResourceSpec, ResourceSpecError }: Simulator): ResourceRequest[] | undefined {
  if (spec === undefined) return undefined;
  try {
    return parseResourceSpec(spec);
  } catch (e) {
    if (e instanceof ResourceSpecError) throw new UsageError(e.message);
    throw e;
  }
}

/** A repeatable option's values, in command-line order. */
const collect = (value: string, previous: string[]): string[] => [...previous, value];

function parseMemory(text: string): number {
  try {
    return parseMemorySize(text);
  } catch (e) {
    throw new InvalidArgumentError((e as MemorySizeError).message);
  }
}

/** Run commands against a dump, echoing each as kd does with -c. False if one named no command. */
async function runKdCommands(target: DebugTarget, commands: string[]): Promise<boolean> {
  const { interpret } = await simulator();
  let known = true;
  for (const c of commands) {
    out(`kd> ${c}`);
    const r = interpret(target, c);
    out(r.output);
    if (r.status === 'unknown') known = false;
  }
  return known;
}

/** Lines the kd prompt remembers for the up arrow. */
const KD_HISTORY_SIZE = 1000;

async function interactive(target: DebugTarget): Promise<void> {
  const { complete, execute, isQuit } = await simulator();
  // A terminal gets kd's comforts: history (up and down arrows) and tab completion of commands and symbols.
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: 'kd> ',
    terminal: process.stdin.isTTY,
    historySize: KD_HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string) => complete(target, line),
  });
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
  .option('--verbose', "print more: the stack of an internal error, the commands dv build runs")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('demo')
  .description('boot, load the MyDriver sample under /standard, send IOCTLs, unload: the 0xC4/0x62 leak and its analysis')
  .option('--lang <lang>', 'sample language: ts, or c (the C sources in drivers/c/MyDriver, built to wasm)', 'ts')
  .action(async (opts: { lang: string }) => {
    const { DebugTarget, DEMO_IOCTLS, demoCommands, demoDriverPath, fatalErrorLines, runDriver, summaryLine } = await simulator();
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
      process.exitCode = EXIT.BUGCHECK;
      return;
    }
    out([...fatalErrorLines(outcome.bugCheck.code, outcome.bugCheck.params), '', 'A fatal system error has occurred.', '']);
    await runKdCommands(new DebugTarget(outcome.dump), demoCommands(outcome));
    out(['', summaryLine(outcome)]);
  });

/** `dv run --faults exhaustive`: the table, as each run ends; the exit code is the worst verdict's. */
async function exhaustive(options: RunOptions, json: string | undefined): Promise<void> {
  const { exhaustiveHeader, exhaustiveJson, exhaustiveRow, exhaustiveSummary, MAX_FAULT_RUNS, moduleNameOf, runExhaustive } = await simulator();
  const { progress: progressBar } = await import('./progress.ts');
  const driver = `${moduleNameOf(options.driver)}.sys`;
  // On a terminal, a bar under the table's rows counts the runs; in a log the rows are the progress.
  let bar: Progress | undefined;
  const result = await runExhaustive(options, {
    onBaseline: (v, points) => {
      const runs = Math.min(points.length, MAX_FAULT_RUNS);
      out(exhaustiveHeader(driver, v, points, runs));
      if (process.stdout.isTTY && !process.env.CI && runs > 0) bar = progressBar(runs, 'failure paths', process.stdout);
    },
    onRun: (r, i) => (bar ? bar.item(exhaustiveRow(r, i)) : out(exhaustiveRow(r, i))),
  });
  bar?.stop();
  out(['', exhaustiveSummary(driver, result)]);
  if (json) writeAtomically(json, JSON.stringify(exhaustiveJson(driver, result), null, 2) + '\n');
  const kinds = new Set(result.runs.map((r) => r.verdict.kind));
  process.exitCode = kinds.has('bugcheck') ? EXIT.BUGCHECK : kinds.has('hang') ? EXIT.HANG : EXIT.CLEAN;
}

const parsers = requestParsers();
program
  .command('run')
  .description('boot, load DRIVER, open its first device (or --open NAME), send the IOCTLs, reads and writes in order, close, unload, shut down')
  .argument('[driver]', 'driver image: a TypeScript driver module (.ts), or a C driver built with dv build (.wasm); not with --scenario')
  .option('--scenario <file>', 'run the steps of a scenario file (YAML or JSON: the machine, then load, open, ioctl, read, write, close, pnp, wait, unload... each with what it must give); see examples/ and docs/scenario.schema.json')
  .addOption(
    new Option('--verifier <flags>', "verifier flags: 'standard', a number such as 0x8 (hex), or 'off' (default: the settings `dv verifier` made, else standard)").argParser(
      (t) => parseVerifier(t) ?? ('off' as const),
    ),
  )
  .option('--ioctl <code[:input_hex[:output_length[:output_hex]]]>', 'send an IOCTL (repeatable; with --read and --write, in the order given); output_hex fills the output buffer first (METHOD_IN_DIRECT data)', parsers.ioctl, [] as Sequenced[])
  .option('--read <length>', 'read LENGTH bytes (IRP_MJ_READ; repeatable, in order)', parsers.read, [] as Sequenced[])
  .option('--write <hex>', 'write these bytes (IRP_MJ_WRITE; repeatable, in order)', parsers.write, [] as Sequenced[])
  .option('--open <name>', "the device to open: \\Device\\X, \\??\\X, \\DosDevices\\X or \\\\.\\X (default: the driver's first named device)", parseOpenName)
  .addOption(new Option('--open-interface <guid>', 'open the first enabled device interface of this class (IoRegisterDeviceInterface, IoSetDeviceInterfaceState) instead of a device name').argParser(parseInterfaceClass).conflicts('open'))
  .option('--process <name[:args]>', 'start a user process after DriverEntry, before the first request (repeatable, in order); it exits before the unload. The drivers\' process, thread and image notify routines see it', parseProcess, [] as ProcessArg[])
  .option('--open-process <name:access>', 'open a handle to the --process NAME with ACCESS (hex) from the client, after the starts: the object callbacks see it (repeatable)', parseOpenProcess, [] as OpenProcessArg[])
  .option('--dump <file>', 'write the crash dump here when the machine stops; a run that stops with no bug check removes an older file at this path')
  .option('--json <file>', 'write the outcome as JSON here')
  .option('--junit <file>', 'write the run as JUnit XML here (CI test reports): a test case per step, load, open, each request, unload, shutdown')
  .option('--sarif <file>', 'write the findings as SARIF 2.1.0 here (code scanning): a result per bug check, or per leak at unload, at the driver\'s source line')
  .option('--html <file>', 'write a self-contained HTML report here: the bug check and its meaning, the stack with source lines, the leaks, pool usage per tag and the IRQL timeline as charts, the requests and their results')
  .option('--coverage <file>', "count how often each basic block of the wasm drivers ran, and write it here as an lcov tracefile (genhtml, editors' coverage views)")
  .option('--no-stacks', 'do not capture callers and allocation stacks (faster)')
  .option('--wdf-verifier', "turn the KMDF framework's verifier on for the KMDF drivers (as Parameters\\Wdf VerifierOn = 1 does; it is on anyway for a driver verified with /standard unless the registry says VerifierOn = 0)")
  .option('--memory <size>', "the machine's physical memory, e.g. 512M or 1G (default 512M); pool limits follow from it", parseMemory)
  .option('--registry <file>', 'seed the registry before the driver loads, from a .reg file (regedit 5.00 / REGEDIT4) or JSON (repeatable, in order)', collect, [] as string[])
  .option('--pnp', 'run the driver under the PnP manager: a root-enumerated device, AddDevice with its PDO, IRP_MN_START_DEVICE; the requests go to the top of its stack (default for a driver that sets AddDevice and creates no device in DriverEntry)')
  .option('--no-pnp', 'do not use the PnP manager, even for a driver that sets AddDevice')
  .option('--hardware-id <id>', 'the hardware ID of the --pnp device (default Root\\DRIVERNAME)')
  .option('--remove', 'end a --pnp run with IRP_MN_QUERY_REMOVE_DEVICE then IRP_MN_REMOVE_DEVICE (the default)')
  .option('--surprise-remove', 'end a --pnp run with IRP_MN_SURPRISE_REMOVAL while the handle is open, then IRP_MN_REMOVE_DEVICE once it is closed')
  .option('--inf <file>', "the driver's INF: the --pnp device's hardware ID (the first model of its [Manufacturer]'s models section), compatible IDs and class (default: an INF of the driver's name beside it; --hardware-id wins)")
  .option('--filter <driver>', 'load this upper filter driver (.ts or .wasm) into the --pnp device\'s stack: its AddDevice runs after the driver\'s and attaches above it (repeatable, in order)', collect, [] as string[])
  .option('--lower-filter <driver>', 'load this lower filter driver into the --pnp device\'s stack, between the PDO and the driver (repeatable, in order)', collect, [] as string[])
  .option('--stop-start', 'a rebalance after the start of a --pnp device: IRP_MN_QUERY_STOP_DEVICE, IRP_MN_STOP_DEVICE, IRP_MN_START_DEVICE')
  .option('--resources <spec>', 'hardware resources for the --pnp device, e.g. mem:0xfe000000:0x1000,port:0x300:8,irq:5 (irq:N:latched for an edge-triggered line): the raw and translated CM_RESOURCE_LISTs of IRP_MN_START_DEVICE, and the device in the HAL\'s model')
  .option('--child-driver <hwid=file>', "the function driver for the children a bus driver enumerates whose hardware or compatible IDs include HWID (repeatable; the run's own driver file serves its children too)", parseChildDriver, [] as ChildDriverRequest[])
  .addOption(new Option('--device-usage <file>', 'a special file on the --pnp device after its start: IRP_MN_DEVICE_USAGE_NOTIFICATION with InPath TRUE (and FALSE before an orderly removal)').choices(Object.keys(DEVICE_USAGES)))
  .option('--sleep', 'a system sleep and wake after the start of a --pnp device: IRP_MN_QUERY_POWER and IRP_MN_SET_POWER for S3, then IRP_MN_SET_POWER for S0')
  .option('--wake', 'the --pnp device can wake the system: its bus reports SystemWake S3 and DeviceWake D3 and holds the IRP_MN_WAIT_WAKE its power policy owner sends; with --sleep the device signals wake while the machine is in S3')
  .option('--seed <n>', 'seed of low resources simulation\'s random choices (default 1): the same seed fails the same calls', parseSeed)
  .option('--fault-probability <percent>', 'randomized low resources simulation (0x4): the share of calls failed (default 6%)', parseProbability)
  .option('--fault-delay <duration>', 'randomized low resources simulation (0x4): the grace period after boot, in simulated time, in which nothing fails (default 8m; 0 starts at boot)', parseDelay)
  .option('--fault-tags <tags>', 'randomized low resources simulation (0x4): fail only pool allocations with these tags (comma-separated, e.g. Allc,Buf1)', parseTags)
  .addOption(new Option('--faults <mode>', 'exhaustive: run once failing nothing to find every failure point (an allocating DDI called from one stack of the driver), then once per point in a fresh machine failing only it; a table of the verdicts').choices(['exhaustive']))
  .option('--trace', 'print each WPP trace message of the drivers as it is logged, one line each with the default prefix [CPU]PID.TID::time [file] (the session enables every flag of every provider)')
  .option('--trace-level <level>', 'the WPP trace session\'s level: 1 fatal, 2 error, 3 warning, 4 information, 5 verbose (the default), up to 255', parseTraceLevel)
  .option('--debugger', "attach a kernel debugger: Driver Verifier breaks (the shutdown watchdog) and the driver's breakpoints (DbgBreakPoint) stop at a kd> prompt on stdin; g continues, q quits")
  .addOption(new Option('--timeout <duration>', 'end the run as a hang (exit 4) after this much host time (e.g. 30s, 2m; 0: no limit)').argParser(parseDuration).default(parseDuration('2m'), '2m'))
  .addOption(new Option('--sim-timeout <duration>', 'end the run as a hang (exit 4) when the simulated clock passes this (e.g. 10m, 1h; 0: no limit)').argParser(parseDuration).default(parseDuration('1h'), '1h'))
  .addHelpText(
    'after',
    `\nNumbers are ${NUMBER_RULE}, as kd and the Windows tools read control codes.\n` +
      'Outputs: --dump, --json, --sarif, --junit, --html and --coverage are checked before the run (folder exists and is writable, not the same file, not the driver)\n' +
      'and written whole (temp file + rename). A run that writes no dump (no bug check) removes a dump an earlier run left at\n' +
      'the --dump path and says so, so a CI step never reads an old verdict; a run that fails (exit 2, 3) writes neither and removes both.\n' +
      'A hang writes the forced 0xE2 dump of the hung machine to --dump.',
  )
  .action(async (driverArg: string | undefined, opts: { scenario?: string; verifier?: number | 'off'; ioctl: Sequenced[]; read: Sequenced[]; write: Sequenced[]; open?: string; openInterface?: string; process: ProcessArg[]; openProcess: OpenProcessArg[]; dump?: string; json?: string; sarif?: string; junit?: string; html?: string; coverage?: string; stacks: boolean; wdfVerifier?: boolean; memory?: number; registry: string[]; debugger?: boolean; timeout: number; simTimeout: number; pnp?: boolean; hardwareId?: string; remove?: boolean; surpriseRemove?: boolean; stopStart?: boolean; sleep?: boolean; resources?: string; childDriver: ChildDriverRequest[]; filter: string[]; lowerFilter: string[]; inf?: string; deviceUsage?: DeviceUsage; trace?: boolean; traceLevel?: number } & FaultArgs) => {
    if (opts.scenario !== undefined) {
      if (driverArg !== undefined) throw new UsageError(`--scenario names the drivers it loads: give ${driverArg} in a load step, not on the command line`);
      const given = Object.entries(opts).filter(([k, v]) => !SCENARIO_OPTIONS.has(k) && v !== undefined && !(Array.isArray(v) && v.length === 0) && !(k === 'stacks' && v === true));
      if (given.length) throw new UsageError(`--scenario describes the whole run; ${given.map(([k]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} cannot be given with it`);
      // Loaded only here: the scenario reader brings yaml and zod, which a plain run never needs.
      const { runScenarioCommand } = await import('./scenario.ts');
      const scenarioOutputs = [
        ...(opts.dump !== undefined ? [{ option: '--dump', path: opts.dump }] : []),
        ...(opts.json !== undefined ? [{ option: '--json', path: opts.json }] : []),
        ...(opts.html !== undefined ? [{ option: '--html', path: opts.html }] : []),
      ];
      checkOutputs(scenarioOutputs, [{ option: '--scenario', path: opts.scenario }]);
      await runScenarioCommand(opts.scenario, { dump: opts.dump, json: opts.json, html: opts.html, version: packageVersion(), limits: { hostTime: opts.timeout, simulatedTime: opts.simTimeout * TICKS_PER_MS }, stacks: opts.stacks });
      return;
    }
    if (driverArg === undefined) throw new UsageError('dv run needs a DRIVER (or --scenario FILE)');
    const driver = driverArg;
    const sim = await simulator();
    const { DUMP_MAX_BYTES, fatalErrorLines, faultLines, junitXml, moduleNameOf, outcomeJson, readRegistrySeed, runDriver, sarifLog, serializeDump, stdioDebugger, summaryLine } = sim;
    // Without --verifier the machine boots with what `dv verifier` persisted, as Windows boots with its registry settings.
    const boot = opts.verifier === undefined ? persistedBoot() : undefined;
    const flags = boot ? boot.verifier?.flags : opts.verifier === 'off' ? undefined : (opts.verifier ?? STANDARD_FLAGS);
    const faults = faultSettings({ ...opts, ...persistedFaultArgs(boot, opts) }, flags);
    if (typeof faults === 'string') throw new UsageError(faults);
    if (opts.faults === 'exhaustive') {
      const refused = [opts.dump !== undefined && '--dump', opts.html !== undefined && '--html', opts.coverage !== undefined && '--coverage', opts.debugger && '--debugger'].filter(Boolean);
      if (refused.length > 0) throw new UsageError(`--faults exhaustive makes many runs: ${refused.join(', ')} would name one of them (use --json for the table)`);
    }
    const outputs = [
      ...(opts.dump !== undefined ? [{ option: '--dump', path: opts.dump }] : []),
      ...(opts.json !== undefined ? [{ option: '--json', path: opts.json }] : []),
      ...(opts.sarif !== undefined ? [{ option: '--sarif', path: opts.sarif }] : []),
      ...(opts.junit !== undefined ? [{ option: '--junit', path: opts.junit }] : []),
      ...(opts.html !== undefined ? [{ option: '--html', path: opts.html }] : []),
      ...(opts.coverage !== undefined ? [{ option: '--coverage', path: opts.coverage }] : []),
    ];
    checkOutputs(outputs, [{ option: 'driver', path: driver }]);
    let processes;
    try {
      processes = processRequests(opts.process, opts.openProcess);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (boot && !(boot.verifier && isVerified(boot.verifier, `${moduleNameOf(driver)}.sys`))) {
      out(`dv run: ${moduleNameOf(driver)}.sys is not verified: the settings dv verifier made do not name it (dv verifier /querysettings)`);
    }
    const verifierSettings = boot ? { verifier: boot.verifier } : { verifierFlags: flags };
    const requested = inOrder(opts.ioctl, opts.read, opts.write);
    let outcome;
    try {
      // Read before the machine boots: a malformed file is exit 2 with its line, and nothing runs.
      const registry = opts.registry.flatMap(readRegistrySeed);
      const runOptions: RunOptions = {
        limits: { hostTime: opts.timeout, simulatedTime: opts.simTimeout * TICKS_PER_MS },
        driver,
        ...verifierSettings,
        requests: requested,
        open: opts.open,
        openInterface: opts.openInterface,
        processes,
        onProcessEvent: (l) => out(l),
        captureStacks: opts.stacks,
        wdfVerifier: opts.wdfVerifier === true ? true : undefined,
        coverage: opts.coverage !== undefined,
        memory: opts.memory,
        registry,
        onDebugPrint: (l) => out(l),
        onRequest: (l) => out(l),
        ...(opts.trace ? { onTrace: (l: string) => out(l) } : {}),
        ...(opts.traceLevel !== undefined ? { traceLevel: opts.traceLevel } : {}),
        debugger: opts.debugger ? stdioDebugger() : undefined,
        ...pnpOptions(opts, sim),
        faults,
        report: opts.html !== undefined,
      };
      if (opts.faults === 'exhaustive') {
        await exhaustive(runOptions, opts.json);
        return;
      }
      outcome = await runDriver(runOptions);
    } catch (e) {
      // No verdict: no output of an earlier run may stand in for one.
      for (const o of outputs) if (removeStale(o.path)) process.stderr.write(`dv: removed ${o.path}, left by an earlier run: this run wrote no ${o.option.slice(2)}\n`);
      throw e;
    }
    if (opts.json) writeAtomically(opts.json, JSON.stringify(outcomeJson(outcome), null, 2) + '\n');
    if (opts.junit) writeAtomically(opts.junit, junitXml(outcome, requested));
    if (opts.sarif) writeAtomically(opts.sarif, JSON.stringify(sarifLog(outcome, packageVersion()), null, 2) + '\n');
    if (opts.html) {
      // Loaded only here: a run without --html never reads the report's code.
      const { runHtmlReport } = await import('../system/html-report/index.ts');
      writeAtomically(opts.html, runHtmlReport(outcome, packageVersion(), requested));
    }
    const coverage = outcome.machine.loader.coverage;
    if (opts.coverage && coverage) {
      writeAtomically(opts.coverage, coverage.lcov());
      const { hit, sites } = coverage.summary();
      out(`coverage: ${hit} of ${sites} basic blocks ran (${sites ? Math.round((100 * hit) / sites) : 0}%); lcov written to ${opts.coverage}`);
    }
    const done = outcome;
    /** Write the dump unless it would be too large to write or read back: then say so, and leave no older file. */
    const writeDump = (path: string, what: string): boolean => {
      const size = done.machine.dumpSize();
      if (size.bytes > DUMP_MAX_BYTES) {
        const removed = removeStale(path);
        const mib = (n: number) => Math.ceil(n / 2 ** 20);
        process.stderr.write(
          `dv: ${what} not written to ${path}: the machine holds ${size.allocations} tracked allocations and ${size.pages} pages of memory, ` +
            `about ${mib(size.bytes)} MiB of dump, over dv's ${mib(DUMP_MAX_BYTES)} MiB limit (a smaller --memory gives a smaller machine)` +
            `${removed ? `; removed ${path}, left by an earlier run` : ''}\n`,
        );
        return false;
      }
      writeAtomically(path, serializeDump(done.dump));
      return true;
    };
    const lowResources = faultLines(outcome.faults, outcome.machine.kernel.clock.now);
    if (lowResources.length > 0) out(lowResources);
    if (outcome.bugCheck) {
      out(fatalErrorLines(outcome.bugCheck.code, outcome.bugCheck.params));
      if (opts.dump && writeDump(opts.dump, 'crash dump')) out(`Crash dump written to ${opts.dump}; open it with: dv kd -z ${shellQuote(opts.dump)}`);
    } else if (outcome.hang && opts.dump) {
      if (writeDump(opts.dump, 'forced crash dump')) {
        out(`Forced crash dump (0xE2 MANUALLY_INITIATED_CRASH) of the hung machine written to ${opts.dump}; open it with: dv kd -z ${shellQuote(opts.dump)}`);
      }
    } else if (opts.dump && removeStale(opts.dump)) {
      out(`No crash dump: the machine did not stop; removed ${opts.dump}, left by an earlier run.`);
    }
    out(summaryLine(outcome));
    const booted = recordBoot(outcome, boot !== undefined);
    if (booted.length) out(booted);
    // A Driver Verifier break is a violation found; a breakpoint the driver hit and the user continued is not.
    const verifierBroke = outcome.breaks.some((b) => !b.breakpoint);
    process.exitCode = outcome.hang ? EXIT.HANG : outcome.bugCheck || verifierBroke ? EXIT.BUGCHECK : EXIT.CLEAN;
  });

(await import('./build.ts')).registerBuildCommand(program);
(await import('./fuzz-command.ts')).registerFuzzCommand(program);
registerVerifierCommand(program);

program
  .command('kd')
  .description('open a crash dump in a kd-style debugger')
  .requiredOption('-z <file>', 'crash dump file')
  .option('-c <commands>', 'run these commands (separated by ; or new lines) and exit; a command kd does not know makes the exit code 2')
  .action(async (opts: { z: string; c?: string }) => {
    const { DebugTarget, DumpError, fatalErrorLines, isQuit, parseDump } = await simulator();
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
      // A script: each line, and each ;-separated command on it, as kd runs them.
      const cmds = opts.c.split(/[;\r\n]/).map((s) => s.trim()).filter((s) => s && !isQuit(s));
      if (!(await runKdCommands(target, cmds))) process.exitCode = EXIT.USAGE;
      return;
    }
    await interactive(target);
  });

const verbose = process.argv.includes('--verbose');
// Whatever escapes an action unexpectedly, even outside the promise chain, is our fault: exit 3.
const fatal = (e: unknown) => {
  reportInternalError(e, verbose);
  process.exit(EXIT.INTERNAL);
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
// A reader that stops early (`dv run ... | head`) is not our fault: the rest of the output is dropped
// and the run still ends with its verdict's exit code.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') fatal(e);
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? EXIT.CLEAN : EXIT.USAGE;
  } else if (e instanceof UsageError || e instanceof SettingsError || e instanceof OutputError || e instanceof SwitchError || e instanceof StateError || (await isSimulatorUsageError(e))) {
    process.stderr.write(`dv: ${(e as Error).message}\n`);
    process.exitCode = EXIT.USAGE;
  } else {
    // An InternalError (our code failed serving the driver or the debugger), or anything unforeseen.
    reportInternalError(e, verbose);
  }
}

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

