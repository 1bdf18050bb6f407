/**
 * A C++ function's name without DWARF: wasm-ld's demangled name loses its parameter list, as WinDbg
 * shows it. (With DWARF, test/ddk/CppRuntime.test.ts checks the qualified names end to end.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutParameters } from '../../../src/loader/wasm/symbols.ts';

test('the parameter list goes, the qualified name and template arguments stay', () => {
  assert.equal(withoutParameters('RequestLog::Append(unsigned long, long)'), 'RequestLog::Append');
  assert.equal(withoutParameters('Ns::Box<int>::Get() const'), 'Ns::Box<int>::Get');
  assert.equal(withoutParameters('Apply<void (*)(int)>(void (*)(int))'), 'Apply<void (*)(int)>');
  assert.equal(withoutParameters('operator new(unsigned long)'), 'operator new');
  assert.equal(withoutParameters('DriverEntry'), 'DriverEntry');
});
