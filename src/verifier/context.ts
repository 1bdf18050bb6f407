/** What a thunk sees: the kernel, the verifier's shared state, and the driver it wraps. */
import type { Kernel } from '../kernel/kernel.ts';
import type { AllocationLog } from './alloc-log.ts';
import type { IrqlLog } from './irql-log.ts';
import type { VerifiedDriver } from './driver-entry.ts';
import type { VerifierStats } from './stats.ts';
import type { VerifierRule } from './rules.ts';
import type { FaultInjector } from './faults.ts';
import type { DeadlockDetection } from './deadlock/detector.ts';
import type { StackDepot } from './stack-depot.ts';

export type AnyFn = (...args: never[]) => unknown;

export interface VerifierContext {
  readonly k: Kernel;
  readonly flags: number;
  readonly driver: VerifiedDriver;
  readonly stats: VerifierStats;
  readonly log: AllocationLog;
  /** Low resources simulation: which calls to fail (inactive unless 0x4, 0x40000 or a --faults plan). */
  readonly faults: FaultInjector;
  /** Deadlock Detection's lock graph, one for the machine. */
  readonly deadlock: DeadlockDetection;
  /** Force IRQL checking's IRQL transition log (`!verifier 8`). */
  readonly irqlLog: IrqlLog;
  /** The verified driver tracking the block at `address` (a block freed by another driver is found here). */
  owner(address: number): VerifiedDriver | undefined;
  /** Recently freed tracked blocks, to tell a double free from a wild one. */
  wasFreed(address: number): boolean;
  rememberFreed(address: number): void;
  /** Address of `nt!<routine>+offset`. */
  ntFrame(routine: string, offset: number): number;
  /** The stack from inside a thunk: its own frames (innermost first), then the driver's and the kernel's. */
  captureStack(thunkFrames: readonly number[], skip: Function): number[];
  /** captureStack's stack interned in `stacks`, its id (no array made unless the stack is new). */
  captureStackId(thunkFrames: readonly number[], skip: Function): number;
  /** The stack depot the allocation log and every driver's tracked allocations share. */
  readonly stacks: StackDepot;
  /**
   * Raise the rule's bug check with its Parameter 1 and these three parameters. `frames` are the
   * raising thunk's own nt frames, innermost first: they go on the crash stack above the driver's
   * call site, as `nt!VerifierKeReleaseSpinLock+0x..` sits above the driver in kd.
   */
  violation(rule: VerifierRule, p2: number, p3: number, p4: number, frames?: readonly number[]): never;
  /** Where the driver called the thunk from: its innermost call site (0 when capture is off). */
  caller(skip: Function): number;
}

/** A thunk wraps one DDI: check, record, call `next` (the kernel's routine, or another option's thunk of the same DDI). */
export type ThunkFactory = (next: AnyFn, vf: VerifierContext) => AnyFn;
export type ThunkSet = Readonly<Record<string, ThunkFactory>>;
