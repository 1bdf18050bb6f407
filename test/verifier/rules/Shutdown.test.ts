/**
 * The shutdown watchdog (automatic check, Windows 7+): shutdown not finished 20 minutes (simulated)
 * after it started. No debugger: 0xC4/0x115 with the shutdown thread. A debugger attached
 * (`dv run --debugger`): a break at a kd> prompt; `g` lets shutdown go on, `q` ends the session.
 * The blocked driver trips it in milliseconds of real time. Each case runs on the TypeScript sample
 * and on its C twin (drivers/c/rules).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES } from '../../../src/verifier/rules.ts';
import type { DebuggerIo } from '../../../src/system/kd-session.ts';
import { ROOT } from '../../helpers.ts';
import { assertClean, assertStop, languagesOf, markedLine, reported, runSample } from './support.ts';

const rule = RULES.ShutdownTimeout;
const MINUTE = 60 * 1000 * 10_000;

/** A debugger that types `commands` and records what it prints. */
function scripted(commands: string[]): DebuggerIo & { transcript: string[] } {
  const transcript: string[] = [];
  return {
    transcript,
    readLine(prompt) {
      const line = commands.shift();
      transcript.push(`${prompt}${line ?? ''}`);
      return line;
    },
    write(lines) {
      transcript.push(...lines);
    },
  };
}

