/**
 * Which handle table a new handle goes in: the kernel's (System) table for OBJ_KERNEL_HANDLE or when
 * the caller runs in the System process, else the table of the user process it runs in, as Windows
 * decides it. A user-table handle is the caller's process's to use, not the kernel's.
 */
import type { Kernel } from '../kernel.ts';

/** OBJ_KERNEL_HANDLE: the handle is in the kernel's table, which the callbacks see as KernelHandle. */
export const OBJ_KERNEL_HANDLE = 0x200;

/** The user process whose table a handle opened now with `attributes` goes in; undefined for the kernel's. */
export function userHandleTable(k: Kernel, attributes: number): number | undefined {
  const process = k.currentThread.process;
  return attributes & OBJ_KERNEL_HANDLE || process === k.systemProcess ? undefined : process.address;
}
