/**
 * The crash dump's schema: the one definition of what a dump holds. The TypeScript types of the dump
 * are inferred from it, so the writer, the reader and the validator cannot drift apart.
 *
 * zod is loaded on the first validation, not when this module is imported: only `dv kd` reads a dump,
 * and `dv run` / `dv demo` should not pay zod's start-up (about 55 ms). This is the one place in
 * src/ that names zod.
 */
import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';

export const DUMP_FORMAT = 'driver-verifier-crash-dump';
/** 2: the container (magic, version, length, checksums) around the gzip'd JSON of version 1. */
export const DUMP_VERSION = 2;

const U32_MAX = 0xffffffff;
/** KeNumberProcessors on x86 Windows tops out at 32. */
const MAX_PROCESSORS = 32;
/** IRQLs on x86 run from PASSIVE_LEVEL (0) to HIGH_LEVEL (31). */
const HIGH_LEVEL = 31;
const PAGE_SIZE = 0x1000;
/** A 4096-byte page in base64: 1365 full groups and one of a single byte (`xx==`), 5464 characters. */
const PAGE_BASE64_LENGTH = 5464;
const PAGE_BASE64 = /^[A-Za-z0-9+/]*==$/;

/**
 * The error every schema reports: "is missing" when the field is absent, else "is not <what>". The
 * message follows the field's path: `verifier.drivers[0].allocations[3].stack[1] is not a u32`.
 */
const says = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? 'is missing' : `is not ${what}`) });

