/*
 * dv/removelock.h - remove locks (src/kernel/io/removelock.ts): the count of a device's requests in
 * flight, which the remover drains with IoReleaseRemoveLockAndWait. The lock is a free build's
 * (no debug block); the short names are macros over the Ex routines, as in wdm.h.
 */
#ifndef DV_REMOVELOCK_H
#define DV_REMOVELOCK_H

typedef struct _IO_REMOVE_LOCK_COMMON_BLOCK {
  BOOLEAN Removed;
  BOOLEAN Reserved[3];
  volatile LONG IoCount;
  KEVENT RemoveEvent;
} IO_REMOVE_LOCK_COMMON_BLOCK;

typedef struct _IO_REMOVE_LOCK {
  IO_REMOVE_LOCK_COMMON_BLOCK Common;
} IO_REMOVE_LOCK, *PIO_REMOVE_LOCK;

DDI_IMPORT(IoInitializeRemoveLockEx)
VOID NTAPI IoInitializeRemoveLockEx(_Out_ PIO_REMOVE_LOCK Lock, _In_ ULONG AllocateTag, _In_ ULONG MaxLockedMinutes,
                                    _In_ ULONG HighWatermark, _In_ ULONG RemlockSize);
DDI_IMPORT(IoAcquireRemoveLockEx)
NTSTATUS NTAPI IoAcquireRemoveLockEx(_Inout_ PIO_REMOVE_LOCK RemoveLock, _In_opt_ PVOID Tag, _In_ PCSTR File, _In_ ULONG Line,
                                     _In_ ULONG RemlockSize);
DDI_IMPORT(IoReleaseRemoveLockEx) VOID NTAPI IoReleaseRemoveLockEx(_Inout_ PIO_REMOVE_LOCK RemoveLock, _In_opt_ PVOID Tag, _In_ ULONG RemlockSize);
DDI_IMPORT(IoReleaseRemoveLockAndWaitEx)
VOID NTAPI IoReleaseRemoveLockAndWaitEx(_Inout_ PIO_REMOVE_LOCK RemoveLock, _In_opt_ PVOID Tag, _In_ ULONG RemlockSize);

#define IoInitializeRemoveLock(Lock, Tag, Maxmin, HighWater) IoInitializeRemoveLockEx(Lock, Tag, Maxmin, HighWater, sizeof(IO_REMOVE_LOCK))
#define IoAcquireRemoveLock(RemoveLock, Tag) IoAcquireRemoveLockEx(RemoveLock, Tag, __FILE__, __LINE__, sizeof(IO_REMOVE_LOCK))
#define IoReleaseRemoveLock(RemoveLock, Tag) IoReleaseRemoveLockEx(RemoveLock, Tag, sizeof(IO_REMOVE_LOCK))
#define IoReleaseRemoveLockAndWait(RemoveLock, Tag) IoReleaseRemoveLockAndWaitEx(RemoveLock, Tag, sizeof(IO_REMOVE_LOCK))

#endif /* DV_REMOVELOCK_H */
