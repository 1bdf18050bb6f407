/**
 * The kernel's stack switch (ke/suspend.ts) for an image transformed by asyncify.ts: a waiting
 * system thread's wasm frames are saved to a buffer in nonpaged pool as they unwind, and restored
 * from it as the thread's start routine is entered again.
 *
 * Only a stack that is wasm of this image from the wait back to the thread's start routine can be
 * unwound: a host frame in between (a kernel callback into the driver, the __try runtime's
 * invoke_<sig>) or another image's frame cannot be, and such a wait runs other work on top of the
 * thread instead, as before.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import type { StackSwitch } from '../../kernel/ke/suspend.ts';
import type { Thread } from '../../kernel/ps/thread.ts';
import { TAG } from '../../kernel/tags.ts';
import { ASYNCIFY, ASYNCIFY_STATE } from './asyncify.ts';

/** Room for the locals and resume points of every unwound frame of one thread. */
const SAVE_AREA_SIZE = 16 * 1024;
/** The kernel routine under a system thread's start routine (kernel.ts), as a host stack names it. */
const THREAD_START_FRAME = 'runSystemThread';
/** The function a blocking DDI import of a transformed image is (wasm-image.ts), as a host stack names it. */
export const BLOCKING_CALL_FRAME = 'KiWaitFromWasm';

export interface ImageStackSwitch extends StackSwitch {
  /** After the image's code returns to the kernel: finish an unwind that reached the start routine. */
  returned(): void;
  /** As the image's code calls a blocking DDI: finish a rewind that reached the wait. */
  calling(): void;
}

export function imageStackSwitch(k: Kernel, exports: () => Record<string, unknown>, script: string): ImageStackSwitch {
  const call = (name: string, ...a: number[]) => (exports()[name] as (...x: number[]) => number)(...a);
  // A WeakMap: a machine snapshot notes its entries (system/snapshot/graph.ts), as it cannot see a closure's Map.
  const saved = new WeakMap<Thread, number>();
  return {
    unwind() {
      if (!wasmUpToThreadStart(script)) return false;
      const area = k.tryAllocateKernelObject(SAVE_AREA_SIZE, TAG.ThreadStackSave);
      if (area === 0) return false;
      // asyncify's buffer: where the next frame goes, and where the area ends.
      k.as.setU32(area, area + 8);
      k.as.setU32(area + 4, area + SAVE_AREA_SIZE);
      saved.set(k.currentThread, area);
      call(ASYNCIFY.startUnwind, area);
      return true;
    },
    rewind() {
      const area = saved.get(k.currentThread);
      if (area === undefined) throw new Error(`thread ${k.currentThread.name} has no saved stack to rewind`);
      call(ASYNCIFY.startRewind, area);
    },
    returned() {
      if (call(ASYNCIFY.state) === ASYNCIFY_STATE.unwinding) call(ASYNCIFY.stopUnwind);
    },
    calling() {
      if (call(ASYNCIFY.state) !== ASYNCIFY_STATE.rewinding) return;
      call(ASYNCIFY.stopRewind);
      const area = saved.get(k.currentThread);
      saved.delete(k.currentThread);
      if (area !== undefined) k.freeKernelObject(area);
    },
  };
}

/**
 * The host stack now: the blocking DDI's entry called straight from this image's wasm (not through
 * the __try runtime's invoke_<sig> or a function pointer's trampoline), one run of this image's wasm
 * frames, then kernel frames down to the thread's start with no wasm frame among them.
 */
function wasmUpToThreadStart(script: string): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  Error.stackTraceLimit = limit;
  let i = frames.findIndex((f) => f.includes(`at ${BLOCKING_CALL_FRAME} `));
  if (i < 0 || !frames[i + 1]?.includes(script)) return false;
  for (i++; i < frames.length && frames[i]!.includes('wasm://'); i++) if (!frames[i]!.includes(script)) return false;
  for (; i < frames.length; i++) {
    if (frames[i]!.includes(THREAD_START_FRAME)) return true;
    if (frames[i]!.includes('wasm://')) return false;
  }
  return false;
}
