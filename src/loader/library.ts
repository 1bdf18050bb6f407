/**
 * Library images: kernel-mode DLLs drivers import from by module name, as a KMDF driver imports
 * Wdf01000.sys's routines. The loader knows them only through this interface: a layer above it
 * (src/system) registers each library's loader, and the library is loaded on the first image that
 * imports from it (as WdfLdr loads the framework on the first bind), so a run whose drivers import
 * none never loads it.
 */
import type { Kernel } from '../kernel/kernel.ts';
import type { ModuleInfo } from '../kernel/symbols.ts';
import type { ImportTable, LoadedImage } from './image.ts';

/** What a library gets from the loader to place itself in the kernel address space. */
export interface LibraryPlacement {
  /** Reserve `size` bytes of image space; returns the base. */
  readonly reserve: (size: number) => number;
  /** Make the library's module (its symbols) known. */
  readonly publish: (module: ModuleInfo) => void;
}

/** One client image's binding to a library. */
export interface LibraryBinding {
  /** The library's routines by import name: called with the values the image passes (u32, or bigint for i64). */
  readonly routines: ImportTable;
  /** Addresses of the library's variables the image imports (its GOT.mem entries), by name. */
  readonly data: Readonly<Record<string, number>>;
  /** The client is gone (its DriverEntry failed, or it unloaded): release what the bind made. */
  unbind(): void;
}

export interface LibraryImage {
  readonly module: ModuleInfo;
  /**
   * Bind a client's imports (`routines`, `data`: the names it imports). Throws UnresolvedImportError
   * naming what the library does not export, SimulatorError if the client cannot be bound.
   */
  bind(client: LoadedImage, routines: readonly string[], data: readonly string[]): LibraryBinding;
}

/** Loads a library into a machine (once; the loader keeps it). */
export type LibraryLoader = (k: Kernel, placement: LibraryPlacement) => Promise<LibraryImage>;
