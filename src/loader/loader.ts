/**
 * The driver loader: picks the image format by file extension, reserves image space, binds imports
 * through the registered transforms (the verifier's thunks attach here), creates the driver object,
 * and calls DriverEntry. Unload calls DriverUnload through the I/O manager, then unmaps the image.
 */
import { extname, basename } from 'node:path';
import { ddiFault, DriverEntryFailed, SimulatorError } from '../kernel/errors.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { PAGE_SIZE, PageKind, VaRegion, VA_MAP } from '../kernel/mm/address-space.ts';
import type { ModuleInfo } from '../kernel/symbols.ts';
import { NT_SUCCESS, statusName } from '../nt/status.ts';
import { DRIVER_IMAGE_DIRECTORY } from '../kernel/ps/process.ts';
import type { ImageFormat, ImportTable, ImportTransform, LoadedImage } from './image.ts';
import type { LibraryBinding, LibraryImage, LibraryLoader } from './library.ts';
import type { CoverageCollector } from './coverage.ts';
import { tsImageFormat } from './ts/ts-image.ts';
import { wasmImageFormat } from './wasm/wasm-image.ts';

/** 64 KiB image alignment, as the kernel loader places .sys images. */
const IMAGE_ALIGN = 0x10000;

export interface UnloadedModule {
  readonly name: string;
  readonly imageName: string;
  readonly base: number;
  readonly size: number;
}

export class Loader {
  private readonly formats: ImageFormat[] = [tsImageFormat, wasmImageFormat];
  private readonly transforms: ImportTransform[] = [];
  private readonly region = new VaRegion('DriverImages', VA_MAP.images.start, VA_MAP.images.end);
  readonly images = new Map<number, LoadedImage>();
  readonly unloaded: UnloadedModule[] = [];
  /**
   * Which images have every memory access checked (the verifier says: the verified ones). A wasm
   * image's code is then rewritten with a check before each load and store; others run as compiled.
   */
  checksMemoryOf: (imageName: string) => boolean = () => false;
  /** Set to count the basic blocks of every wasm image loaded from then on (`dv run --coverage`). */
  coverage?: CoverageCollector;

  /** Library images drivers may import from, by module name (lower case): how to load each. */
  private readonly libraryLoaders = new Map<string, LibraryLoader>();
  /** The libraries loaded so far (each once per machine). */
  private readonly libraries = new Map<string, Promise<LibraryImage>>();

  constructor(private readonly k: Kernel) {}

  /** Let drivers import from library `module` (Wdf01000): loaded by `load` on the first bind. */
  registerLibrary(module: string, load: LibraryLoader): void {
    this.libraryLoaders.set(module.toLowerCase(), load);
  }

  /** The library image named `module` if it is loaded. */
  async loadedLibrary(module: string): Promise<LibraryImage | undefined> {
    return this.libraries.get(module.toLowerCase());
  }

  private library(module: string): Promise<LibraryImage> {
    const key = module.toLowerCase();
    let lib = this.libraries.get(key);
    if (!lib) {
      const load = this.libraryLoaders.get(key);
      if (!load) throw new SimulatorError(`no library image named ${module}`);
      lib = load(this.k, {
        reserve: (size) => this.reserveImage(`${module}.sys`, size),
        publish: (m) => this.k.modules.push(m),
      });
      this.libraries.set(key, lib);
    }
    return lib;
  }

  private reserveImage(path: string, size: number): number {
    const pages = Math.ceil(size / IMAGE_ALIGN) * (IMAGE_ALIGN / PAGE_SIZE);
    const va = this.region.allocatePages(pages);
    if (va === undefined) {
      const free = this.region.freeSpace();
      const x = (n: number) => `0x${n.toString(16)}`;
      throw new SimulatorError(
        `cannot load ${path}: driver image space exhausted: the image needs ${x(pages * PAGE_SIZE)} bytes, the largest free run is ` +
          `${x(free.largest)} (${x(free.total)} free in all) of the ${x(this.region.end - this.region.start)}-byte ${this.region.name} region`,
      );
    }
    return va;
  }

  addFormat(format: ImageFormat): void {
    this.formats.push(format);
  }

  addImportTransform(t: ImportTransform): void {
    this.transforms.push(t);
  }

