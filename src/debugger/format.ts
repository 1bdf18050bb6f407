/** Number formats of kd output on a 32-bit target. */
export const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
export const HEX8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
export const hex = (n: number): string => (n >>> 0).toString(16);
/** `0x%08x`. */
export const ptr = (n: number): string => `0x${hex8(n)}`;
