/** The import check on its own: what it lets through and how it names what it refuses. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkImports } from '../../src/build/import-check.ts';
import type { WasmImport } from '../../src/build/wasm-module.ts';

const ddis = new Set(['IoCreateDevice', 'ExAllocatePoolWithTag']);
const fn = (module: string, name: string): WasmImport => ({ module, name, kind: 'function', type: { params: [], results: [] } });
const abi: WasmImport[] = [
  { module: 'env', name: 'memory', kind: 'memory' },
  { module: 'env', name: '__indirect_function_table', kind: 'table' },
  { module: 'env', name: '__memory_base', kind: 'global' },
  { module: 'env', name: '__table_base', kind: 'global' },
  { module: 'env', name: '__stack_pointer', kind: 'global' },
];

test('kernel DDIs from ntoskrnl and the PIC env items pass', () => {
  assert.deepEqual(checkImports([...abi, fn('ntoskrnl', 'IoCreateDevice')], [], ddis), []);
});

test('each refused import is named, with the file that uses it', () => {
  const objects = [
    { source: 'a.c', imports: [fn('env', 'Helper'), fn('ntoskrnl', 'IoFoo')] },
    { source: 'b.c', imports: [fn('env', 'Helper'), { module: 'GOT.mem', name: 'Counter', kind: 'global' } as WasmImport] },
  ];
  const problems = checkImports(
    [
      ...abi,
      fn('env', 'Helper'),
      fn('ntoskrnl', 'IoFoo'),
      fn('env', 'ExAllocatePoolWithTag'),
      { module: 'GOT.mem', name: 'Counter', kind: 'global' },
      fn('env', 'Callback'),
      { module: 'GOT.func', name: 'Callback', kind: 'global' },
      fn('wasi_snapshot_preview1', 'fd_write'),
      { module: 'env', name: 'memory', kind: 'global' },
    ],
    objects,
    ddis,
  );
  assert.deepEqual(problems, [
    "a.c, b.c: error: undefined function 'Helper': it is declared but defined in no source file, and it is not a DDI the kernel exports",
    "a.c: error: 'IoFoo' is not exported by the simulated kernel (docs/ddi-support.md lists the DDIs it exports)",
    "the driver: error: 'ExAllocatePoolWithTag' is a DDI but was declared without its ntoskrnl import: include <wdm.h> instead of declaring it yourself",
    "b.c: error: undefined variable 'Counter': it is declared extern but defined in no source file, and it is not data the kernel exports",
    "the driver: error: undefined function 'Callback': it is declared but defined in no source file, and it is not a DDI the kernel exports",
    'the driver: error: import wasi_snapshot_preview1.fd_write is from an unknown module (only ntoskrnl and env are allowed)',
    'the driver: error: env.memory is imported as a global, the ABI has it as a memory',
  ]);
});

test('the data ntoskrnl exports passes as GOT.mem.<name>; other variables are refused by name', () => {
  const data = (name: string): WasmImport => ({ module: 'GOT.mem', name, kind: 'global' });
  assert.deepEqual(checkImports([...abi, data('IoFileObjectType'), data('KeNumberProcessors'), data('NtBuildNumber')], [], ddis), []);
  assert.deepEqual(checkImports([...abi, data('PsInitialSystemProcess')], [{ source: 'c.c', imports: [data('PsInitialSystemProcess')] }], ddis), [
    "c.c: error: undefined variable 'PsInitialSystemProcess': it is declared extern but defined in no source file, and it is not data the kernel exports",
  ]);
});
