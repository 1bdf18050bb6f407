/**
 * The fuzz driver: an image format whose "driver" is the harness itself. It maps a small image (code
 * addresses for its routines, a page of globals), imports every DDI the kernel exports, and hands the
 * bound table (the verifier's thunks when verified) to the harness, which calls DDIs from the image's
 * routines exactly where a TypeScript driver would: inside DriverEntry, DriverUnload, DPCs, work items
 * and system threads, each call attributed to a code address of the image.
 */
import type { Kernel } from '../../../src/kernel/kernel.ts';
import { PAGE_SIZE, PageKind } from '../../../src/kernel/mm/address-space.ts';
import type { FunctionSymbol, ModuleInfo } from '../../../src/kernel/symbols.ts';
import type { ImageFormat, ImportTable, LoadedImage } from '../../../src/loader/image.ts';

export const FUZZ_EXTENSION = '.fuzzdrv';

/** The image's routines, in code order; each gets 0x100 bytes of code addresses. */
export const ROUTINES = ['DriverEntry', 'DriverUnload', 'FuzzDpcRoutine', 'FuzzIoWorkItemRoutine', 'FuzzExWorkerRoutine', 'FuzzThreadStart'] as const;
export type RoutineName = (typeof ROUTINES)[number];

const CODE_RVA = 0x1000;
const ROUTINE_SIZE = 0x100;
const DATA_RVA = 0x2000;
/** Globals: static storage for the structures the sequence initializes (C's file-scope variables). */
export const GLOBAL_SLOTS = 32;
export const GLOBAL_SLOT_SIZE = 0x80;
const IMAGE_SIZE = 0x4000;

export interface FuzzImage {
  readonly table: ImportTable;
  readonly base: number;
  readonly size: number;
  /** Code address of a routine (what a driver passes as a function pointer). */
  readonly routine: (name: RoutineName) => number;
  /** Address of global slot i. */
  readonly global: (i: number) => number;
}

/** What the harness's routines do when the kernel calls them. */
export type RoutineBodies = Record<RoutineName, (...args: number[]) => unknown>;

/**
 * An image format for `Machine.loader.addFormat`: loading `X.fuzzdrv` maps the fuzz image, binds every
 * DDI, and calls `ready` with the bound table before DriverEntry runs. No file is read.
 */
export function fuzzImageFormat(bodies: () => RoutineBodies, ready: (image: FuzzImage) => void): ImageFormat {
  return {
    extensions: [FUZZ_EXTENSION],
    async load(k: Kernel, req): Promise<LoadedImage> {
      const base = req.reserve(IMAGE_SIZE);
      k.as.setPages(base, IMAGE_SIZE / PAGE_SIZE, PageKind.Image);
      k.as.zero(base, IMAGE_SIZE);
      const code = (name: RoutineName) => base + CODE_RVA + ROUTINES.indexOf(name) * ROUTINE_SIZE;
      const functions: FunctionSymbol[] = ROUTINES.map((name) => ({ name, start: code(name), size: ROUTINE_SIZE }));
      const module: ModuleInfo = { name: req.name, imageName: `${req.name}.sys`, base, size: IMAGE_SIZE, symbols: { functions, files: [], lines: [] } };
      const image: LoadedImage = { module, imports: Object.keys(k.ddi), entryPoint: code('DriverEntry'), driverObject: 0 };
      const table = req.bind(image, k.ddi);
      for (const name of ROUTINES) k.registerRoutine(code(name), ((...args: number[]) => bodies()[name](...args)) as never, req.name);
      ready({ table, base, size: IMAGE_SIZE, routine: code, global: (i) => base + DATA_RVA + (i % GLOBAL_SLOTS) * GLOBAL_SLOT_SIZE });
      return image;
    },
  };
}
