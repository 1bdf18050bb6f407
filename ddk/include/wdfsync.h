/*
 * <wdfsync.h>: WDFSPINLOCK (acquiring raises to DISPATCH_LEVEL) and WDFWAITLOCK (PASSIVE_LEVEL
 * waits; a zero timeout only tries), whose default parent is the driver; and the device's and
 * queue's callback locks (WdfObjectAcquireLock).
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFSYNC_H_
#define _WDFSYNC_H_

EXTERN_C_START

WDF_IMPORT(WdfSpinLockCreate)
NTSTATUS WdfSpinLockCreate(PWDF_OBJECT_ATTRIBUTES SpinLockAttributes, WDFSPINLOCK *SpinLock);

WDF_IMPORT(WdfSpinLockAcquire)
VOID WdfSpinLockAcquire(WDFSPINLOCK SpinLock);

WDF_IMPORT(WdfSpinLockRelease)
VOID WdfSpinLockRelease(WDFSPINLOCK SpinLock);

WDF_IMPORT(WdfWaitLockCreate)
NTSTATUS WdfWaitLockCreate(PWDF_OBJECT_ATTRIBUTES LockAttributes, WDFWAITLOCK *Lock);

WDF_IMPORT(WdfWaitLockAcquire)
NTSTATUS WdfWaitLockAcquire(WDFWAITLOCK Lock, PLONGLONG Timeout);

WDF_IMPORT(WdfWaitLockRelease)
VOID WdfWaitLockRelease(WDFWAITLOCK Lock);

/* The callback (presentation) lock of a WDFDEVICE or WDFQUEUE: a spin lock, or a fast mutex for a
   passive object (returns at the caller's IRQL, in a critical region). */
WDF_IMPORT(WdfObjectAcquireLock)
VOID WdfObjectAcquireLock(WDFOBJECT Object);

WDF_IMPORT(WdfObjectReleaseLock)
VOID WdfObjectReleaseLock(WDFOBJECT Object);

EXTERN_C_END

#endif /* _WDFSYNC_H_ */
