/**
 * I/O verification's check of the buffers a verified driver hands IoBuildDeviceIoControlRequest
 * (0xC9/0x09). Windows copies the input of a buffered or direct request into the system buffer, and
 * probes and locks a direct request's output, under an exception handler: a buffer it cannot touch
 * raises an exception, which I/O verification turns into the bug check with the exception's status.
 * This kernel's own copies are unchecked, so the thunk looks at the pages those copies would touch.
 */
import { isAccessible, PAGE_SIZE } from '../../kernel/mm/address-space.ts';
import { METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_OUT_DIRECT, ioctlMethod } from '../../nt/io.ts';
import { STATUS } from '../../nt/status.ts';
import type { AnyFn, VerifierContext } from '../context.ts';
import { VF } from '../flags.ts';
import { RULES } from '../rules.ts';
import { thunkFrame } from './frames.ts';

/** Every page of [address, address + length) can be touched. */
function accessible(vf: VerifierContext, address: number, length: number): boolean {
  if (address === 0 || length === 0) return true;
  const end = address + length;
  if (end > 0x1_0000_0000) return false;
  for (let page = address - (address % PAGE_SIZE); page < end; page += PAGE_SIZE) if (!isAccessible(vf.k.as.pageKind(page))) return false;
  return true;
}

export function buildIoctlThunk(next: AnyFn, vf: VerifierContext): AnyFn {
  const frames = [thunkFrame(vf, 'IoBuildDeviceIoControlRequest')];
  return ((...a: number[]): number => {
    if (vf.flags & VF.IO_VERIFICATION) {
      const [code = 0, device = 0, input = 0, inputLength = 0, output = 0, outputLength = 0] = a.map((x) => x >>> 0);
      const method = ioctlMethod(code);
      const direct = method === METHOD_IN_DIRECT || method === METHOD_OUT_DIRECT;
      // The input is copied for buffered and direct requests; a direct request's output is probed and locked.
      const copied = (method === METHOD_BUFFERED || direct) && !accessible(vf, input, inputLength);
      const locked = direct && !accessible(vf, output, outputLength);
      if (copied || locked) vf.violation(RULES.BuildIoctlBadBuffer, device, code, STATUS.ACCESS_VIOLATION, frames);
    }
    return (next as (...x: number[]) => number)(...a);
  }) as AnyFn;
}
