/**
 * wdf.h's structures against src/nt/wdf.ts (the framework reads and writes drivers' structures
 * through those offsets), and the headers' constants against the framework's tables.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutCheckSource } from '../../src/build/layout-check.ts';
import { FX_TYPE, WDF_BUGCHECK, WDF_DRIVER_INIT, WDF_LAYOUTS, WDF_REQUEST_FATAL_ERROR } from '../../src/nt/wdf.ts';
import { WDF_PNP_LAYOUTS, WDF_REQUEST_SEND_OPTION, WDF_REQUEST_STOP_ACTION } from '../../src/nt/wdf-pnp.ts';
import { WDF_DEVICE_FAILED_ACTION, WDF_DEVICE_LAYOUTS } from '../../src/nt/wdf-device.ts';
import { WDF_DMA_LAYOUTS } from '../../src/nt/wdf-dma.ts';
import { compileC, firstErrors, NEEDS_CLANG } from '../ddk/support.ts';

/** The layout assertions of WDF_LAYOUTS, then the constants of wdf.h against src/nt/wdf.ts. */
function wdfCheckSource(): string {
  const base = layoutCheckSource([...WDF_LAYOUTS, ...WDF_PNP_LAYOUTS, ...WDF_DEVICE_LAYOUTS, ...WDF_DMA_LAYOUTS]).replace('#include <ntddk.h>', '#include <ntddk.h>\n#include <wdf.h>');
  // layoutCheckSource appends the ntoskrnl constants; the WDF ones follow.
  const constants: [string, number][] = [
    ...Object.entries(WDF_BUGCHECK).map(([n, v]): [string, number] => [`WDF_${n}`, v]),
    ...Object.entries(WDF_REQUEST_FATAL_ERROR).map(([n, v]): [string, number] => [`WDF_REQUEST_FATAL_ERROR_${n}`, v]),
    ['WdfDriverInitNonPnpDriver', WDF_DRIVER_INIT.NonPnpDriver],
    ['WdfDriverInitNoDispatchOverride', WDF_DRIVER_INIT.NoDispatchOverride],
    ['WdfVerifyOn', WDF_DRIVER_INIT.VerifyOn],
    ['WdfVerifierOn', WDF_DRIVER_INIT.VerifierOn],
    ['WDF_REQUEST_SEND_OPTION_SYNCHRONOUS', WDF_REQUEST_SEND_OPTION.Synchronous],
    ['WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET', WDF_REQUEST_SEND_OPTION.SendAndForget],
    ['WdfRequestStopActionSuspend', WDF_REQUEST_STOP_ACTION.Suspend],
    ['WdfRequestStopActionPurge', WDF_REQUEST_STOP_ACTION.Purge],
    ['WdfPowerDeviceD3Final', 5],
    ['WdfDeviceFailedAttemptRestart', WDF_DEVICE_FAILED_ACTION.AttemptRestart],
    ['WdfDeviceFailedNoRestart', WDF_DEVICE_FAILED_ACTION.NoRestart],
  ];
  return base + constants.map(([n, v]) => `_Static_assert((${n}) == 0x${v.toString(16)}, "${n} is not 0x${v.toString(16)}");`).join('\n') + '\n';
}

test('the WDF structures and constants of wdf.h have the values of src/nt/wdf.ts', { skip: NEEDS_CLANG }, () => {
  const { status, stderr } = compileC(wdfCheckSource());
  assert.equal(status, 0, `ddk/include/wdf*.h disagrees with src/nt/wdf.ts:\n${firstErrors(stderr)}`);
});

test('a wrong offset in the WDF layouts fails the check, naming the field', { skip: NEEDS_CLANG }, () => {
  const source = wdfCheckSource().replace(/offsetof\(WDF_IO_QUEUE_CONFIG, EvtIoDeviceControl\) == (\d+)/, (_m, n: string) => `offsetof(WDF_IO_QUEUE_CONFIG, EvtIoDeviceControl) == ${Number(n) + 4}`);
  const { status, stderr } = compileC(source);
  assert.notEqual(status, 0);
  assert.match(stderr, /offsetof\(WDF_IO_QUEUE_CONFIG, EvtIoDeviceControl\) is not \d+/);
});

test('type codes are the framework\'s (fxtypes.h)', () => {
  assert.deepEqual([FX_TYPE.Driver, FX_TYPE.Device, FX_TYPE.Queue, FX_TYPE.Request, FX_TYPE.Memory, FX_TYPE.FileObject], [0x1001, 0x1002, 0x1003, 0x1008, 0x100a, 0x1018]);
});
