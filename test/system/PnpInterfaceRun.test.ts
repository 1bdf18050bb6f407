/**
 * `dv run --open-interface`: the PnpInterface sample (TS and C) names its device only by a device interface; the
 * run opens the first enabled interface of the class, which reaches the top of the device's stack.
 * The interface is gone after the removal, the link name freed, nothing leaks; a class with no
 * enabled interface is said and nothing is sent; a malformed GUID is a usage error.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { parseInterfaceClass } from '../../src/cli/requests.ts';
import { runDriver, type RunOptions } from '../../src/system/run.ts';
import { STATUS } from '../../src/nt/status.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const DRIVER = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpInterface.ts');
const CLASS = '{5C3C4C7A-0E2B-4F51-9A43-2D6E3F0B7A11}';
const LINK = `\\??\\ROOT#SYSTEM#0000#${CLASS}`;
const IOCTL_ECHO = 0x222400;

async function run(extra: Partial<RunOptions>) {
  const lines: string[] = [];
  const outcome = await runDriver({
    driver: DRIVER,
    verifierFlags: STANDARD_FLAGS,
    requests: [{ kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 }],
    onRequest: (l) => lines.push(l),
    ...extra,
  });
  return { outcome, lines };
}

const DRIVERS = { ts: DRIVER, c: join(ROOT, 'drivers', 'c', 'pnp', 'PnpInterface', 'PnpInterface.wasm') } as const;

const CASES = Object.entries(DRIVERS).flatMap(([lang, driver]) => (['remove', 'surprise-remove'] as const).map((removal) => ({ lang, driver, removal })));

for (const { lang, driver, removal } of CASES) {
  test(`${lang}: --open-interface opens the enabled interface and the request reaches the driver, after --sleep and --stop-start; ${removal} disables it; nothing leaks`, async () => {
    const { outcome } = await run({ driver, openInterface: CLASS, removal, sleep: true, stopStart: true });
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(outcome.open, { name: LINK, status: STATUS.SUCCESS });
    assert.deepEqual(outcome.requests.map((r) => [hex(r.status), r.information]), [[hex(STATUS.SUCCESS), 4]]);
    const k = outcome.machine.kernel;
    assert.equal(k.ob.lookup(LINK), undefined, 'the link is gone with the device');
    assert.deepEqual(k.pnp.interfaces.list(CLASS, 0, 0), []);
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
  });
}

test('--open-interface of a class nobody enabled: said, nothing opened or sent, the run still unloads', async () => {
  const other = '{11111111-2222-3333-4444-555555555555}';
  const { outcome, lines } = await run({ openInterface: other });
  assert.equal(outcome.bugCheck, null);
  assert.equal(outcome.open, null);
  assert.deepEqual(outcome.requests, []);
  assert.ok(lines.includes(`no enabled device interface of class ${other}; the 1 request was not sent`), lines.join('\n'));
  assert.equal(outcome.unloaded, true);
  assert.equal(outcome.leakCount, 0);
});

test('the --open-interface argument: a GUID with or without braces, any case; anything else is a usage error', () => {
  assert.equal(parseInterfaceClass('5c3c4c7a-0e2b-4f51-9a43-2d6e3f0b7a11'), CLASS);
  assert.equal(parseInterfaceClass(CLASS.toLowerCase()), CLASS);
  assert.throws(() => parseInterfaceClass('{5C3C4C7A-0E2B-4F51-9A43}'), InvalidArgumentError);
  assert.throws(() => parseInterfaceClass('\\Device\\X'), InvalidArgumentError);
});