function define(z: typeof Zod) {
  /** Addresses, codes and counters of a 32-bit machine. */
  const u32 = z.number(says('a u32')).int().min(0).max(U32_MAX);
  const string = z.string(says('a string'));
  const array = <T extends Zod.ZodType>(item: T, what = 'an array') => z.array(item, says(what));
  const object = <S extends Zod.core.$ZodLooseShape>(shape: S, what = 'an object') => z.object(shape, says(what));
  const params = z.tuple([u32, u32, u32, u32], says('an array of 4 u32s'));
  const counters = object({ current: u32, currentBytes: u32, peak: u32, peakBytes: u32 });

  const functionSymbol = object({ name: string, start: u32, size: u32 });
  const lineRow = object({ address: u32, file: u32, line: u32 });
  const localLocation = object({
    start: u32.optional(),
    end: u32.optional(),
    kind: z.enum(['fbreg', 'addr', 'const', 'local', 'global', 'stack', 'none'], says("one of 'fbreg', 'addr', 'const', 'local', 'global', 'stack', 'none'")),
    /** An fbreg offset or a constant may be negative. */
    value: z.number(says('an integer')).int(),
  });
  const locals = object({
    scopes: array(
      object({
        kind: z.enum(['function', 'block', 'inline'], says("one of 'function', 'block', 'inline'")),
        name: string.optional(),
        parent: z.number(says('a scope index or -1')).int().min(-1),
        ranges: array(z.tuple([u32, u32], says('a [start, end] pair'))),
        frameBase: z.enum(['sp', 'unknown'], says("one of 'sp', 'unknown'")).optional(),
        variables: array(object({ name: string, parameter: z.boolean(says('true or false')), type: z.number(says('a type index or -1')).int().min(-1), locations: array(localLocation) })),
      }),
    ),
    types: array(
      object({
        name: string,
        size: u32,
        kind: z.enum(['int', 'unsigned', 'char', 'wchar', 'bool', 'float', 'pointer', 'struct', 'enum', 'array', 'function', 'void'], says('a type kind')),
        target: z.number(says('a type index or -1')).int().min(-1).optional(),
        count: u32.optional(),
        enumerators: array(z.tuple([string, z.number(says('an integer')).int()], says('a [name, value] pair'))).optional(),
      }),
    ),
  });
  const module = object({
    name: z.string(says('a module name')).min(1),
    imageName: string,
    base: u32,
    size: u32,
    symbols: object({
      functions: array(functionSymbol),
      files: array(string),
      lines: array(lineRow),
      /** Inlined calls (DW_TAG_inlined_subroutine); absent for images without them and from older dumps. */
      inlines: array(object({ start: u32, end: u32, entry: u32, name: string, depth: u32, callLine: u32 })).optional(),
      /** Parameters and locals by scope, from DWARF (`dv`); absent for images without them and from older dumps. */
      locals: locals.optional(),
    }),
    path: string.optional(),
    kasan: z.boolean(says('true or false')).optional(),
  });
  const unloadedModule = object({ name: string, imageName: string, base: u32, size: u32 });

  const allocation = object({
    address: u32,
    size: u32,
    tag: u32,
    poolType: u32,
    kind: z.enum(['pool', 'mdl', 'workitem'], says("one of 'pool', 'mdl', 'workitem'")),
    /** The driver's call site, 0 when caller capture was off. */
    caller: u32,
    thread: u32,
    stack: array(u32),
  });
  const verifiedDriver = object({
    name: string,
    imageName: string,
    entryAddress: u32,
    nameAddress: u32,
    state: z.enum(['Loaded', 'Unloaded'], says("one of 'Loaded', 'Unloaded'")),
    loads: u32,
    unloads: u32,
    paged: counters,
    nonPaged: counters,
    contiguousBytes: u32,
    peakContiguousBytes: u32,
    allocations: array(allocation),
  });
  const deadlockReport = object({
    issue: params,
    locks: array(object({ address: u32, type: z.enum(['Spinlock', 'Queued Spinlock', 'Fast Mutex', 'Mutex', 'Resource'], says("a lock type ('Spinlock', 'Queued Spinlock', 'Fast Mutex', 'Mutex', 'Resource')")) })),
    /** The cycle's participants (or the current thread), each acquisition naming its lock by index in `locks`; a null stack is the acquisition under way. */
    threads: array(object({ thread: u32, terminated: z.boolean(says('true or false')), acquisitions: array(object({ lock: u32, stack: array(u32).nullable() })) })),
  });
  const irqlRecord = object({ thread: u32, oldIrql: u32, newIrql: u32, processor: u32, timeStamp: u32, stack: array(u32) });
  const logRecord = object({ kind: z.enum(['alloc', 'free'], says("one of 'alloc', 'free'")), address: u32, size: u32, thread: u32, stack: array(u32) });
  const irpLogRecord = object({
    operation: z.enum(['IoAllocateIrp', 'IoCompleteRequest', 'IoCancelIrp'], says("one of 'IoAllocateIrp', 'IoCompleteRequest', 'IoCancelIrp'")),
    irp: u32,
    thread: u32,
    status: u32,
    stack: array(u32),
  });
  const verifier = object(
    {
      flags: u32,
      drivers: array(verifiedDriver),
      stats: object({
        raiseIrqls: u32,
        acquireSpinLocks: u32,
        synchExecutions: u32,
        trims: u32,
        poolAllocationsAttempted: u32,
        poolAllocationsSucceeded: u32,
        poolAllocationsSucceededSpecialPool: u32,
        poolAllocationsWithNoTag: u32,
        poolAllocationsFailed: u32,
        paged: counters,
        nonPaged: counters,
      }),
      /** The allocation log, newest first. */
      log: object({ capacity: u32, overwritten: u32, records: array(logRecord) }),
      /** Low resources simulation's fault injection tracker (`!verifier 4`), entries newest first; absent when it was off. */
      faults: object({
        tracker: u32,
        size: u32,
        depth: u32,
        count: u32,
        entries: array(object({ index: u32, address: u32, thread: u32, stack: array(u32) })),
      }).optional(),
      /** What Deadlock Detection (0x20) found, for `!deadlock`: absent when it found nothing. */
      deadlock: deadlockReport.optional(),
      /** Force IRQL checking's IRQL transition log, newest first (absent: not recorded). */
      irqlLog: object({ capacity: u32, records: array(irqlRecord) }).optional(),
      /** The IRP log of IRP logging (0x400), newest first (empty without the option). */
      irpLog: object({ capacity: u32, overwritten: u32, records: array(irpLogRecord) }),
    },
    'an object or null',
  );

  const context = object(
    {
      thread: u32,
      threadName: string,
      process: u32,
      processName: string,
      processor: u32,
      irql: z.number(says(`an IRQL (0 to ${HIGH_LEVEL})`)).int().min(0).max(HIGH_LEVEL),
      stack: array(u32),
      /** Parallel to `stack`: each wasm frame's base (the stack pointer at the call it made), 0 where unknown; absent from older dumps. */
      frameBases: array(u32).optional(),
      exception: object({ message: string, address: u32 }).optional(),
      /** The driver the stop blames when no driver code is on the stack (KiBugCheckDriver), and the code to show. */
      culprit: object({ module: string, address: u32.optional() }).optional(),
      /** The machine hung and the run forced this dump (bug check 0xE2): why it was judged hung. */
      hang: object({ reason: string }).optional(),
      /** The bad memory access a memory stop was raised for (mm/access-fault.ts). */
      memoryAccess: object({
        address: u32,
        size: u32,
        write: z.boolean(says('true or false')),
        bad: u32,
        shadow: u32,
        block: object({ address: u32, size: u32, tag: u32, freed: z.boolean(says('true or false')) }).optional(),
      }).optional(),
    },
    'an object or null',
  );

  /** A devnode: its block's address, its parent's (0 for the root), its PDO; states as PNP_DEVNODE_STATE numbers. */
  const deviceNode = object({
    address: u32,
    parent: u32,
    pdo: u32,
    instancePath: string,
    serviceName: string,
    state: u32,
    previousState: u32,
    problemStatus: u32,
  });
  /** What the I/O and PnP managers keep outside simulated memory: the loaded driver objects, device names, the device tree. */
  const devices = object({
    drivers: array(u32),
    names: array(object({ address: u32, name: string })),
    nodes: array(deviceNode),
    /** Function pointers that are not code addresses (a wasm image's table indices) and the code each calls. */
    routines: array(z.tuple([u32, u32], says('a [pointer, code address] pair'))),
  });

  /** What `!thread`, `!process`, `!stacks`, `!pcr`, `!dpcs` and `!timer` read: the dispatcher's host-side state. */
  const kernel = object({
    processes: array(object({ address: u32, id: u32, parentId: u32, name: string, commandLine: string, state: z.enum(['running', 'terminated'], says("one of 'running', 'terminated'")) })),
    threads: array(
      object({
        address: u32,
        id: u32,
        process: u32,
        name: string,
        state: z.enum(['ready', 'running', 'waiting', 'terminated'], says("one of 'ready', 'running', 'waiting', 'terminated'")),
        stackBase: u32,
        stackLimit: u32,
        startRoutine: u32,
        kernelApcDisable: z.number(says('an integer')).int(),
        specialApcDisable: z.number(says('an integer')).int(),
      }),
    ),
    /** Each processor's IRQL and queued KDPCs (addresses, in delivery order). */
    processors: array(object({ irql: z.number(says(`an IRQL (0 to ${HIGH_LEVEL})`)).int().min(0).max(HIGH_LEVEL), dpcActive: z.boolean(says('true or false')), dpcs: array(u32) })),
    /** Set timers: the KTIMER, its due time (100 ns units since boot), period (ms) and DPC. */
    timers: array(object({ timer: u32, due: z.number(says('a time (a non-negative integer)')).int().min(0), period: u32, dpc: u32 })),
  });

  /** The framework's clients (a KMDF driver ran): what `!wdfkd.*` reads besides memory. Handles are the drivers' (address ^ ~7). */
  /** A WPP message as logged (kernel/etw/session.ts TraceRecord): the trace session's and the recorder's. */
  const traceRecord = object({
    sequence: u32,
    time: z.number(says('a time (a non-negative integer)')).int().min(0),
    cpu: u32,
    pid: u32,
    tid: u32,
    name: string,
    file: string.optional(),
    line: u32.optional(),
    func: string.optional(),
    level: string.optional(),
    flags: string.optional(),
    text: string,
  });
  const wdfContext = object({ address: u32, typeInfo: u32, name: string, size: u32 });
  const wdfClient = object({
    name: string,
    /** WDF_DRIVER_GLOBALS (0x10D's Parameter 4), the WDFDRIVER handle (0 before WdfDriverCreate), the DRIVER_OBJECT. */
    globals: u32,
    driver: u32,
    driverObject: u32,
    verifierOn: z.boolean(says('true or false')),
    /** The in-flight recorder's WDF_IFR_HEADER. */
    ifr: u32,
    /** Every live object: type code (FX_TYPE), parent handle (0: none), FX_OBJECT_STATE, references, contexts. */
    objects: array(object({ handle: u32, address: u32, type: u32, parent: u32, state: u32, refs: z.number(says('an integer')).int(), contexts: array(wdfContext) })),
    devices: array(
      object({
        handle: u32,
        deviceObject: u32,
        control: z.boolean(says('true or false')),
        ioType: u32,
        defaultQueue: u32,
        /** The device's execution level and synchronization scope (WDF_EXECUTION_LEVEL, WDF_SYNCHRONIZATION_SCOPE), as created. */
        executionLevel: u32.optional(),
        synchronizationScope: u32.optional(),
        /** A PnP device's package: its three state machines, current state last in each history (oldest first), and whether it owns the stack's power policy. */
        pnp: object({ pnp: array(u32), power: array(u32), powerPolicy: array(u32), policyOwner: z.boolean(says('true or false')), parent: u32 }).optional(),
      }),
    ),
    /** Queues: WDF_IO_QUEUE_DISPATCH_TYPE, the EvtIo* callbacks set ([name, pointer]), requests waiting and presented to the driver. */
    queues: array(
      object({
        handle: u32,
        device: u32,
        dispatchType: u32,
        powerManaged: u32,
        /** WDF_EXECUTION_LEVEL, WDF_SYNCHRONIZATION_SCOPE as the attributes gave them. */
        executionLevel: u32,
        synchronizationScope: u32,
        callbacks: array(z.tuple([string, u32], says('a [callback name, pointer] pair'))),
        waiting: array(u32),
        presented: array(u32),
      }),
    ),
    requests: array(object({ handle: u32, irp: u32, queue: u32, major: u32, fileObject: u32, completed: z.boolean(says('true or false')), cancelRoutine: u32, target: u32.optional(), created: z.boolean(says('true or false')).optional() })),
  });
  const wdf = object({ clients: array(wdfClient) });

  const dump = object({
    format: z.literal(DUMP_FORMAT, says(`'${DUMP_FORMAT}'`)),
    version: z.literal(DUMP_VERSION, says(`${DUMP_VERSION}`)),
    system: object({
      processors: z.number(says(`a processor count (1 to ${MAX_PROCESSORS})`)).int().min(1).max(MAX_PROCESSORS),
      build: string,
      /** Simulated time in 100 ns units since boot: past 2^32 after seven minutes. */
      time: z.number(says('a time (a non-negative integer)')).int().min(0),
    }),
    bugCheck: object({ code: u32, params }, 'an object or null').nullable(),
    context: context.nullable(),
    /**
     * A debugger break in progress (a live machine, never a crash): the stop it stands for, with the
     * text the break printed. `context` is then the breaking thread's.
     */
    breakIn: object({ code: u32, params, message: array(string) }, 'an object or null').nullable().optional(),
    modules: array(module),
    unloadedModules: array(unloadedModule),
    verifier: verifier.nullable(),
    debugLog: array(string),
    /**
     * The WPP trace session's messages, formatted when logged (`!wmitrace.logdump`): absent when no
     * driver traced, and from older dumps. `lost`: messages dropped from the front of a full log.
     */
    trace: object({
      lost: u32,
      records: array(traceRecord),
    }).optional(),
    /**
     * The WPP recorder's logs, per driver (`!rcdrkd.*`): where each log's buffer is, its name and size,
     * and its messages, formatted when logged. Absent when no driver started a recorder, and from older dumps.
     */
    recorder: object({
      logs: array(object({ driver: string, identifier: string, address: u32, size: u32, isDefault: z.boolean(says('true or false')), lost: u32, records: array(traceRecord) })),
    }).optional(),
    /** Absent from dumps written before the device commands (!devnode, !devobj...) existed. */
    devices: devices.optional(),
    /** Non-zero committed pages: [virtual address, base64 page]. */
    memory: array(
      z.tuple(
        [z.number(says('a page address')).int().min(0).max(U32_MAX).multipleOf(PAGE_SIZE), z.string(says('a page (4096 bytes in base64)')).length(PAGE_BASE64_LENGTH).regex(PAGE_BASE64)],
        says('a [page address, base64 page] pair'),
      ),
    ),
    /** Committed pages that hold only zeros (absent from `memory`): [first page address, page count] runs. Absent from older dumps. */
    zeroPages: array(
      z.tuple([z.number(says('a page address')).int().min(0).max(U32_MAX).multipleOf(PAGE_SIZE), u32], says('a [page address, page count] pair')),
    ).optional(),
    /** The kernel's threads, processes, processor queues and timers (`!thread`, `!process`, `!pcr`, `!timer`); absent from older dumps. */
    kernel: kernel.optional(),
    /** The KMDF framework's clients and objects (`!wdfkd.*`); absent when no KMDF driver loaded, and from older dumps. */
    wdf: wdf.optional(),
  });
  return { wdf, dump, kernel, module, verifier, verifiedDriver, allocation, logRecord, devices, deviceNode, deadlockReport, irpLogRecord };
}

