/** The compiled dv's entry if it is up to date with the sources under `root` (ending in a separator), else undefined. */
export function freshBundle(root: string): string | undefined;
