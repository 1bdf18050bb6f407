/*
 * dv/ke.h - kernel core (src/kernel/ke): IRQL, spin locks, dispatcher objects, DPCs, timers, waits,
 * time and bug checks. Structures follow src/nt/layout.ts exactly (checked by test/ddk).
 */
#ifndef DV_KE_H
#define DV_KE_H

/* Interrupt request levels of a 32-bit (x86) kernel */
typedef UCHAR KIRQL, *PKIRQL;
#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL 5
#define PROFILE_LEVEL 27
#define CLOCK1_LEVEL 28
#define CLOCK2_LEVEL 28
#define CLOCK_LEVEL 28
#define IPI_LEVEL 29
#define POWER_LEVEL 30
#define HIGH_LEVEL 31

typedef CCHAR KPROCESSOR_MODE;
typedef enum _MODE { KernelMode, UserMode, MaximumMode } MODE;

/* Threads and processes are opaque */
typedef struct _KTHREAD *PKTHREAD, *PRKTHREAD;
typedef struct _ETHREAD *PETHREAD;
typedef struct _KPROCESS *PKPROCESS, *PRKPROCESS;
typedef struct _EPROCESS *PEPROCESS;

/* Spin locks: a ULONG_PTR, 0 when free */
typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;

/* Dispatcher objects, reduced to what the dispatcher uses */
typedef struct _DISPATCHER_HEADER {
  UCHAR Type;
  UCHAR Absolute;
  UCHAR Size;
  UCHAR Inserted;
  LONG SignalState;
  LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER, *PDISPATCHER_HEADER;

typedef enum _EVENT_TYPE { NotificationEvent, SynchronizationEvent } EVENT_TYPE;

typedef struct _KEVENT {
  DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *PRKEVENT;

typedef enum _KWAIT_REASON {
  Executive,
  FreePage,
  PageIn,
  PoolAllocation,
  DelayExecution,
  Suspended,
  UserRequest,
  WrExecutive,
  WrFreePage,
  WrPageIn,
  WrPoolAllocation,
  WrDelayExecution,
  WrSuspended,
  WrUserRequest,
  MaximumWaitReason = 40
} KWAIT_REASON;

/* Mutexes (KMUTEX is a KMUTANT): SignalState 1 = free, 0 or below = owned, recursively, by OwnerThread */
typedef struct _KMUTANT {
  DISPATCHER_HEADER Header;
  LIST_ENTRY MutantListEntry;
  struct _KTHREAD *OwnerThread;
  BOOLEAN Abandoned;
  UCHAR ApcDisable;
} KMUTANT, *PKMUTANT, *PRKMUTANT, KMUTEX, *PKMUTEX, *PRKMUTEX;

/* Deferred procedure calls */
struct _KDPC;
typedef VOID KDEFERRED_ROUTINE(struct _KDPC *Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2);
typedef KDEFERRED_ROUTINE *PKDEFERRED_ROUTINE;

typedef struct _KDPC {
  UCHAR Type;
  UCHAR Importance;
  volatile USHORT Number;
  LIST_ENTRY DpcListEntry;
  PKDEFERRED_ROUTINE DeferredRoutine;
  PVOID DeferredContext;
  PVOID SystemArgument1;
  PVOID SystemArgument2;
  PVOID DpcData;
} KDPC, *PKDPC, *PRKDPC;

/* Timers */
typedef enum _TIMER_TYPE { NotificationTimer, SynchronizationTimer } TIMER_TYPE;

typedef struct _KTIMER {
  DISPATCHER_HEADER Header;
  ULARGE_INTEGER DueTime;
  LIST_ENTRY TimerListEntry;
  struct _KDPC *Dpc;
  LONG Period;
} KTIMER, *PKTIMER, *PRKTIMER;

/* Priority increments (the boost argument of KeSetEvent) */
#define EVENT_INCREMENT 1
#define SEMAPHORE_INCREMENT 1
#define LOW_PRIORITY 0
#define LOW_REALTIME_PRIORITY 16
#define HIGH_PRIORITY 31
#define MAXIMUM_PRIORITY 32

/* Bug checks a driver raises itself */
#define KERNEL_SECURITY_CHECK_FAILURE 0x00000139
#define MANUALLY_INITIATED_CRASH 0x000000E2
#define FAST_FAIL_CORRUPT_LIST_ENTRY 3

/* --- DDIs --- */

DDI_IMPORT(KeGetCurrentIrql) KIRQL NTAPI KeGetCurrentIrql(VOID);
DDI_IMPORT(KeRaiseIrql) VOID NTAPI KeRaiseIrql(_In_ KIRQL NewIrql, _Out_ PKIRQL OldIrql);
DDI_IMPORT(KfRaiseIrql) KIRQL FASTCALL KfRaiseIrql(_In_ KIRQL NewIrql);
DDI_IMPORT(KeRaiseIrqlToDpcLevel) KIRQL NTAPI KeRaiseIrqlToDpcLevel(VOID);
DDI_IMPORT(KeLowerIrql) VOID NTAPI KeLowerIrql(_In_ KIRQL NewIrql);
DDI_IMPORT(KfLowerIrql) VOID FASTCALL KfLowerIrql(_In_ KIRQL NewIrql);

DDI_IMPORT(KeInitializeSpinLock) VOID NTAPI KeInitializeSpinLock(_Out_ PKSPIN_LOCK SpinLock);
DDI_IMPORT(KeAcquireSpinLock) VOID NTAPI KeAcquireSpinLock(_Inout_ PKSPIN_LOCK SpinLock, _Out_ PKIRQL OldIrql);
DDI_IMPORT(KeAcquireSpinLockRaiseToDpc) KIRQL NTAPI KeAcquireSpinLockRaiseToDpc(_Inout_ PKSPIN_LOCK SpinLock);
DDI_IMPORT(KfAcquireSpinLock) KIRQL FASTCALL KfAcquireSpinLock(_Inout_ PKSPIN_LOCK SpinLock);
DDI_IMPORT(KeReleaseSpinLock) VOID NTAPI KeReleaseSpinLock(_Inout_ PKSPIN_LOCK SpinLock, _In_ KIRQL NewIrql);
DDI_IMPORT(KfReleaseSpinLock) VOID FASTCALL KfReleaseSpinLock(_Inout_ PKSPIN_LOCK SpinLock, _In_ KIRQL NewIrql);
DDI_IMPORT(KeAcquireSpinLockAtDpcLevel) VOID NTAPI KeAcquireSpinLockAtDpcLevel(_Inout_ PKSPIN_LOCK SpinLock);
DDI_IMPORT(KeReleaseSpinLockFromDpcLevel) VOID NTAPI KeReleaseSpinLockFromDpcLevel(_Inout_ PKSPIN_LOCK SpinLock);

DDI_IMPORT(KeInitializeEvent) VOID NTAPI KeInitializeEvent(_Out_ PRKEVENT Event, _In_ EVENT_TYPE Type, _In_ BOOLEAN State);
DDI_IMPORT(KeSetEvent) LONG NTAPI KeSetEvent(_Inout_ PRKEVENT Event, _In_ KPRIORITY Increment, _In_ BOOLEAN Wait);
DDI_IMPORT(KeResetEvent) LONG NTAPI KeResetEvent(_Inout_ PRKEVENT Event);
DDI_IMPORT(KeClearEvent) VOID NTAPI KeClearEvent(_Inout_ PRKEVENT Event);
DDI_IMPORT(KeReadStateEvent) LONG NTAPI KeReadStateEvent(_In_ PRKEVENT Event);

/* Timeout and Interval point at a LARGE_INTEGER: negative is relative, in 100 ns; NULL waits forever. */
DDI_IMPORT(KeWaitForSingleObject)
NTSTATUS NTAPI KeWaitForSingleObject(_In_ PVOID Object, _In_ KWAIT_REASON WaitReason, _In_ KPROCESSOR_MODE WaitMode,
                                     _In_ BOOLEAN Alertable, _In_opt_ PLARGE_INTEGER Timeout);
/* WaitAll: every object, STATUS_SUCCESS; WaitAny: STATUS_WAIT_0 + the index of the one signaled. */
typedef enum _WAIT_TYPE { WaitAll, WaitAny } WAIT_TYPE;
#define THREAD_WAIT_OBJECTS 3
#define MAXIMUM_WAIT_OBJECTS 64
/* Opaque here: the kernel keeps wait blocks itself; one is needed per object beyond THREAD_WAIT_OBJECTS. */
typedef struct _KWAIT_BLOCK { ULONG_PTR Reserved[6]; } KWAIT_BLOCK, *PKWAIT_BLOCK;
DDI_IMPORT(KeWaitForMultipleObjects)
NTSTATUS NTAPI KeWaitForMultipleObjects(_In_ ULONG Count, _In_reads_(Count) PVOID *Object, _In_ WAIT_TYPE WaitType,
                                        _In_ KWAIT_REASON WaitReason, _In_ KPROCESSOR_MODE WaitMode, _In_ BOOLEAN Alertable,
                                        _In_opt_ PLARGE_INTEGER Timeout, _Out_opt_ PKWAIT_BLOCK WaitBlockArray);
DDI_IMPORT(KeDelayExecutionThread)
NTSTATUS NTAPI KeDelayExecutionThread(_In_ KPROCESSOR_MODE WaitMode, _In_ BOOLEAN Alertable, _In_ PLARGE_INTEGER Interval);
DDI_IMPORT(KeStallExecutionProcessor) VOID NTAPI KeStallExecutionProcessor(_In_ ULONG MicroSeconds);

DDI_IMPORT(KeInitializeMutex) VOID NTAPI KeInitializeMutex(_Out_ PRKMUTEX Mutex, _In_ ULONG Level);
DDI_IMPORT(KeReleaseMutex) LONG NTAPI KeReleaseMutex(_Inout_ PRKMUTEX Mutex, _In_ BOOLEAN Wait);
DDI_IMPORT(KeReadStateMutex) LONG NTAPI KeReadStateMutex(_In_ PRKMUTEX Mutex);
DDI_IMPORT(KeEnterCriticalRegion) VOID NTAPI KeEnterCriticalRegion(VOID);
DDI_IMPORT(KeLeaveCriticalRegion) VOID NTAPI KeLeaveCriticalRegion(VOID);

DDI_IMPORT(KeInitializeDpc)
VOID NTAPI KeInitializeDpc(_Out_ PRKDPC Dpc, _In_ PKDEFERRED_ROUTINE DeferredRoutine, _In_opt_ PVOID DeferredContext);
DDI_IMPORT(KeInsertQueueDpc)
BOOLEAN NTAPI KeInsertQueueDpc(_Inout_ PRKDPC Dpc, _In_opt_ PVOID SystemArgument1, _In_opt_ PVOID SystemArgument2);
DDI_IMPORT(KeRemoveQueueDpc) BOOLEAN NTAPI KeRemoveQueueDpc(_Inout_ PRKDPC Dpc);
DDI_IMPORT(KeFlushQueuedDpcs) VOID NTAPI KeFlushQueuedDpcs(VOID);

DDI_IMPORT(KeInitializeTimer) VOID NTAPI KeInitializeTimer(_Out_ PKTIMER Timer);
DDI_IMPORT(KeInitializeTimerEx) VOID NTAPI KeInitializeTimerEx(_Out_ PKTIMER Timer, _In_ TIMER_TYPE Type);
/* DueTime is by value in C; the wasm C ABI passes it as a pointer to a copy. */
DDI_IMPORT(KeSetTimer) BOOLEAN NTAPI KeSetTimer(_Inout_ PKTIMER Timer, _In_ LARGE_INTEGER DueTime, _In_opt_ PKDPC Dpc);
DDI_IMPORT(KeSetTimerEx)
BOOLEAN NTAPI KeSetTimerEx(_Inout_ PKTIMER Timer, _In_ LARGE_INTEGER DueTime, _In_ LONG Period, _In_opt_ PKDPC Dpc);
DDI_IMPORT(KeCancelTimer) BOOLEAN NTAPI KeCancelTimer(_Inout_ PKTIMER Timer);
DDI_IMPORT(KeReadStateTimer) BOOLEAN NTAPI KeReadStateTimer(_In_ PKTIMER Timer);

DDI_IMPORT(KeQuerySystemTime) VOID NTAPI KeQuerySystemTime(_Out_ PLARGE_INTEGER CurrentTime);
DDI_IMPORT(KeQueryTickCount) VOID NTAPI KeQueryTickCount(_Out_ PLARGE_INTEGER TickCount);
DDI_IMPORT(KeQueryTimeIncrement) ULONG NTAPI KeQueryTimeIncrement(VOID);
DDI_IMPORT(KeQueryInterruptTime) ULONGLONG NTAPI KeQueryInterruptTime(VOID);

DDI_IMPORT(KeGetCurrentThread) PKTHREAD NTAPI KeGetCurrentThread(VOID);
DDI_IMPORT(KeGetCurrentProcessorNumber) ULONG NTAPI KeGetCurrentProcessorNumber(VOID);

DDI_IMPORT(KeBugCheckEx)
DECLSPEC_NORETURN VOID NTAPI KeBugCheckEx(_In_ ULONG BugCheckCode, _In_ ULONG_PTR BugCheckParameter1, _In_ ULONG_PTR BugCheckParameter2,
                                          _In_ ULONG_PTR BugCheckParameter3, _In_ ULONG_PTR BugCheckParameter4);
DDI_IMPORT(KeBugCheck) DECLSPEC_NORETURN VOID NTAPI KeBugCheck(_In_ ULONG BugCheckCode);

/* The fail-fast code of an abort(): what the runtime's _purecall raises (ddk/crt/purecall.c). */
#define FAST_FAIL_FATAL_APP_EXIT 7

#endif /* DV_KE_H */