type Schemas = ReturnType<typeof define>;

/** What the debugger reads is never written to: the dump is frozen. */
type Frozen<T> = T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

export type CrashDump = Frozen<Zod.infer<Schemas['dump']>>;
export type VerifierSnapshot = Frozen<Zod.infer<Schemas['verifier']>>;
export type VerifiedDriverSnapshot = Frozen<Zod.infer<Schemas['verifiedDriver']>>;
export type AllocationSnapshot = Frozen<Zod.infer<Schemas['allocation']>>;
export type LogRecordSnapshot = Frozen<Zod.infer<Schemas['logRecord']>>;
export type DeadlockSnapshot = Frozen<Zod.infer<Schemas['deadlockReport']>>;
export type ModuleSnapshot = Frozen<Zod.infer<Schemas['module']>>;
export type DevicesSnapshot = Frozen<Zod.infer<Schemas['devices']>>;
export type DeviceNodeSnapshot = Frozen<Zod.infer<Schemas['deviceNode']>>;
export type KernelSnapshot = Frozen<Zod.infer<Schemas['kernel']>>;
export type IrpLogRecordSnapshot = Frozen<Zod.infer<Schemas['irpLogRecord']>>;
export type WdfSnapshot = Frozen<Zod.infer<Schemas['wdf']>>;
export type WdfClientSnapshot = WdfSnapshot['clients'][number];

let schemas: Schemas | undefined;

/** The dump's schema, built on first use (the first use loads zod). */
export function dumpSchema(): Schemas['dump'] {
  schemas ??= define((createRequire(import.meta.url)('zod') as { z: typeof Zod }).z);
  return schemas.dump;
}
