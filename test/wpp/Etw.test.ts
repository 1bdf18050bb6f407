/**
 * The ETW DDIs WPP calls (kernel/etw): a classic provider is enabled at registration through its
 * callback with the session's TRACE_ENABLE_CONTEXT; WmiTraceMessage copies its (pointer, size) pairs
 * and the session formats them with the image's TMF; bad handles are refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { MAX_RECORDS, traceSession, TRACE_LEVEL_VERBOSE } from '../../src/kernel/etw/session.ts';
import { formatMessage, type Tmf } from '../../src/kernel/etw/tmf.ts';
import { traceLine } from '../../src/kernel/etw/prefix.ts';
import { STATUS } from '../../src/nt/status.ts';

const GUID_BYTES = [0x7e, 0x5d, 0x1b, 0x6f, 0x2a, 0x3c, 0x8b, 0x4e, 0x9d, 0x0f, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f];
const GUID_TEXT = '6f1b5d7e-3c2a-4e8b-9d0f-1a2b3c4d5e6f';

function setup() {
  const k = new Kernel();
  const mem = k.allocateKernelObject(0x100, 0x74736554);
  k.as.write(mem, new Uint8Array(GUID_BYTES));
  return { k, guid: mem, reg: mem + 0x10, data: mem + 0x20 };
}

test('EtwRegisterClassicProvider: the session enables the provider at once: EVENT_CONTROL_CODE_ENABLE_PROVIDER with LoggerId 1, level verbose, every flag', () => {
  const { k, guid, reg } = setup();
  const calls: number[][] = [];
  const callback = 0x9000_1000;
  k.registerRoutine(callback, ((g: number, code: number, context: number, cbContext: number) => {
    calls.push([g, code, cbContext, k.as.u16(context), k.as.u8(context + 2), k.as.u32(context + 4)]);
  }) as never, 'test');
  assert.equal(k.ddi.EtwRegisterClassicProvider(guid, 0, callback, 0x1234, reg), STATUS.SUCCESS);
  assert.deepEqual(calls, [[guid, 1, 0x1234, 1, TRACE_LEVEL_VERBOSE, 0xffffffff]]);
  const handle = k.as.u64(reg);
  assert.notEqual(handle, 0n);
  assert.equal(traceSession(k).providers.get(handle)?.guid, GUID_TEXT);
  assert.equal(k.ddi.EtwRegisterClassicProvider(0, 0, callback, 0, reg), STATUS.INVALID_PARAMETER);
  assert.equal(k.ddi.EtwUnregister(handle), STATUS.SUCCESS);
  assert.equal(k.ddi.EtwUnregister(handle), STATUS.INVALID_HANDLE, 'a handle is unregistered once');
});

test('WmiTraceMessage: the pairs up to the NULL are the message; a TMF formats it, an unknown GUID is said to have no format; another logger is refused', () => {
  const { k, guid, data } = setup();
  const session = traceSession(k);
  k.as.setU32(data, 42);
  k.as.write(data + 4, new TextEncoder().encode('hi\0'));
  const tmf: Tmf = { guid: GUID_TEXT, name: 'drv', file: 'drv.c', types: {}, messages: [{ n: 10, fmt: 'n=%d s=%s', line: 7, func: 'F', level: 'TRACE_LEVEL_ERROR', flags: 'F_IO' }] };
  // Logger 1 is the session's (the low 16 bits of the handle, TRACE_ENABLE_CONTEXT's LoggerId).
  assert.equal(k.ddi.WmiTraceMessage(0x0000ffff05000001n, 0x2b, guid, 10, data, 4, data + 4, 3, 0), STATUS.SUCCESS);
  assert.equal(session.records[0]!.text, `Unknown( 10): GUID=${GUID_TEXT} (No Format Information found).`);
  session.addFormats([tmf]);
  assert.equal(k.ddi.WmiTraceMessage(1n, 0x2b, guid, 10, data, 4, data + 4, 3, 0), STATUS.SUCCESS);
  const r = session.records[1]!;
  assert.deepEqual({ ...r, time: 0 }, { sequence: 2, time: 0, cpu: 0, pid: k.currentThread.process.id, tid: k.currentThread.id, name: 'drv', file: 'drv.c', line: 7, func: 'F', level: 'TRACE_LEVEL_ERROR', flags: 'F_IO', text: 'n=42 s=hi' });
  assert.equal(traceLine(r), `[0]${k.currentThread.process.id.toString(16).padStart(4, '0')}.${k.currentThread.id.toString(16).toUpperCase().padStart(4, '0')}::01/02/2026-00:00:00.000 [drv]n=42 s=hi`);
  // A message cut short (a pair left out) prints what is missing, never garbage.
  k.ddi.WmiTraceMessage(1n, 0x2b, guid, 10, data, 4, 0);
  assert.equal(session.records[2]!.text, 'n=42 s=<missing>');
  assert.equal(k.ddi.WmiTraceMessage(2n, 0x2b, guid, 10, data, 4, 0), STATUS.INVALID_HANDLE);
  assert.equal(session.records.length, 3);
});

test('formats: printf conversions with widths (and as WPP types, %!d!), %!STATUS! in any case, %!STATUS!, %!GUID!, %!HEXDUMP!, %!bool!, %!irql!, counted strings and enumerations', () => {
  const le = (n: number, size: number) => Array.from({ length: size }, (_, i) => (n >>> (8 * i)) & 0xff);
  const bytes = new Uint8Array([
    ...le(-5, 4), ...le(0xbeef, 4), ...le(7, 4), 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
    ...le(0xc0000022, 4), ...GUID_BYTES, ...le(3, 2), 1, 2, 255, ...le(1, 4), 2,
    ...le(4, 2), 0x41, 0, 0x42, 0, ...le(16, 4),
  ]);
  const types = { st: { kind: 'enum', size: 4, names: { 16: 'Busy' } } } as const;
  assert.equal(
    formatMessage('%!d!|%08X|%-3u|%I64x|%!status!|%!GUID!|%!HEXDUMP!|%!bool!|%!irql!|%wZ|%!st!|100%%', types, bytes),
    `-5|0000BEEF|7  |fedcba9876543210|STATUS_ACCESS_DENIED|${GUID_TEXT}|01 02 ff|TRUE|DISPATCH_LEVEL|AB|Busy|100%`,
  );
});

test('the log is bounded: past MAX_RECORDS the oldest quarter is dropped and counted as lost, the newest kept in order', () => {
  const k = new Kernel();
  const session = traceSession(k);
  for (let i = 0; i <= MAX_RECORDS; i++) session.log(k, GUID_TEXT, 10, new Uint8Array());
  assert.equal(session.records.length, (MAX_RECORDS * 3) / 4);
  assert.equal(session.lost, MAX_RECORDS + 1 - (MAX_RECORDS * 3) / 4);
  assert.equal(session.records[0]!.sequence, session.lost + 1);
  assert.equal(session.records.at(-1)!.sequence, MAX_RECORDS + 1);
});