const dv = (input: string, ...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8', input });

const cleanOf = Object.fromEntries(languagesOf(rule.sample!.clean).map((l) => [l.lang, l]));

for (const lang of languagesOf(rule.sample!.violating)) {
  const clean = cleanOf[lang.lang]!;
  test(`no debugger: 0xC4/0x115 with the shutdown thread, 20 minutes after shutdown started, blaming the blocked wait (${lang.lang})`, async () => {
    const started = Date.now();
    const r = await runSample(lang.run, rule.sample!.ioctls);
    const thread = reported(r, 'thread');
    const k = r.machine.kernel;
    assert.equal(thread, k.shutdownState!.thread.address, 'the thread the IRP_MJ_SHUTDOWN routine ran on is the shutdown thread');
    const analysis = assertStop(r, rule, { params: [thread, 0, 0], symbol: 'ShutdownTimeout!ShutdownDispatch', line: markedLine(lang.source) });
    assert.equal(k.clock.now - k.shutdownState!.started, 20 * MINUTE, 'the watchdog fires at 20 minutes of simulated time');
    assert.ok(Date.now() - started < 10_000, 'in milliseconds of real time');
    assert.equal(r.unloaded, false, 'the driver has no DriverUnload: still loaded at shutdown');
    assert.equal(r.shutDown, false);
    const rows = analysis.slice(analysis.indexOf('STACK_TEXT:  ') + 2);
    const stack = rows.slice(0, rows.indexOf('')).map((l) => l.split(' ')[1]!.replace(/\+0x[0-9a-f]+$/, ''));
    assert.deepEqual(stack.slice(2, 12), [
      'nt!VerifierShutdownWatchdog',
      'nt!KiExecuteAllDpcs',
      'nt!KiRetireDpcList',
      'nt!KiTimerExpiration',
      'nt!KeWaitForSingleObject',
      'ShutdownTimeout!ShutdownDispatch',
      'nt!IofCallDriver',
      'nt!IoShutdownSystem',
      'nt!PopGracefulShutdown',
      'nt!ExpWorkerThread',
    ]);
  });

  test(`the clean twin finishes shutdown in milliseconds (simulated) and the watchdog stays silent (${lang.lang})`, async () => {
    const r = await assertClean({ ...rule, sample: { ...rule.sample!, clean: clean.run } });
    const s = r.machine.kernel.shutdownState!;
    assert.equal(s.finished! - s.started, 10 * 10_000, 'the 10 ms the hardware takes');
    assert.equal(r.machine.kernel.dispatcher.setTimers().length, 0, 'the watchdog timer is gone');
  });

  test(`debugger attached: a break instead of the stop; g continues, the wait times out at 30 minutes, shutdown ends (${lang.lang})`, async () => {
    const io = scripted(['k', '!analyze -v', 'g']);
    const r = await runSample(lang.run, rule.sample!.ioctls, { debugger: io });
    assert.equal(r.bugCheck, null);
    assert.equal(r.breaks.length, 1);
    assert.deepEqual(r.breaks[0], { code: 0xc4, params: [0x115, r.machine.kernel.shutdownState!.thread.address, 0, 0], continued: true });
    assert.equal(r.shutDown, true);
    const s = r.machine.kernel.shutdownState!;
    assert.equal(s.finished! - s.started, 30 * MINUTE);
    const text = io.transcript.join('\n');
    assert.match(text, /^Driver Verifier: the system shutdown has not finished 20 minutes after it started\./m);
    assert.match(text, /Break instruction exception - code 80000003 \(first chance\)/);
    assert.match(text, /kd> k\n # RetAddr  Call Site\n00 [0-9a-f]{8} nt!DbgBreakPointWithStatus\n01 [0-9a-f]{8} nt!VerifierShutdownWatchdog\+0x5c/);
    assert.match(text, /ShutdownTimeout!ShutdownDispatch\+0x/);
    assert.match(text, /Driver Verifier break: a kernel debugger is attached/);
    assert.match(text, /Arg1: 00000115, Shutdown has not completed 20 minutes after it started\./);
    assert.match(text, new RegExp(`FAULTING_SOURCE_LINE_NUMBER:  ${markedLine(lang.source)}\\n`));
    assert.match(text, /kd> g$/);
  });

  test(`debugger attached: q ends the session at the break (${lang.lang})`, async () => {
    const r = await runSample(lang.run, rule.sample!.ioctls, { debugger: scripted(['q']) });
    assert.equal(r.quit, true);
    assert.equal(r.bugCheck, null);
    assert.equal(r.shutDown, false);
    assert.equal(r.breaks[0]!.continued, false);
  });

  test(`dv run --debugger: commands piped on stdin at the kd> prompt; g continues and the run exits 1 (a violation was found) (${lang.lang})`, () => {
    const r = dv('k\n!analyze -v\ng\n', 'run', lang.run, '--debugger');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /Break instruction exception - code 80000003 \(first chance\)\nnt!DbgBreakPointWithStatus:\n[0-9a-f]{8} cc {14}int {5}3\n/);
    assert.match(r.stdout, /kd> k\n # RetAddr  Call Site\n/);
    assert.match(r.stdout, /kd> !analyze -v\n\*{79}/);
    assert.match(r.stdout, /SYMBOL_NAME:  ShutdownTimeout!ShutdownDispatch\+0x[0-9a-f]+/);
    assert.match(r.stdout, /kd> g\nShutdownTimeout\.sys: Driver Verifier broke in 1 time \(0xc4\/0x115 without a debugger: Shutdown has not completed 20 minutes after it started\.\); continued: the driver stayed loaded, and the machine shut down\.\n$/);
  });

  test(`dv run --debugger: q (or the end of input) ends the session (${lang.lang})`, () => {
    for (const input of ['q\n', '']) {
      const r = dv(input, 'run', lang.run, '--debugger');
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, /ShutdownTimeout\.sys: the debugger session ended at a Driver Verifier break \(0xc4\/0x115 without a debugger/);
    }
  });

  test(`dv run without --debugger: the fatal error lines of 0xC4/0x115 (${lang.lang})`, () => {
    const r = dv('', 'run', lang.run);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /\*\*\* Fatal System Error: 0x000000c4\n \(0x00000115,0x[0-9A-F]{8},0x00000000,0x00000000\)/);
    const twin = dv('', 'run', clean.run);
    assert.equal(twin.status, 0, twin.stderr);
    assert.match(twin.stdout, /ShutdownTimeoutClean\.sys: no bug check; the driver loaded, ran and stayed loaded, and the machine shut down\./);
  });
}
