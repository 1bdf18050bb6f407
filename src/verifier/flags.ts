/**
 * Driver Verifier option flags (verifier.exe /flags, registry VerifyDriverLevel) and how `!verifier`
 * lists them. One table: settings parsing, the thunks and the debugger read it.
 */
export interface VerifierFlag {
  readonly value: number;
  /** The name `!verifier` prints. */
  readonly name: string;
  /** Part of /standard. */
  readonly standard: boolean;
  /** Listed by `!verifier` (the 8.1+ layout); unlisted bits are accepted but not shown. */
  readonly listed: boolean;
}

export const VF = {
  SPECIAL_POOL: 0x1,
  FORCE_IRQL_CHECKING: 0x2,
  RANDOMIZED_LOW_RESOURCES: 0x4,
  POOL_TRACKING: 0x8,
  IO_VERIFICATION: 0x10,
  DEADLOCK_DETECTION: 0x20,
  ENHANCED_IO_VERIFICATION: 0x40,
  DMA_CHECKING: 0x80,
  SECURITY_CHECKS: 0x100,
  FORCE_PENDING_IO: 0x200,
  IRP_LOGGING: 0x400,
  MISCELLANEOUS_CHECKS: 0x800,
  INVARIANT_MDL_STACK: 0x2000,
  INVARIANT_MDL_DRIVER: 0x4000,
  POWER_FRAMEWORK_DELAY_FUZZING: 0x8000,
  PORT_MINIPORT_CHECKING: 0x10000,
  DDI_COMPLIANCE: 0x20000,
  SYSTEMATIC_LOW_RESOURCES: 0x40000,
  DDI_COMPLIANCE_ADDITIONAL: 0x80000,
  NDIS_WIFI: 0x200000,
  KERNEL_SYNC_DELAY_FUZZING: 0x800000,
  VM_SWITCH: 0x1000000,
  CODE_INTEGRITY: 0x2000000,
} as const;

/** verifier /standard (Windows 8 and later). */
export const STANDARD_FLAGS = 0x209bb;

export const VERIFIER_FLAGS: readonly VerifierFlag[] = [
  { value: VF.SPECIAL_POOL, name: 'Special pool', standard: true, listed: true },
  { value: VF.FORCE_IRQL_CHECKING, name: 'Force IRQL checking', standard: true, listed: true },
  { value: VF.POOL_TRACKING, name: 'Pool tracking', standard: true, listed: true },
  { value: VF.IO_VERIFICATION, name: 'I/O verification', standard: true, listed: true },
  { value: VF.DEADLOCK_DETECTION, name: 'Deadlock detection', standard: true, listed: true },
  { value: VF.DMA_CHECKING, name: 'DMA checking', standard: true, listed: true },
  { value: VF.SECURITY_CHECKS, name: 'Security checks', standard: true, listed: true },
  { value: VF.MISCELLANEOUS_CHECKS, name: 'Miscellaneous checks', standard: true, listed: true },
  { value: VF.DDI_COMPLIANCE, name: 'DDI compliance checking', standard: true, listed: true },
  { value: VF.RANDOMIZED_LOW_RESOURCES, name: 'Randomized low resources simulation', standard: false, listed: true },
  { value: VF.FORCE_PENDING_IO, name: 'Force pending I/O requests', standard: false, listed: true },
  { value: VF.IRP_LOGGING, name: 'IRP logging', standard: false, listed: true },
  { value: VF.INVARIANT_MDL_STACK, name: 'Invariant MDL checking for stack', standard: false, listed: true },
  { value: VF.INVARIANT_MDL_DRIVER, name: 'Invariant MDL checking for driver', standard: false, listed: true },
  { value: VF.POWER_FRAMEWORK_DELAY_FUZZING, name: 'Power framework delay fuzzing', standard: false, listed: true },
  { value: VF.SYSTEMATIC_LOW_RESOURCES, name: 'Systematic low resources simulation', standard: false, listed: true },
  { value: VF.DDI_COMPLIANCE_ADDITIONAL, name: 'DDI compliance checking (additional)', standard: false, listed: true },
  { value: VF.NDIS_WIFI, name: 'NDIS/WIFI verification', standard: false, listed: true },
  { value: VF.KERNEL_SYNC_DELAY_FUZZING, name: 'Kernel synchronization delay fuzzing', standard: false, listed: true },
  { value: VF.VM_SWITCH, name: 'VM switch verification', standard: false, listed: true },
  { value: VF.ENHANCED_IO_VERIFICATION, name: 'Enhanced I/O verification', standard: false, listed: false },
  { value: VF.PORT_MINIPORT_CHECKING, name: 'Port/miniport interface checking', standard: false, listed: false },
  { value: VF.CODE_INTEGRITY, name: 'Code integrity checks', standard: false, listed: false },
];

const KNOWN_BITS = VERIFIER_FLAGS.reduce((a, f) => a | f.value, 0);

/** Bits that name no option. */
export function unknownFlagBits(flags: number): number {
  return (flags & ~KNOWN_BITS) >>> 0;
}
