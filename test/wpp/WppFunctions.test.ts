/**
 * The shapes of trace functions the corpus declares, compiled and run: arguments in a nested group
 * (`DoTrace(LEVEL, FLAG, (MSG, ...))`, `Hexdump((...))`), a KdPrint redirected to WPP with fixed
 * conditions, a wide MSG, %!status! in lower case, and a DEFINE_CPLX_TYPE counted string.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver } from '../../src/system/run.ts';

const work = mkdtempSync(join(tmpdir(), 'dv-wpp-fn-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SOURCE = String.raw`#include <ntddk.h>
#define WPP_CONTROL_GUIDS WPP_DEFINE_CONTROL_GUID(FnGuid, (0b0c0d0e, 1111, 2222, 3333, 444455556666), WPP_DEFINE_BIT(F_ONE) WPP_DEFINE_BIT(F_TWO))
#define WPP_LEVEL_FLAG_LOGGER(lvl, flag) WPP_LEVEL_LOGGER(flag)
#define WPP_LEVEL_FLAG_ENABLED(lvl, flag) (WPP_LEVEL_ENABLED(flag) && WPP_CONTROL(WPP_BIT_##flag).Level >= lvl)
#define WPP_LEVEL_FLAGS_LOGGER(lvl, flags) WPP_LEVEL_LOGGER(flags)
#define WPP_LEVEL_FLAGS_ENABLED(lvl, flags) (WPP_LEVEL_ENABLED(flags) && WPP_CONTROL(WPP_BIT_##flags).Level >= lvl)
#define WPP_LOGANSI(x) WPP_LOGPAIR(2, &(x)->Length) WPP_LOGPAIR((x)->Length, (x)->Buffer)
// begin_wpp config
// FUNC KdPrint{LEVEL=TRACE_LEVEL_INFORMATION, FLAGS=F_TWO}((MSG, ...));
// DEFINE_CPLX_TYPE(ANSI, WPP_LOGANSI, const STRING *, ItemPString, "s", _A_, 0, 2);
// end_wpp
#include "fn.tmh"

DRIVER_UNLOAD FnUnload;
VOID FnUnload(PDRIVER_OBJECT DriverObject) { WPP_CLEANUP(DriverObject); }

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    STRING name = RTL_CONSTANT_STRING("counted");
    UCHAR bytes[3] = { 0xde, 0xad, 0x01 };
    WPP_INIT_TRACING(DriverObject, RegistryPath);
    DoTrace(TRACE_LEVEL_ERROR, F_ONE, ("nested %d and %!status!", 7, STATUS_UNSUCCESSFUL));
    Hexdump((TRACE_LEVEL_ERROR, F_ONE, L"wide %!ANSI! %!HEXDUMP!", &name, log_xstr(bytes, 3)));
    KdPrint(("redirected %s\n", "print"));
    DriverObject->DriverUnload = FnUnload;
    return STATUS_SUCCESS;
}
`;

test('nested-group trace functions, a KdPrint redirect, a wide MSG and complex types compile to WmiTraceMessage calls that format', async () => {
  const source = join(work, 'fn.c');
  writeFileSync(
    source,
    SOURCE.replace(
      '#include "fn.tmh"',
      'typedef struct xstr { char *_buf; short _len; } xstr_t;\nstatic __inline xstr_t log_xstr(void *p, short l) { xstr_t x; x._buf = (char *)p; x._len = l; return x; }\n#define WPP_LOGHEXDUMP(x) WPP_LOGPAIR(2, &((x)._len)) WPP_LOGPAIR((x)._len, (x)._buf)\n#include "fn.tmh"',
    ),
  );
  const output = join(work, 'fn.wasm');
  const built = buildDriver({ sources: [source], output, wpp: { functions: ['DoTrace(LEVEL,FLAG,(MSG,...))', 'Hexdump((LEVEL,FLAGS,MSG,...))'] } });
  assert.equal(built.ok, true, built.diagnostics);
  // The .tmh lives in a temporary folder: the image does not name it, the same sources make the same bytes.
  const again = join(work, 'fn-again.wasm');
  assert.equal(buildDriver({ sources: [source], output: again, wpp: { functions: ['DoTrace(LEVEL,FLAG,(MSG,...))', 'Hexdump((LEVEL,FLAGS,MSG,...))'] } }).ok, true);
  assert.ok(readFileSync(output).equals(readFileSync(again)), 'two builds of the same sources give the same image');
  const lines: string[] = [];
  const outcome = await runDriver({ driver: output, verifierFlags: 0, onTrace: (l) => lines.push(l.replace(/^.*\[fn\]/, '')) });
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(lines, ['nested 7 and STATUS_UNSUCCESSFUL', 'wide counted de ad 01', 'redirected print\n']);
});
