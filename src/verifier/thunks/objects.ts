/**
 * Object thunks: synchronization objects initialized in session memory (0xDF), and reference counts
 * taken from 0 to 1 or below 0 (0x3F).
 */
import { VA_MAP } from '../../kernel/mm/address-space.ts';
import { RULES } from '../rules.ts';
import type { ThunkSet, VerifierContext } from '../context.ts';
import { checked, thunkRoutines } from './frames.ts';

const inSession = (a: number) => a >>> 0 >= VA_MAP.session.start && a >>> 0 < VA_MAP.session.end;

/** KeInitializeXxx of a synchronization object: the object must be in global system space. */
const syncInit = (ddi: string) =>
  checked(ddi, (vf, frames, _skip, object: number) => {
    if (inSession(object)) vf.violation(RULES.SyncObjectInSessionMemory, object, 0, 0, frames);
  });

/** Parameter 3: the count the operation makes, 1 (a reference from 0) or -1 (a dereference from 0). */
const checkCount = (vf: VerifierContext, frames: readonly number[], object: number, delta: 1 | -1): void => {
  const refs = vf.k.ob.referenceCount(object);
  if (refs !== undefined && refs <= 0) vf.violation(RULES.ObjectReferenceCount, object, refs + delta, 0, frames);
};

const reference = (ddi: string) => checked(ddi, (vf, frames, _skip, object: number) => checkCount(vf, frames, object, 1));
const dereference = (ddi: string) => checked(ddi, (vf, frames, _skip, object: number) => checkCount(vf, frames, object, -1));

export const objectThunks: ThunkSet = {
  KeInitializeEvent: syncInit('KeInitializeEvent'),
  KeInitializeMutex: syncInit('KeInitializeMutex'),
  KeInitializeTimer: syncInit('KeInitializeTimer'),
  KeInitializeTimerEx: syncInit('KeInitializeTimerEx'),
  KeInitializeSpinLock: syncInit('KeInitializeSpinLock'),
  ExInitializeFastMutex: syncInit('ExInitializeFastMutex'),
  KeInitializeGuardedMutex: syncInit('KeInitializeGuardedMutex'),
  KeInitializeSemaphore: syncInit('KeInitializeSemaphore'),
  ExInitializeResourceLite: syncInit('ExInitializeResourceLite'),
  ObReferenceObjectByPointer: reference('ObReferenceObjectByPointer'),
  ObfReferenceObject: reference('ObfReferenceObject'),
  ObReferenceObject: reference('ObReferenceObject'),
  ObfDereferenceObject: dereference('ObfDereferenceObject'),
  ObDereferenceObject: dereference('ObDereferenceObject'),
};

export const OBJECT_THUNK_ROUTINES = thunkRoutines(objectThunks);
