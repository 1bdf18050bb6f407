/**
 * wdfchildlist.h, wdfpdo.h and wdfqueryinterface.h's structures against src/nt/wdf-bus.ts (the
 * framework reads drivers' child list configurations, iterators and query-interface configurations
 * through those offsets), and their enums against the framework's tables.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutCheckSource } from '../../src/build/layout-check.ts';
import { WDF_BUS_LAYOUTS, WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS, WDF_RETRIEVE_CHILD_FLAGS } from '../../src/nt/wdf-bus.ts';
import { FX_TYPE } from '../../src/nt/wdf.ts';
import { compileC, firstErrors, NEEDS_CLANG } from '../ddk/support.ts';

function busCheckSource(): string {
  const base = layoutCheckSource(WDF_BUS_LAYOUTS).replace('#include <ntddk.h>', '#include <ntddk.h>\n#include <wdf.h>');
  const constants: [string, number][] = [
    ...Object.entries(WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS).map(([n, v]): [string, number] => [`WdfChildListRetrieveDevice${n}`, v]),
    ...Object.entries(WDF_RETRIEVE_CHILD_FLAGS).map(([n, v]): [string, number] => [`WdfRetrieve${n}`, v]),
    ['sizeof(WDF_REQUEST_FORWARD_OPTIONS)', 8],
    ['sizeof(WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER)', 4],
  ];
  return base + constants.map(([n, v]) => `_Static_assert((${n}) == 0x${v.toString(16)}, "${n} is not 0x${v.toString(16)}");`).join('\n') + '\n';
}

test('the bus structures and enums of wdfchildlist.h, wdfpdo.h and wdfqueryinterface.h have the values of src/nt/wdf-bus.ts', { skip: NEEDS_CLANG }, () => {
  const { status, stderr } = compileC(busCheckSource());
  assert.equal(status, 0, `ddk/include/wdf*.h disagrees with src/nt/wdf-bus.ts:\n${firstErrors(stderr)}`);
});

test('a wrong offset in the bus layouts fails the check, naming the field', { skip: NEEDS_CLANG }, () => {
  const source = busCheckSource().replace(/offsetof\(WDF_QUERY_INTERFACE_CONFIG, ImportInterface\) == (\d+)/, (_m, n: string) => `offsetof(WDF_QUERY_INTERFACE_CONFIG, ImportInterface) == ${Number(n) + 4}`);
  const { status, stderr } = compileC(source);
  assert.notEqual(status, 0);
  assert.match(stderr, /offsetof\(WDF_QUERY_INTERFACE_CONFIG, ImportInterface\) is not \d+/);
});

test('a child list is the framework\'s FX_TYPE_CHILD_LIST (fxtypes.h: FX_TYPES_BASE + 0x29)', () => {
  assert.equal(FX_TYPE.ChildList, 0x1029);
});
