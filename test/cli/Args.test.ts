/** One number rule on dv's command line, kd's: hex by default, `0x` hex too, `0n` decimal. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { cliNumber, parseIoctl, parseVerifier } from '../../src/cli/args.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

test('numbers: bare and 0x are hex, 0n is decimal, anything else is not a number', () => {
  assert.equal(cliNumber('222003'), 0x222003);
  assert.equal(cliNumber('0x222003'), 0x222003);
  assert.equal(cliNumber('0X222003'), 0x222003);
  assert.equal(cliNumber('0n2236419'), 0x222003);
  assert.equal(cliNumber('10'), 16);
  for (const bad of ['', '0x', '0n', '-1', '1.5', 'zz', '0n1f', '100000000']) assert.equal(cliNumber(bad), undefined, bad);
});

test('--ioctl: the code and the output length follow the rule (222003 was read as decimal)', () => {
  const [a] = parseIoctl('222003');
  const [b] = parseIoctl('0x222003');
  const [c] = parseIoctl('0n2236419::0n16');
  assert.equal(a!.code, 0x222003);
  assert.equal(b!.code, 0x222003);
  assert.equal(c!.code, 0x222003);
  assert.equal(c!.outputLength, 16);
  assert.equal(parseIoctl('222003::10')[0]!.outputLength, 0x10);
  assert.throws(() => parseIoctl('222003::100001'), (e) => e instanceof InvalidArgumentError && /output length '100001' is not a byte count up to 0x100000/.test(e.message));
  assert.throws(() => parseIoctl('12z'), /'12z' is not an IOCTL code \(hex, e\.g\. 222003 or 0x222003\)/);
});

test('--verifier: hex as verifier.exe reads /flags, 0n decimal, standard, off', () => {
  assert.equal(parseVerifier('209bb'), 0x209bb);
  assert.equal(parseVerifier('0x209bb'), 0x209bb);
  assert.equal(parseVerifier('0n133563'), 0x209bb);
  assert.equal(parseVerifier('standard'), STANDARD_FLAGS);
  assert.equal(parseVerifier('off'), undefined);
  assert.throws(() => parseVerifier('0n4096'), /set bits that name no option: 0x1000/);
});

test('dv run: --ioctl 222003 and --ioctl 0x222003 send the same request; the rule is in the help', () => {
  const run = (code: string) => spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', 'drivers/ts/MyDriver.ts', '--ioctl', `${code}:4d79:8`], { cwd: ROOT, encoding: 'utf8' });
  const bare = run('222003');
  const hex = run('0x222003');
  assert.equal(bare.status, EXIT.BUGCHECK, bare.stderr);
  assert.equal(bare.stdout, hex.stdout);
  const help = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', '--help'], { cwd: ROOT, encoding: 'utf8' });
  assert.match(help.stdout, /Numbers are hex, with or without 0x \(222003 = 0x222003\); write 0n for decimal \(0n16\)/);
  assert.match(help.stdout, /removes a dump an earlier run left/);
});
