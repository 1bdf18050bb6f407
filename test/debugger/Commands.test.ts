/** Debugger commands given bad input answer with a clear message; help comes from the command table. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS, execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { driver } from '../helpers.ts';

const leak = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
const t = new DebugTarget(leak.dump);
const one = (cmd: string) => execute(t, cmd).join('\n');

test('help lists every command in the table', () => {
  const help = one('help');
  for (const c of COMMANDS) assert.ok(help.includes(c.syntax), `help shows ${c.syntax}`);
});

test('an unknown command gets kd\'s error: an extension it cannot find, a line it cannot parse', () => {
  assert.equal(one('!frobnicate 1'), 'No export frobnicate found');
  assert.equal(one('frob 1'), "Couldn't resolve error at 'frob 1'\nType help for the list of commands.");
});
test('ln without an address shows its usage', () => assert.equal(one('ln'), 'Usage: ln Address'));
test('ln with a non-number says what it could not resolve', () => assert.equal(one('ln zz9'), "Couldn't resolve error at 'zz9'"));
test('ln outside every module says so', () => assert.equal(one('ln 1000'), 'No module contains 00001000.'));
test('!verifier on a driver that is not verified names the verified ones', () =>
  assert.equal(one('!verifier 3 Other.sys'), 'Other.sys is not in the Driver Verifier list (verified: MyDriver.sys)'));
test('line and paragraph separators (U+2028, U+2029) in arguments are text, not a crash', () => {
  assert.equal(one('ln \u2028'), 'Usage: ln Address');
  assert.equal(one('!verifier 3 a\u2029b.sys'), 'a is not in the Driver Verifier list (verified: MyDriver.sys)');
  assert.equal(one('!frob\u2028x'), 'No export frob found');
});
test('!verifier modes this simulator does not record say so', () =>
  assert.equal(one('!verifier 0x20'), '!verifier 0x20: the driver hang verification log is not recorded by this simulator yet'));
test('!verifier 0x80 with a quantity shows the most recent records', () => {
  const text = one('!verifier 0x80 2');
  assert.match(text, /displaying the most recent 0x2\./);
  assert.equal(text.split('Pool block ').length - 1, 2);
});
test('!verifier 0x80 on an address never logged says so', () => assert.match(one('!verifier 0x80 0x81000000'), /No log entries found for address 0x81000000\./));
test('!verifier 0x80 finds an address inside a block, not only its start', () => {
  const mdl = leak.leaks.find((a) => a.size === 0x20)!;
  assert.match(one(`!verifier 0x80 ${(mdl.address + 0x10).toString(16)}`), new RegExp(`Pool block ${mdl.address.toString(16)}, Size 00000020`));
});

test('on a clean machine the commands say there is no bug check', async () => {
  const clean = await runDriver({ driver: driver('MyDriverClean.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
  const c = new DebugTarget(clean.dump);
  assert.equal(execute(c, '!analyze -v').join('\n'), 'No bug check: the machine was not stopped by a bug check (nothing to analyze).');
  assert.equal(execute(c, '.bugcheck').join('\n'), 'No bug check has occurred.');
  assert.match(execute(c, '!verifier 3 MyDriverClean.sys').join('\n'), /MODULE: 0x[0-9a-f]{8} MyDriverClean\.sys \(Unloaded\)/);
});
