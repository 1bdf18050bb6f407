/**
 * The Deadlock Detection rows of the 0xC4 Parameter 1 table (0x1000-0x100B), paraphrasing the 0xC4
 * reference page; spread into bugcheck.ts's table. Where the page says "reserved" and this project
 * puts a value, the text says so.
 */
import type { Subcode } from './bugcheck.ts';

const L = (...lines: string[]) => lines;

/** Parameter 1 values of 0xC4 raised by Deadlock Detection (option 0x20). */
export const C4_DEADLOCK = {
  DEADLOCK_SELF: 0x1000,
  DEADLOCK_DETECTED: 0x1001,
  DEADLOCK_UNINITIALIZED: 0x1002,
  DEADLOCK_UNEXPECTED_RELEASE: 0x1003,
  DEADLOCK_UNEXPECTED_THREAD: 0x1004,
  DEADLOCK_MULTIPLE_INITIALIZATION: 0x1005,
  DEADLOCK_UNACQUIRED_RELEASE: 0x1007,
  DEADLOCK_ACQUIRE_MISMATCH: 0x1008,
  DEADLOCK_RELEASE_MISMATCH: 0x1009,
  DEADLOCK_THREAD_HOLDS_LOCKS: 0x100a,
  DEADLOCK_DELETED_LOCK_OWNED: 0x100b,
} as const;

const SEE = 'Type !deadlock for more information.';

export const deadlockSubcodes: Subcode[] = [
  {
    p1: 0x1000,
    args: [
      L('Self-deadlock: the current thread is acquiring again a lock it already owns.', 'Spin locks and fast mutexes cannot be acquired recursively, nor a resource exclusively', 'by a thread that owns it shared.', SEE),
      L('lock address'),
      L('reserved'),
      L('reserved'),
    ],
  },
  {
    p1: 0x1001,
    args: [L('Deadlock detected: locks were acquired in orders that form a cycle.', 'A lock hierarchy violation: the threads deadlock when they run at the same time.', SEE), L('the lock whose acquisition closed the cycle'), L('reserved'), L('reserved')],
  },
  { p1: 0x1002, args: [L('A lock is acquired without having been initialized.', SEE), L('lock address'), L('reserved'), L('reserved')] },
  {
    p1: 0x1003,
    args: [
      L('A lock is released out of order: a lock acquired after it is still held.', 'Releasing this one restores an IRQL the later lock needs raised.', SEE),
      L('the lock being released'),
      L('the lock that should have been released first'),
      L('reserved'),
    ],
  },
  { p1: 0x1004, args: [L('A lock is released by a thread other than the one that acquired it.', SEE), L('lock address'), L('the thread that acquired it'), L('the current thread')] },
  { p1: 0x1005, args: [L('A lock is initialized again while a thread owns it.', SEE), L('lock address'), L('reserved'), L('reserved')] },
  { p1: 0x1007, args: [L('A lock is released without having been acquired.', SEE), L('lock address'), L('reserved'), L('reserved')] },
  { p1: 0x1008, args: [L('A lock is acquired with a routine of another kind of lock than it was used as.', SEE), L('lock address'), L('reserved'), L('reserved')] },
  { p1: 0x1009, args: [L('A lock is released with a routine that does not match the routine that acquired it.', SEE), L('lock address'), L('reserved'), L('reserved')] },
  { p1: 0x100a, args: [L('A thread is terminating while it still owns locks.', SEE), L('the owner thread'), L('reserved'), L('reserved')] },
  { p1: 0x100b, args: [L('A lock that is still owned is deleted.', 'The memory holding it is freed, or the driver that acquired it unloads.', SEE), L('lock address'), L('the owner thread'), L('reserved')] },
];
