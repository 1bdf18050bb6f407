/**
 * Security checks (0x100): a driver calling a ZwXxx routine runs it with PreviousMode = KernelMode,
 * so the routine trusts every address it is given. A user-mode address among them (a buffer, an
 * OBJECT_ATTRIBUTES, a UNICODE_STRING or its Buffer) is 0xC4/0xE3; a UNICODE_STRING that is
 * malformed (Length above MaximumLength, or an odd length) is 0xC4/0xE4. Parameter 2 of both is
 * the address of the driver's call. An IRP a driver sends with RequestorMode = KernelMode is trusted
 * the same way by the drivers below: a user-mode SystemBuffer or UserBuffer in it is 0xC4/0xE2.
 */
import { KPROCESSOR_MODE } from '../../kernel/ex/previous-mode.ts';
import { MM_USER_PROBE_ADDRESS } from '../../kernel/mm/address-space.ts';
import { IRP_FLAG } from '../../nt/io.ts';
import { IRP, OBJECT_ATTRIBUTES, UNICODE_STRING } from '../../nt/layout.ts';
import { VF } from '../flags.ts';
import { RULES } from '../rules.ts';
import type { ThunkSet, VerifierContext } from '../context.ts';
import { checked, thunkRoutines } from './frames.ts';

/** What an argument is: a pointer the routine reads or writes, a PUNICODE_STRING, a POBJECT_ATTRIBUTES; `-` is not a pointer. */
type Arg = 'p' | 'us' | 'oa' | '-';

/** The Zw routines drivers call, by their arguments (the DDI reference's parameter lists). */
const ZW_ARGS: Readonly<Record<string, readonly Arg[]>> = {
  ZwCreateKey: ['p', '-', 'oa', '-', 'us', '-', 'p'],
  ZwOpenKey: ['p', '-', 'oa'],
  ZwDeleteKey: ['-'],
  ZwQueryKey: ['-', '-', 'p', '-', 'p'],
  ZwEnumerateKey: ['-', '-', '-', 'p', '-', 'p'],
  ZwEnumerateValueKey: ['-', '-', '-', 'p', '-', 'p'],
  ZwQueryValueKey: ['-', 'us', '-', 'p', '-', 'p'],
  ZwSetValueKey: ['-', 'us', '-', '-', 'p', '-'],
  ZwDeleteValueKey: ['-', 'us'],
  ZwFlushKey: ['-'],
};

const isUser = (a: number) => a !== 0 && a >>> 0 < MM_USER_PROBE_ADDRESS;

function checkArgs(vf: VerifierContext, frames: readonly number[], skip: Function, kinds: readonly Arg[], args: readonly number[]): void {
  if (!(vf.flags & VF.SECURITY_CHECKS)) return;
  const as = vf.k.as;
  const userAddress = (a: number) => vf.violation(RULES.ZwUserAddress, vf.caller(skip), a >>> 0, 0, frames);
  const unicodeString = (s: number) => {
    if (s === 0) return;
    if (isUser(s)) userAddress(s);
    const length = as.u16(s + UNICODE_STRING.off.Length);
    const maximum = as.u16(s + UNICODE_STRING.off.MaximumLength);
    const buffer = as.u32(s + UNICODE_STRING.off.Buffer);
    if (length > maximum || length % 2 !== 0 || maximum % 2 !== 0) vf.violation(RULES.ZwMalformedUnicodeString, vf.caller(skip), s >>> 0, 0, frames);
    if (isUser(buffer)) userAddress(buffer);
  };
  kinds.forEach((kind, i) => {
    const a = (args[i] ?? 0) >>> 0;
    if (kind === 'p' && isUser(a)) userAddress(a);
    if (kind === 'us') unicodeString(a);
    if (kind === 'oa' && a !== 0) {
      if (isUser(a)) userAddress(a);
      unicodeString(as.u32(a + OBJECT_ATTRIBUTES.off.ObjectName));
      // The other members that point: the security descriptor and quality of service (RootDirectory is a handle).
      for (const m of [OBJECT_ATTRIBUTES.off.SecurityDescriptor, OBJECT_ATTRIBUTES.off.SecurityQualityOfService]) {
        const p = as.u32(a + m);
        if (isUser(p)) userAddress(p);
      }
    }
  });
}

/**
 * IofCallDriver(DeviceObject, Irp) of a kernel-mode IRP: its UserBuffer, and its SystemBuffer when
 * IRP_BUFFERED_IO says the AssociatedIrp union holds one (else it is MasterIrp or IrpCount).
 */
function checkKernelIrp(vf: VerifierContext, frames: readonly number[], irp: number): void {
  if (!(vf.flags & VF.SECURITY_CHECKS) || irp === 0) return;
  const as = vf.k.as;
  if (as.u8(irp + IRP.off.RequestorMode) !== KPROCESSOR_MODE.KernelMode) return;
  const buffered = (as.u32(irp + IRP.off.Flags) & IRP_FLAG.BUFFERED_IO) !== 0;
  const addresses = [...(buffered ? [as.u32(irp + IRP.off['AssociatedIrp.SystemBuffer'])] : []), as.u32(irp + IRP.off.UserBuffer)];
  const user = addresses.find(isUser);
  if (user !== undefined) vf.violation(RULES.KernelIrpUserAddress, irp >>> 0, user >>> 0, 0, frames);
}

export const securityThunks: ThunkSet = {
  ...Object.fromEntries(Object.entries(ZW_ARGS).map(([ddi, kinds]) => [ddi, checked(ddi, (vf, frames, skip, ...args: number[]) => checkArgs(vf, frames, skip, kinds, args))])),
  IofCallDriver: checked('IofCallDriver', (vf, frames, _skip, _device: number, irp: number) => checkKernelIrp(vf, frames, irp >>> 0)),
};

export const SECURITY_THUNK_ROUTINES = thunkRoutines(securityThunks);
