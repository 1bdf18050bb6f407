/**
 * What every loaded driver image has, whatever it was built from: a base and a size in the kernel
 * address space, symbols, an entry point, and its imports bound to a routine table.
 */
import type { DdiTable } from '../kernel/ddi.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { ModuleInfo } from '../kernel/symbols.ts';
import type { LibraryBinding } from './library.ts';

/** The routines one driver image is bound to: the kernel's DDIs, or the verifier's thunks of them. */
export type ImportTable = Record<string, (...args: never[]) => unknown>;

/** A pass over a driver's import table at binding time (the verifier registers one). */
export type ImportTransform = (image: LoadedImage, table: ImportTable) => ImportTable;

export interface LoadedImage {
  readonly module: ModuleInfo;
  /** Names the image imports from ntoskrnl. */
  readonly imports: readonly string[];
  /** Code address of DriverEntry. */
  entryPoint: number;
  driverObject: number;
  /** Code address of the image's runtime routine that runs its atexit list (global destructors), if it has one. */
  finalizeRoutine?: number;
  /** Its bindings to library images (Wdf01000), released when it unloads or its DriverEntry fails. */
  libraries?: LibraryBinding[];
}

/** A driver image format: turns a file into a mapped, bound image. */
export interface ImageFormat {
  readonly extensions: readonly string[];
  load(k: Kernel, request: MapRequest): Promise<LoadedImage>;
}

export interface MapRequest {
  readonly path: string;
  /** Module name (`MyDriver`); the image name is `<name>.sys`. */
  readonly name: string;
  /** Check every memory access the image's code makes (a verified image). */
  readonly checkMemory: boolean;
  /** With coverage on: counters for the image's basic blocks (their code addresses); returns where they are. */
  readonly coverageCounters?: (module: ModuleInfo, sites: readonly number[]) => number;
  /** With the value profile on: a ring for the operands of the image's comparisons; returns where it is. */
  readonly comparisonRing?: (module: ModuleInfo) => number;
  /** Reserve `size` bytes of image space; returns the base. */
  readonly reserve: (size: number) => number;
  /** Bind the image's imports: the kernel table run through every import transform. */
  readonly bind: (image: LoadedImage, ddi: DdiTable) => ImportTable;
  /** Make the image's symbols known before any of its code runs (top-level code, constructors). */
  readonly publish: (module: ModuleInfo) => void;
  /** Is `module` a library image's name (an import module other than ntoskrnl the image may use)? */
  readonly isLibrary: (module: string) => boolean;
  /** Bind the image's imports from library `module` (loading it on first use). */
  readonly bindLibrary: (module: string, image: LoadedImage, routines: readonly string[], data: readonly string[]) => Promise<LibraryBinding>;
}
