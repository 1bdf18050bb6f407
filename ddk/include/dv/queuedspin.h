/*
 * dv/queuedspin.h - in-stack queued spin locks (src/kernel/ke/queued-spinlock.ts): the same KSPIN_LOCK
 * as KeAcquireSpinLock's, taken through a KLOCK_QUEUE_HANDLE the caller keeps until the release.
 */
#ifndef DV_QUEUEDSPIN_H
#define DV_QUEUEDSPIN_H

typedef struct _KSPIN_LOCK_QUEUE {
  struct _KSPIN_LOCK_QUEUE *volatile Next;
  PKSPIN_LOCK volatile Lock;
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;

/* The caller's queue entry and the IRQL the release returns to. */
typedef struct _KLOCK_QUEUE_HANDLE {
  KSPIN_LOCK_QUEUE LockQueue;
  KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;

DDI_IMPORT(KeAcquireInStackQueuedSpinLock) VOID FASTCALL KeAcquireInStackQueuedSpinLock(_Inout_ PKSPIN_LOCK SpinLock, _Out_ PKLOCK_QUEUE_HANDLE LockHandle);
DDI_IMPORT(KeReleaseInStackQueuedSpinLock) VOID FASTCALL KeReleaseInStackQueuedSpinLock(_In_ PKLOCK_QUEUE_HANDLE LockHandle);
DDI_IMPORT(KeAcquireInStackQueuedSpinLockAtDpcLevel) VOID FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(_Inout_ PKSPIN_LOCK SpinLock, _Out_ PKLOCK_QUEUE_HANDLE LockHandle);
DDI_IMPORT(KeReleaseInStackQueuedSpinLockFromDpcLevel) VOID FASTCALL KeReleaseInStackQueuedSpinLockFromDpcLevel(_In_ PKLOCK_QUEUE_HANDLE LockHandle);

#endif
