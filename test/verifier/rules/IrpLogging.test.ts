/**
 * IRP logging (0x400, with I/O verification) and `!verifier 0x100`: the IoAllocateIrp,
 * IoCompleteRequest and IoCancelIrp calls of a verified driver, newest first, with the IRP, the
 * thread, the completion status and the stack; by quantity or by IRP. The sample is FreeIrpInUse's
 * clean twin: it completes the create, then allocates a query IRP, sends it to its own device,
 * which holds it, cancels it, and completes the request; then cleanup and close; it is left loaded. Golden:
 * golden/verifier-0x100.txt.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execute } from '../../../src/debugger/engine.ts';
import { DebugTarget } from '../../../src/debugger/target.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { ROOT } from '../../helpers.ts';
import { reported, runSample } from './support.ts';

const SAMPLE = RULES.FreeIrpInUse.sample!;
const GOLDEN = join(ROOT, 'test', 'verifier', 'rules', 'golden', 'verifier-0x100.txt');

async function run(flags: number) {
  // Left loaded, so the dump has the driver's symbols (an unloaded module's frames would be bare addresses).
  const r = await runSample(SAMPLE.clean, SAMPLE.ioctls, { verifierFlags: flags, unload: false, shutdown: false });
  assert.equal(r.bugCheck, null);
  return { r, kd: (cmd: string) => execute(new DebugTarget(r.dump), cmd) };
}

test('!verifier 0x100 lists the IRP calls newest first, as the golden file has them', async () => {
  const { kd } = await run(STANDARD_FLAGS | VF.IRP_LOGGING);
  const text = kd('!verifier 0x100').join('\n') + '\n';
  // UPDATE_GOLDEN=1 rewrites the file (review the diff: the layout is the contract).
  if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
  assert.equal(text, readFileSync(GOLDEN, 'utf8'));
});

test('the log holds what the driver did: allocate the query, cancel it, its completion, then the request', async () => {
  const { r, kd } = await run(STANDARD_FLAGS | VF.IRP_LOGGING);
  const query = reported(r, 'irp');
  const heads = kd('!verifier 0x100').filter((l) => /^Io\w+: IRP /.test(l));
  const q = query.toString(16).padStart(8, '0');
  // Newest first: close, cleanup, the request, the query's completion, its cancel, its allocation, the create.
  assert.equal(heads.length, 7);
  assert.match(heads[5]!, new RegExp(`^IoAllocateIrp: IRP ${q}, Thread [0-9a-f]{8}$`));
  assert.match(heads[4]!, new RegExp(`^IoCancelIrp: IRP ${q}, Thread [0-9a-f]{8}$`));
  assert.match(heads[3]!, new RegExp(`^IoCompleteRequest: IRP ${q}, Thread [0-9a-f]{8}, Status c0000120$`), 'the cancel routine completed it as cancelled');
  for (const i of [0, 1, 2, 6]) assert.match(heads[i]!, /^IoCompleteRequest: IRP [0-9a-f]{8}, Thread [0-9a-f]{8}, Status 00000000$/);
  // By IRP: the three records of the query; by quantity: the newest ones.
  assert.equal(kd(`!verifier 0x100 ${q}`).filter((l) => /^Io\w+: IRP /.test(l)).length, 3);
  assert.equal(kd('!verifier 0x100 2').filter((l) => /^Io\w+: IRP /.test(l)).length, 2);
  assert.ok(kd('!verifier 0x100 2').includes('Parsing 0x00000007 log entries, displaying the most recent 0x2.'));
  // Each record's stack starts at the verifier's thunk, then the driver's call site.
  const record = kd('!verifier 0x100');
  const i = record.findIndex((l) => l.startsWith('IoCancelIrp:'));
  assert.match(record[i + 1]!, / nt!VerifierIoCancelIrp\+0x/);
  assert.match(record[i + 2]!, / FreeIrpInUseClean!Control\+0x/);
});

test('without IRP logging (0x400) nothing is logged, and !verifier 0x100 says so', async () => {
  const { kd } = await run(STANDARD_FLAGS);
  assert.deepEqual(kd('!verifier 0x100'), ['', 'Log of recent IoAllocateIrp, IoCompleteRequest and IoCancelIrp calls:', '', 'IRP logging (0x00000400) is not enabled: no IRPs were logged.']);
});
