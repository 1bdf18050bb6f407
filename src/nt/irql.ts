/** Interrupt request levels of a 32-bit (x86) NT kernel. */
export const PASSIVE_LEVEL = 0;
export const LOW_LEVEL = 0;
export const APC_LEVEL = 1;
export const DISPATCH_LEVEL = 2;
export const PROFILE_LEVEL = 27;
export const CLOCK_LEVEL = 28;
export const IPI_LEVEL = 29;
export const POWER_LEVEL = 30;
export const HIGH_LEVEL = 31;

export type KIRQL = number;

const NAMES: Record<number, string> = {
  [PASSIVE_LEVEL]: 'PASSIVE_LEVEL',
  [APC_LEVEL]: 'APC_LEVEL',
  [DISPATCH_LEVEL]: 'DISPATCH_LEVEL',
  [PROFILE_LEVEL]: 'PROFILE_LEVEL',
  [CLOCK_LEVEL]: 'CLOCK_LEVEL',
  [IPI_LEVEL]: 'IPI_LEVEL',
  [POWER_LEVEL]: 'POWER_LEVEL',
  [HIGH_LEVEL]: 'HIGH_LEVEL',
};

/** `2 (DISPATCH_LEVEL)`-style name, as `!irql` prints it. */
export function irqlName(irql: KIRQL): string {
  return NAMES[irql] ?? (irql > DISPATCH_LEVEL && irql < PROFILE_LEVEL ? 'DIRQL' : `IRQL ${irql}`);
}