  /** Map a driver image and run DriverEntry. Throws SimulatorError if it cannot load. */
  async load(path: string, name = moduleNameOf(path)): Promise<LoadedImage> {
    const ext = extname(path).toLowerCase();
    const format = this.formats.find((f) => f.extensions.includes(ext));
    if (!format) {
      const known = this.formats.flatMap((f) => f.extensions).join(', ');
      throw new SimulatorError(`cannot load ${path}: unknown driver image type '${ext}' (known: ${known})`);
    }
    if (this.k.modules.some((m) => m.name.toLowerCase() === name.toLowerCase())) {
      throw new SimulatorError(`a module named ${name} is already loaded`);
    }
    let published: ModuleInfo | undefined;
    const bindings: LibraryBinding[] = [];
    const unpublish = () => {
      if (!this.k.halted) for (const b of bindings.splice(0).reverse()) b.unbind();
      // A load that failed leaves no module behind; one that stopped the machine keeps it for the dump.
      if (published && !this.k.halted) this.k.modules.splice(this.k.modules.indexOf(published), 1);
    };
    const image = await format.load(this.k, {
      path,
      name,
      checkMemory: this.checksMemoryOf(`${name}.sys`),
      coverageCounters: this.coverage && ((module, sites) => this.coverage!.allocate(module, sites)),
      comparisonRing: this.coverage?.valueProfile ? (module) => this.coverage!.allocateRing(module) : undefined,
      publish: (module) => {
        published = module;
        this.k.modules.push(module);
      },
      reserve: (size) => this.reserveImage(path, size),
      isLibrary: (module) => this.libraryLoaders.has(module.toLowerCase()),
      bindLibrary: async (module, img, routines, data) => {
        const binding = (await this.library(module)).bind(img, routines, data);
        (img.libraries ??= []).push(binding);
        bindings.push(binding);
        return binding;
      },
      bind: (img, ddi) => guardImports(this.k, this.transforms.reduce<ImportTable>((table, t) => t(img, table), pick(ddi as unknown as ImportTable, img.imports))),
    }).catch((e: unknown) => {
      unpublish();
      throw e;
    });
    if (!published) this.k.modules.push(image.module);
    const driverObject = this.k.io.createDriverObject(name, image.module.base, image.module.size);
    image.driverObject = driverObject;
    this.images.set(driverObject, image);
    // MmLoadSystemImage tells the image-load notify routines before the driver's code first runs.
    this.k.runInThread(this.k.systemThread, () =>
      this.k.withFrames(['IopLoadDriver', 'MmLoadSystemImage'], () =>
        this.k.ps.notify.imageLoaded(`${DRIVER_IMAGE_DIRECTORY}${image.module.imageName}`, 0, image.module.base, image.module.size, true),
      ),
    );
    // The service key the driver was installed under: DriverEntry's RegistryPath names it.
    const serviceKey = this.k.cm.createServiceKey(name, `\\SystemRoot\\System32\\drivers\\${image.module.imageName}`);
    const status = this.k.io.callDriverEntry(driverObject, image.entryPoint, serviceKey);
    if (!NT_SUCCESS(status)) {
      // FxDriverEntry: a failed DriverEntry unbinds the client before the image goes.
      this.unbindLibraries(image);
      this.unmap(image);
      throw new DriverEntryFailed(`${name}!DriverEntry failed with ${statusName(status)}`, status);
    }
    return image;
  }

  /** Unload a driver: DriverUnload, the kernel's unload events, then the image goes. */
  unload(driverObject: number): void {
    const image = this.images.get(driverObject);
    if (!image) throw new SimulatorError(`no driver image for driver object ${driverObject.toString(16)}`);
    // The image goes when the unload completes: now, or once references to the driver object are gone.
    this.k.io.unloadDriver(driverObject, image.finalizeRoutine, () => {
      this.unbindLibraries(image);
      this.unmap(image);
    });
  }

  private unbindLibraries(image: LoadedImage): void {
    // A machine stopped by a bug check keeps what it had, for the dump.
    if (this.k.halted) return;
    for (const b of (image.libraries ?? []).splice(0).reverse()) b.unbind();
  }

  private unmap(image: LoadedImage): void {
    const m = image.module;
    this.k.unregisterModuleRoutines(m.name);
    this.k.as.setPages(m.base, m.size / PAGE_SIZE, PageKind.NoAccess);
    const i = this.k.modules.indexOf(m);
    if (i >= 0) this.k.modules.splice(i, 1);
    this.images.delete(image.driverObject);
    this.unloaded.push({ name: m.name, imageName: m.imageName, base: m.base, size: m.size });
    this.k.events.emit('imageUnmapped', { name: m.name });
  }

  moduleByName(name: string): ModuleInfo | undefined {
    const n = name.toLowerCase().replace(/\.sys$/, '');
    return this.k.modules.find((m) => m.name.toLowerCase() === n);
  }
}

function pick(table: ImportTable, names: readonly string[]): ImportTable {
  const out: ImportTable = {};
  for (const n of names) {
    const fn = table[n];
    if (fn) out[n] = fn;
  }
  return out;
}

/**
 * The DDI boundary: what the driver's imports are bound to, outermost (outside the verifier's
 * thunks). A host exception that escapes a DDI started in our code, not the driver's: it leaves as
 * an InternalError, which callRoutine never charges to the driver. Each call is also the moment a
 * user caller's racing writer may strike (io/caller-buffers.ts).
 */
function guardImports(k: Kernel, table: ImportTable): ImportTable {
  const out: ImportTable = {};
  const files = k.io.files;
  for (const [name, fn] of Object.entries(table)) {
    const call = fn as (...a: unknown[]) => unknown;
    out[name] = (...args: unknown[]) => {
      files.race?.driverCalled();
      try {
        return call(...args);
      } catch (e) {
        throw ddiFault(e, name);
      }
    };
  }
  return out;
}

/** `drivers/ts/MyDriver.ts` -> `MyDriver`. */
export function moduleNameOf(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '');
}
