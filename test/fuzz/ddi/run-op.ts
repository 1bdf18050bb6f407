/**
 * Running one operation of a fuzz sequence: resolve its selectors against the driver's objects,
 * make the DDI call (or the driver-side memory writes a macro would do), and record what it made.
 */
import { POOL_FLAG } from '../../../src/nt/pool.ts';
import type { FuzzDriverState } from './driver-state.ts';
import { FORMATS, IRQLS, OPS, POOL_TYPES, SIZES, TAGS, type Kind, type Op } from './ops.ts';

/** Run one operation from driver routine `at`. Operations whose objects do not exist yet are skipped. */
export function runOp(st: FuzzDriverState, at: number, o: Op): void {
  const kinds: readonly Kind[] = OPS[o.op].sels;
  const addr: number[] = [];
  for (let i = 0; i < kinds.length; i++) {
    const a = st.resolve(kinds[i]!, o.s[i]!);
    if (a === undefined) return;
    addr.push(a);
  }
  const [a0 = 0, a1 = 0] = addr;
  const [n0 = 0, n1 = 0, n2 = 0] = o.n;
  const call = (name: string, ...args: unknown[]) => st.call(at, name, ...args);
  const tag = (n: number) => TAGS[n % TAGS.length]!;
  const size = (n: number) => SIZES[n % SIZES.length]!;
  const irql = (n: number) => IRQLS[n % IRQLS.length]!;
  const rel = (n: number) => BigInt(-((n % 50) + 1) * 10_000);
  const timeout = (n: number): number => {
    if (n % 4 === 0) return 0;
    st.m.kernel.as.setU64(st.scratch(1), rel(n));
    return st.scratch(1);
  };
  switch (o.op) {
    case 'ExAllocatePoolWithTag': {
      const t = tag(n2);
      const type = POOL_TYPES[n0 % POOL_TYPES.length]!;
      st.add('pool', call(o.op, type, size(n1), t), { tag: t, paged: type === 1 });
      return;
    }
    case 'ExAllocatePool2': {
      const flags = [POOL_FLAG.NON_PAGED, POOL_FLAG.PAGED, POOL_FLAG.NON_PAGED_EXECUTE, POOL_FLAG.SESSION | POOL_FLAG.PAGED, 0n][n0 % 5]!;
      const t = tag(n2);
      st.add('pool', call(o.op, flags, size(n1), t), { tag: t, paged: (flags & POOL_FLAG.PAGED) !== 0n });
      return;
    }
    case 'ExFreePoolWithTag':
      call(o.op, a0, n0 % 3 === 0 ? (st.entryOf('pool', o.s[0]!)?.tag ?? tag(n0)) : tag(n0));
      return;
    case 'ExFreePool':
      call(o.op, a0);
      return;
    case 'WritePool': {
      // The driver writes into its block (within it, or past its end): checked memory, as a driver touches it.
      const mem = st.m.kernel.driverMemory;
      mem.setU32((a0 + (n0 % 0x1010)) >>> 0, n1);
      return;
    }
    case 'KeRaiseIrql':
      call(o.op, irql(n0), a0);
      st.savedIrql.push(st.m.kernel.as.u8(a0));
      return;
    case 'KeLowerIrql':
      call(o.op, irql(n0));
      return;
    case 'KeRaiseIrqlToDpcLevel':
      st.savedIrql.push(call(o.op));
      return;
    case 'LowerToSaved':
      call('KeLowerIrql', st.savedIrql.pop() ?? 0);
      return;
    case 'KeInitializeSpinLock':
      call(o.op, a0);
      st.add('lock', a0);
      return;
    case 'KeAcquireSpinLock':
      call(o.op, a0, a1);
      st.savedIrql.push(st.m.kernel.as.u8(a1));
      return;
    case 'KeReleaseSpinLock':
      call(o.op, a0, st.savedIrql.pop() ?? 0);
      return;
    case 'KeAcquireSpinLockAtDpcLevel':
    case 'KeReleaseSpinLockFromDpcLevel':
    case 'ExAcquireFastMutex':
    case 'ExTryToAcquireFastMutex':
    case 'ExReleaseFastMutex':
    case 'KeSetEvent':
    case 'KeResetEvent':
    case 'KeInsertQueueDpc':
    case 'KeRemoveQueueDpc':
    case 'KeCancelTimer':
    case 'MmBuildMdlForNonPagedPool':
    case 'MmUnlockPages':
    case 'IoFreeMdl':
    case 'IoFreeWorkItem':
    case 'ObReferenceObject':
    case 'ObDereferenceObject':
    case 'IoDeleteDevice':
      call(o.op, a0, 0, 0);
      return;
    case 'ExInitializeFastMutex':
      call(o.op, a0);
      st.add('fmutex', a0);
      return;
    case 'KeInitializeEvent':
      call(o.op, a0, n0 % 3, n1 % 2);
      st.add('event', a0);
      return;
    case 'KeWaitForSingleObject':
      call(o.op, a0, 0, 0, 0, timeout(n0));
      return;
    case 'KeDelayExecutionThread':
      st.m.kernel.as.setU64(st.scratch(1), rel(n0));
      call(o.op, 0, 0, st.scratch(1));
      return;
    case 'KeInitializeDpc':
      call(o.op, a0, st.img.routine('FuzzDpcRoutine'), a1);
      st.add('dpc', a0);
      return;
    case 'KeFlushQueuedDpcs':
      call(o.op);
      return;
    case 'KeInitializeTimerEx':
      call(o.op, a0, n0 % 2);
      st.add('timer', a0);
      return;
    case 'KeSetTimerEx':
      call(o.op, a0, rel(n0), n1 % 3 === 0 ? n1 % 20 : 0, n2 % 4 === 0 ? 0 : a1);
      return;
    case 'IoAllocateWorkItem':
      st.add('ioworkitem', call(o.op, a0));
      return;
    case 'IoQueueWorkItem':
      call(o.op, a0, st.img.routine('FuzzIoWorkItemRoutine'), 1, a1);
      return;
    case 'ExInitializeWorkItem': {
      // A macro in wdm.h: the driver fills the WORK_QUEUE_ITEM itself.
      const mem = st.m.kernel.driverMemory;
      mem.setU32(a0, 0);
      mem.setU32(a0 + 4, 0);
      mem.setU32(a0 + 8, st.img.routine('FuzzExWorkerRoutine'));
      mem.setU32(a0 + 12, a1);
      st.add('exworkitem', a0);
      return;
    }
    case 'ExQueueWorkItem':
      call(o.op, a0, 1);
      return;
    case 'PsCreateSystemThread': {
      const out = st.scratch(2);
      if (call(o.op, out, 0, 0, 0, 0, st.img.routine('FuzzThreadStart'), a0) === 0) st.add('handle', st.m.kernel.as.u32(out));
      return;
    }
    case 'ZwClose':
      call(o.op, a0);
      return;
    case 'ObReferenceObjectByHandle': {
      const out = st.scratch(2);
      if (call(o.op, a0, 0, 0, 0, out, 0) === 0) st.add('object', st.m.kernel.as.u32(out));
      return;
    }
    case 'IoCreateDevice': {
      const out = st.scratch(2);
      if (call(o.op, st.driverObject, [0, 0x10, 0x1000][n0 % 3], 0, 0x22, 0, 0, out) === 0) st.add('object', st.m.kernel.as.u32(out));
      return;
    }
    case 'IoAllocateMdl':
      st.add('mdl', call(o.op, a0, size(n0), 0, 0, 0));
      return;
    case 'MmProbeAndLockPages':
      call(o.op, a0, n0 % 2, n0 % 3);
      return;
    case 'MmMapLockedPagesSpecifyCache':
      call(o.op, a0, n0 % 4 === 0 ? 1 : 0, 1, 0, 0, 16);
      return;
    case 'MmUnmapLockedPages':
      call(o.op, st.m.kernel.as.u32(a0 + 12), a0);
      return;
    case 'MmGetSystemAddressForMdlSafe':
      call(o.op, a0, 16);
      return;
    case 'IoBuildPartialMdl':
      call(o.op, a0, a1, (st.m.kernel.as.u32(a0 + 0x10) + (n0 % 0x100)) >>> 0, n1 % 0x200);
      return;
    case 'ExInitializeLookasideList': {
      const paged = n0 % 2 === 1;
      call(paged ? 'ExInitializePagedLookasideList' : 'ExInitializeNPagedLookasideList', a0, 0, 0, 0, size(n1), tag(n2), 0);
      st.add('lookaside', a0, { paged });
      return;
    }
    case 'ExAllocateFromLookasideList': {
      const paged = st.entryOf('lookaside', o.s[0]!)?.paged ?? false;
      st.add('pool', call(paged ? 'ExAllocateFromPagedLookasideList' : 'ExAllocateFromNPagedLookasideList', a0));
      return;
    }
    case 'ExFreeToLookasideList': {
      const paged = st.entryOf('lookaside', o.s[0]!)?.paged ?? false;
      call(paged ? 'ExFreeToPagedLookasideList' : 'ExFreeToNPagedLookasideList', a0, a1);
      return;
    }
    case 'ExDeleteLookasideList': {
      const paged = st.entryOf('lookaside', o.s[0]!)?.paged ?? false;
      call(paged ? 'ExDeletePagedLookasideList' : 'ExDeleteNPagedLookasideList', a0);
      return;
    }
    case 'RtlInitUnicodeString': {
      // The source: a NUL-terminated wide string the driver wrote into a pool block (or a wild pointer).
      if ('r' in o.s[1]!) {
        const text = 'Fuzz\\Name'.slice(0, (n0 % 9) + 1);
        const mem = st.m.kernel.driverMemory;
        for (let i = 0; i < text.length; i++) mem.setU16(a1 + 2 * i, text.charCodeAt(i));
        mem.setU16(a1 + 2 * text.length, 0);
      }
      call(o.op, a0, a1);
      st.add('ustring', a0);
      return;
    }
    case 'RtlCopyUnicodeString':
      call(o.op, a0, a1);
      return;
    case 'RtlCompareUnicodeString':
    case 'RtlEqualUnicodeString':
      call(o.op, a0, a1, n0 % 2);
      return;
    case 'IoCreateSymbolicLink':
    case 'KeReleaseMutex':
      call(o.op, a0, a1);
      return;
    case 'IoDeleteSymbolicLink':
    case 'IoFreeIrp':
    case 'IoCompleteRequest':
    case 'MmIsAddressValid':
    case 'KeQuerySystemTime':
      call(o.op, a0, 0);
      return;
    case 'KeInitializeMutex':
      call(o.op, a0, 0);
      st.add('event', a0);
      return;
    case 'KeWaitForMultipleObjects': {
      const array = st.scratch(2);
      const count = [1, 2, 3, 4, 65][n0 % 5]!;
      for (let i = 0; i < 3; i++) st.m.kernel.as.setU32(array + 4 * i, addr[i]!);
      call(o.op, count, array, n1 % 2, 0, 0, 0, timeout(n2), 0);
      return;
    }
    case 'IoAllocateIrp':
      st.add('irp', call(o.op, [1, 2, 0, 8][n0 % 4], 0));
      return;
    case 'IoCallDriver':
      call(o.op, a0, a1);
      return;
    case 'KeStallExecutionProcessor':
      call(o.op, [1, 50, 1000, 100_000][n0 % 4]);
      return;
    case 'DbgPrint': {
      // The format lives in the image, as a C literal would; the arguments are whatever the driver has.
      const format = FORMATS[n0 % FORMATS.length]!;
      const at = st.scratch(3);
      st.m.kernel.as.write(at, new TextEncoder().encode(format + '\0'));
      const values = [a0, a1, n1 * 0x10001, 0x7fffffff, 0xffffffff];
      call(o.op, at, ...values.slice(n1 % 3));
      return;
    }
  }
}

/** DriverUnload's tidy-up: release what the sequence still holds, in the order a careful driver would. */
export function tidy(st: FuzzDriverState, at: number): void {
  const call = (name: string, ...args: unknown[]) => st.call(at, name, ...args);
  if (st.m.kernel.irql !== 0) call('KeLowerIrql', 0);
  for (const t of st.list('timer')) call('KeCancelTimer', t.a);
  for (const d of st.list('dpc')) call('KeRemoveQueueDpc', d.a);
  call('KeFlushQueuedDpcs');
  for (const l of st.list('lookaside')) call(l.paged ? 'ExDeletePagedLookasideList' : 'ExDeleteNPagedLookasideList', l.a);
  for (const w of st.list('ioworkitem')) call('IoFreeWorkItem', w.a);
  for (const m of st.list('mdl')) call('IoFreeMdl', m.a);
  for (const h of st.list('handle')) call('ZwClose', h.a);
  for (const p of st.list('pool')) if (p.tag !== undefined) call('ExFreePoolWithTag', p.a, p.tag);
  for (const d of st.list('object')) call('IoDeleteDevice', d.a);
}
