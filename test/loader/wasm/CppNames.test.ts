/**
 * A C++ function's name without DWARF: wasm-ld's demangled name loses its parameter list, as WinDbg
 * shows it. (With DWARF, test/ddk/CppRuntime.test.ts checks the qualified names end to end.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msvcSpelling, withoutParameters } from '../../../src/loader/wasm/symbols.ts';

test('the parameter list goes, the qualified name and template arguments stay', () => {
  assert.equal(withoutParameters('RequestLog::Append(unsigned long, long)'), 'RequestLog::Append');
  assert.equal(withoutParameters('Ns::Box<int>::Get() const'), 'Ns::Box<int>::Get');
  assert.equal(withoutParameters('Apply<void (*)(int)>(void (*)(int))'), 'Apply<void (*)(int)>');
  assert.equal(withoutParameters('operator new(unsigned long)'), 'operator new');
  assert.equal(withoutParameters('DriverEntry'), 'DriverEntry');
});

test('template arguments are spelled as MSVC does, with no space after a comma and no integer suffix', () => {
  assert.equal(msvcSpelling('Ring<unsigned long, 16>::Push'), 'Ring<unsigned long,16>::Push');
  assert.equal(msvcSpelling('Map<Key, Pair<int, int> >::Find'), 'Map<Key,Pair<int,int> >::Find');
  assert.equal(msvcSpelling('Ring<unsigned long, 16UL>::Fail'), 'Ring<unsigned long,16>::Fail');
  assert.equal(msvcSpelling('Shift<-3L, 2ULL>::Go'), 'Shift<-3,2>::Go');
  assert.equal(msvcSpelling('Buffer16UL::Read'), 'Buffer16UL::Read');
});
