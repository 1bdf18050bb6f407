/**
 * Host exceptions out of driver code, as the NT exception a processor would have raised: a wasm trap
 * is a fault of the driver's code (divide by zero, invalid opcode, bad call), a JS exception in a
 * TypeScript driver has no NT code of its own.
 */
import { types } from 'node:util';

export const EXCEPTION = {
  ACCESS_VIOLATION: 0xc0000005,
  ILLEGAL_INSTRUCTION: 0xc000001d,
  INTEGER_DIVIDE_BY_ZERO: 0xc0000094,
  INTEGER_OVERFLOW: 0xc0000095,
  STACK_OVERFLOW: 0xc00000fd,
  /** STATUS_UNHANDLED_EXCEPTION: a host exception with no processor equivalent. */
  UNHANDLED: 0xc0000144,
} as const;

/**
 * A thrown value as an Error. A TypeScript driver runs in a realm of its own (a vm context), so its
 * errors are not host `instanceof Error`: tell them by their internal slot, keeping the object (its
 * fault address tag, its name).
 */
export function asError(e: unknown): Error {
  return types.isNativeError(e) ? e : new Error(String(e));
}

export function exceptionCodeOf(e: Error): number {
  if (e instanceof WebAssembly.RuntimeError) {
    const m = e.message;
    if (/unreachable/.test(m)) return EXCEPTION.ILLEGAL_INSTRUCTION;
    if (/divide by zero|remainder by zero/.test(m)) return EXCEPTION.INTEGER_DIVIDE_BY_ZERO;
    if (/integer overflow|float unrepresentable/.test(m)) return EXCEPTION.INTEGER_OVERFLOW;
    return EXCEPTION.ACCESS_VIOLATION; // out of bounds, null function, signature mismatch
  }
  // By name, not instanceof: a TypeScript driver's stack overflow is a RangeError of its own realm.
  if (e.name === 'RangeError' && /call stack size/.test(e.message)) return EXCEPTION.STACK_OVERFLOW;
  return EXCEPTION.UNHANDLED;
}
