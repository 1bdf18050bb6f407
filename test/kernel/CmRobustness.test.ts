/**
 * The registry DDIs given what a buggy driver passes: wild pointers, odd lengths, bad handles, huge
 * sizes. Each call returns a status or stops the machine with a bug check (a page fault on a wild
 * pointer); never a host exception, which would be charged to dv.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BugCheck } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { OBJECT_ATTRIBUTES, RTL_QUERY_REGISTRY_TABLE, UNICODE_STRING } from '../../src/nt/layout.ts';
import { scratch, wideString } from './support.ts';

/** Plausible and wild values for every argument position. */
const WILD = [0, 1, 2, 4, 0x18, 0x20, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

function setUp(k: Kernel): number[] {
  // Valid objects to mix in: a key handle, a UNICODE_STRING, OBJECT_ATTRIBUTES, a table, buffers.
  const us = scratch(k, UNICODE_STRING.size);
  k.ddi.RtlInitUnicodeString(us, wideString(k, '\\Registry\\Machine\\Software\\Fuzz'));
  const oa = scratch(k, OBJECT_ATTRIBUTES.size);
  k.as.zero(oa, OBJECT_ATTRIBUTES.size);
  k.as.setU32(oa, OBJECT_ATTRIBUTES.size);
  k.as.setU32(oa + OBJECT_ATTRIBUTES.off.ObjectName, us);
  const out = scratch(k, 8);
  k.ddi.ZwCreateKey(out, 0, oa, 0, 0, 0, 0);
  const table = scratch(k, 2 * RTL_QUERY_REGISTRY_TABLE.size);
  k.as.zero(table, 2 * RTL_QUERY_REGISTRY_TABLE.size);
  return [k.as.u32(out), us, oa, table, scratch(k, 0x100), wideString(k, 'Fuzz'), out];
}

const CALLS = ['ZwOpenKey', 'ZwCreateKey', 'ZwDeleteKey', 'ZwQueryValueKey', 'ZwSetValueKey', 'ZwDeleteValueKey', 'ZwEnumerateKey', 'ZwEnumerateValueKey', 'ZwQueryKey', 'ZwFlushKey', 'RtlQueryRegistryValues', 'RtlWriteRegistryValue', 'RtlDeleteRegistryValue', 'RtlCheckRegistryKey', 'RtlCreateRegistryKey', 'IoOpenDeviceRegistryKey', 'IoOpenDriverRegistryKey', 'CmRegisterCallbackEx'] as const;

test('property: registry DDIs with wild arguments return a status or bug check, never throw anything else', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ ddi: fc.constantFrom(...CALLS), args: fc.array(fc.nat({ max: WILD.length + 6 }), { minLength: 7, maxLength: 7 }) }), { minLength: 1, maxLength: 8 }),
      (calls) => {
        const k = new Kernel();
        const valid = setUp(k);
        for (const c of calls) {
          const args = c.args.map((i) => (i < WILD.length ? WILD[i]! : valid[i - WILD.length]!));
          try {
            const r = (k.ddi[c.ddi] as (...a: number[]) => unknown)(...args);
            assert.equal(typeof r, 'number', `${c.ddi} returns an NTSTATUS`);
          } catch (e) {
            assert.ok(e instanceof BugCheck, `${c.ddi}(${args.map((a) => a.toString(16)).join(', ')}) threw ${String(e)}`);
            return;
          }
        }
      },
    ),
    { seed: 0x7e6, numRuns: 400 },
  );
});
