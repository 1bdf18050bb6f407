/*
 * dv/exke.h - more of the executive and kernel core: quota and extended pool allocation, semaphores,
 * guarded mutexes, executive resources (ERESOURCE), interlocked S-lists, thread priorities, the
 * performance counter, floating-point state, versions, process and thread IDs, UUIDs, counted 8-bit
 * strings and their conversions, MmGetSystemRoutineAddress, and the data ntoskrnl exports.
 * Layouts follow src/nt/layout.ts (x86); semantics the DDI reference.
 */
#ifndef DV_EXKE_H
#define DV_EXKE_H

/* --- Exported data -------------------------------------------------------------------------- */

/*
 * A variable ntoskrnl exports: default visibility makes the wasm linker import its address
 * (GOT.mem.<Name>), which the loader binds to the kernel's variable. `dv build` accepts only the
 * names the kernel exports (docs/ddi-support.md lists them).
 */
#define DDI_DATA_IMPORT __attribute__((visibility("default")))

/* --- Pool ----------------------------------------------------------------------------------- */

/* Bits a quota allocation's pool type may carry. */
#define POOL_QUOTA_FAIL_INSTEAD_OF_RAISE 8
#define POOL_RAISE_IF_ALLOCATION_FAILURE 16

typedef enum _POOL_EXTENDED_PARAMETER_TYPE {
  PoolExtendedParameterInvalidType = 0,
  PoolExtendedParameterPriority,
  PoolExtendedParameterSecurePool,
  PoolExtendedParameterNumaNode,
  PoolExtendedParameterMax
} POOL_EXTENDED_PARAMETER_TYPE;

#define POOL_EXTENDED_PARAMETER_TYPE_BITS 8
#define POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS 1
#define POOL_EXTENDED_PARAMETER_RESERVED_BITS (64 - POOL_EXTENDED_PARAMETER_TYPE_BITS - POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS)
#define POOL_NUMA_NODE_MASK 0x3f
#define MM_ANY_NODE_OK 0x80000000

typedef ULONG POOL_NODE_REQUIREMENT;
typedef struct _POOL_EXTENDED_PARAMS_SECURE_POOL *PPOOL_EXTENDED_PARAMS_SECURE_POOL;

typedef struct _POOL_EXTENDED_PARAMETER {
  struct {
    ULONG64 Type : POOL_EXTENDED_PARAMETER_TYPE_BITS;
    ULONG64 Optional : POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS;
    ULONG64 Reserved : POOL_EXTENDED_PARAMETER_RESERVED_BITS;
  };
  union {
    ULONG64 Reserved2;
    PVOID Reserved3;
    EX_POOL_PRIORITY Priority;
    PPOOL_EXTENDED_PARAMS_SECURE_POOL SecurePoolParams;
    POOL_NODE_REQUIREMENT PreferredNode;
  };
} POOL_EXTENDED_PARAMETER, *PPOOL_EXTENDED_PARAMETER;
typedef const POOL_EXTENDED_PARAMETER *PCPOOL_EXTENDED_PARAMETER;

/* ExInitializeDriverRuntime flags */
#define DrvRtPoolNxOptIn 0x00000001

/* --- Semaphores and guarded mutexes --------------------------------------------------------- */

typedef struct _KSEMAPHORE {
  DISPATCHER_HEADER Header;
  LONG Limit;
} KSEMAPHORE, *PKSEMAPHORE, *PRKSEMAPHORE;

/* Since Windows 8 a guarded mutex is a fast mutex. */
typedef FAST_MUTEX KGUARDED_MUTEX, *PKGUARDED_MUTEX;

/* --- Executive resources -------------------------------------------------------------------- */

typedef ULONG_PTR ERESOURCE_THREAD, *PERESOURCE_THREAD;

typedef struct _OWNER_ENTRY {
  ERESOURCE_THREAD OwnerThread;
  union {
    ULONG OwnerCount;
    ULONG TableSize;
  };
} OWNER_ENTRY, *POWNER_ENTRY;

typedef struct _ERESOURCE {
  LIST_ENTRY SystemResourcesList;
  POWNER_ENTRY OwnerTable;
  SHORT ActiveCount;
  USHORT Flag;
  PVOID SharedWaiters;
  PVOID ExclusiveWaiters;
  OWNER_ENTRY OwnerEntry;
  ULONG ActiveEntries;
  ULONG ContentionCount;
  ULONG NumberOfSharedWaiters;
  ULONG NumberOfExclusiveWaiters;
  PVOID Address;
  KSPIN_LOCK SpinLock;
} ERESOURCE, *PERESOURCE;

#define ResourceNeverExclusive 0x0010
#define ResourceReleaseByOtherThread 0x0020
#define ResourceOwnedExclusive 0x0080

#define ExGetCurrentResourceThread() ((ERESOURCE_THREAD)PsGetCurrentThread())
#define ExIsResourceAcquiredLite ExIsResourceAcquiredSharedLite
#define ExAcquireResourceShared ExAcquireResourceSharedLite
#define ExAcquireResourceExclusive ExAcquireResourceExclusiveLite
#define ExReleaseResource(R) (ExReleaseResourceLite(R))
#define ExReleaseResourceForThread ExReleaseResourceForThreadLite

/* --- S-lists -------------------------------------------------------------------------------- */

#define QueryDepthSList(Head) ExQueryDepthSList(Head)

/* --- Threads, time, floating point ---------------------------------------------------------- */

#define LOW_PRIORITY 0
#define LOW_REALTIME_PRIORITY 16
#define HIGH_PRIORITY 31
#define MAXIMUM_PRIORITY 32

typedef struct _KFLOATING_SAVE {
  ULONG ControlWord;
  ULONG StatusWord;
  ULONG ErrorOffset;
  ULONG ErrorSelector;
  ULONG DataOffset;
  ULONG DataSelector;
  ULONG Spare0;
  ULONG Spare1;
} KFLOATING_SAVE, *PKFLOATING_SAVE;

/* --- Versions ------------------------------------------------------------------------------- */

typedef struct _OSVERSIONINFOW {
  ULONG dwOSVersionInfoSize;
  ULONG dwMajorVersion;
  ULONG dwMinorVersion;
  ULONG dwBuildNumber;
  ULONG dwPlatformId;
  WCHAR szCSDVersion[128];
} OSVERSIONINFOW, *POSVERSIONINFOW, *LPOSVERSIONINFOW, RTL_OSVERSIONINFOW, *PRTL_OSVERSIONINFOW;

typedef struct _OSVERSIONINFOEXW {
  ULONG dwOSVersionInfoSize;
  ULONG dwMajorVersion;
  ULONG dwMinorVersion;
  ULONG dwBuildNumber;
  ULONG dwPlatformId;
  WCHAR szCSDVersion[128];
  USHORT wServicePackMajor;
  USHORT wServicePackMinor;
  USHORT wSuiteMask;
  UCHAR wProductType;
  UCHAR wReserved;
} OSVERSIONINFOEXW, *POSVERSIONINFOEXW, *LPOSVERSIONINFOEXW, RTL_OSVERSIONINFOEXW, *PRTL_OSVERSIONINFOEXW;

#define VER_PLATFORM_WIN32_NT 2
#define VER_NT_WORKSTATION 0x0000001
#define VER_NT_DOMAIN_CONTROLLER 0x0000002
#define VER_NT_SERVER 0x0000003

/* --- UUIDs, strings, security --------------------------------------------------------------- */

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
  ULONG Data1;
  USHORT Data2;
  USHORT Data3;
  UCHAR Data4[8];
} GUID;
#endif
#ifndef UUID_DEFINED
#define UUID_DEFINED
typedef GUID UUID;
#endif

/* STRING / ANSI_STRING: ntdef.h's. */

#ifndef _DV_LUID_DEFINED
#define _DV_LUID_DEFINED
typedef struct _LUID {
  ULONG LowPart;
  LONG HighPart;
} LUID, *PLUID;
#endif

/* SE_EXPORTS: the privilege LUIDs (the well-known SIDs that follow them on Windows are not here). */
typedef struct _SE_EXPORTS {
  LUID SeCreateTokenPrivilege;
  LUID SeAssignPrimaryTokenPrivilege;
  LUID SeLockMemoryPrivilege;
  LUID SeIncreaseQuotaPrivilege;
  LUID SeUnsolicitedInputPrivilege;
  LUID SeTcbPrivilege;
  LUID SeSecurityPrivilege;
  LUID SeTakeOwnershipPrivilege;
  LUID SeLoadDriverPrivilege;
  LUID SeCreatePagefilePrivilege;
  LUID SeIncreaseBasePriorityPrivilege;
  LUID SeSystemProfilePrivilege;
  LUID SeSystemtimePrivilege;
  LUID SeProfileSingleProcessPrivilege;
  LUID SeCreatePermanentPrivilege;
  LUID SeBackupPrivilege;
  LUID SeRestorePrivilege;
  LUID SeShutdownPrivilege;
  LUID SeDebugPrivilege;
  LUID SeAuditPrivilege;
  LUID SeSystemEnvironmentPrivilege;
  LUID SeChangeNotifyPrivilege;
  LUID SeRemoteShutdownPrivilege;
} SE_EXPORTS, *PSE_EXPORTS;

/* --- Exported data -------------------------------------------------------------------------- */

extern DDI_DATA_IMPORT POBJECT_TYPE *IoFileObjectType;
extern DDI_DATA_IMPORT POBJECT_TYPE *IoDeviceObjectType;
extern DDI_DATA_IMPORT POBJECT_TYPE *IoDriverObjectType;
extern DDI_DATA_IMPORT POBJECT_TYPE *PsProcessType;
extern DDI_DATA_IMPORT POBJECT_TYPE *PsThreadType;
extern DDI_DATA_IMPORT POBJECT_TYPE *ExEventObjectType;
extern DDI_DATA_IMPORT PSE_EXPORTS SeExports;
extern DDI_DATA_IMPORT CCHAR KeNumberProcessors;
extern DDI_DATA_IMPORT ULONG NtBuildNumber;
extern DDI_DATA_IMPORT ULONG_PTR MmUserProbeAddress;
extern DDI_DATA_IMPORT PVOID MmHighestUserAddress;
extern DDI_DATA_IMPORT PVOID MmSystemRangeStart;
extern DDI_DATA_IMPORT PULONG InitSafeBootMode;
extern DDI_DATA_IMPORT PBOOLEAN KdDebuggerEnabled;
extern DDI_DATA_IMPORT PBOOLEAN KdDebuggerNotPresent;

#define MM_USER_PROBE_ADDRESS MmUserProbeAddress
#define MM_HIGHEST_USER_ADDRESS MmHighestUserAddress
#define MM_SYSTEM_RANGE_START MmSystemRangeStart
#define KD_DEBUGGER_ENABLED (*KdDebuggerEnabled)
#define KD_DEBUGGER_NOT_PRESENT (*KdDebuggerNotPresent)

/* --- DDIs ----------------------------------------------------------------------------------- */

/* Pool: quota is charged to the current process; ExAllocatePool3 takes extended parameters. */
DDI_IMPORT(ExAllocatePoolWithQuotaTag)
PVOID NTAPI ExAllocatePoolWithQuotaTag(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes, _In_ ULONG Tag);
DDI_IMPORT(ExAllocatePoolWithQuota) PVOID NTAPI ExAllocatePoolWithQuota(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes);
DDI_IMPORT(ExAllocatePoolQuotaZero)
PVOID NTAPI ExAllocatePoolQuotaZero(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes, _In_ ULONG Tag);
DDI_IMPORT(ExAllocatePoolQuotaUninitialized)
PVOID NTAPI ExAllocatePoolQuotaUninitialized(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes, _In_ ULONG Tag);
DDI_IMPORT(ExAllocatePoolUninitialized)
PVOID NTAPI ExAllocatePoolUninitialized(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes, _In_ ULONG Tag);
DDI_IMPORT(ExAllocatePoolPriorityZero)
PVOID NTAPI ExAllocatePoolPriorityZero(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes, _In_ ULONG Tag, _In_ EX_POOL_PRIORITY Priority);
DDI_IMPORT(ExAllocatePoolPriorityUninitialized)
PVOID NTAPI ExAllocatePoolPriorityUninitialized(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes, _In_ ULONG Tag,
                                                _In_ EX_POOL_PRIORITY Priority);
DDI_IMPORT(ExAllocatePool3)
PVOID NTAPI ExAllocatePool3(_In_ POOL_FLAGS Flags, _In_ SIZE_T NumberOfBytes, _In_ ULONG Tag,
                            _In_reads_opt_(ExtendedParametersCount) PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                            _In_ ULONG ExtendedParametersCount);
DDI_IMPORT(ExInitializeDriverRuntime) VOID NTAPI ExInitializeDriverRuntime(_In_ ULONG RuntimeFlags);

/* Semaphores */
DDI_IMPORT(KeInitializeSemaphore) VOID NTAPI KeInitializeSemaphore(_Out_ PRKSEMAPHORE Semaphore, _In_ LONG Count, _In_ LONG Limit);
DDI_IMPORT(KeReleaseSemaphore)
LONG NTAPI KeReleaseSemaphore(_Inout_ PRKSEMAPHORE Semaphore, _In_ KPRIORITY Increment, _In_ LONG Adjustment, _In_ BOOLEAN Wait);
DDI_IMPORT(KeReadStateSemaphore) LONG NTAPI KeReadStateSemaphore(_In_ PRKSEMAPHORE Semaphore);

/* Guarded mutexes and regions */
DDI_IMPORT(KeInitializeGuardedMutex) VOID FASTCALL KeInitializeGuardedMutex(_Out_ PKGUARDED_MUTEX Mutex);
DDI_IMPORT(KeAcquireGuardedMutex) VOID FASTCALL KeAcquireGuardedMutex(_Inout_ PKGUARDED_MUTEX Mutex);
DDI_IMPORT(KeTryToAcquireGuardedMutex) BOOLEAN FASTCALL KeTryToAcquireGuardedMutex(_Inout_ PKGUARDED_MUTEX Mutex);
DDI_IMPORT(KeReleaseGuardedMutex) VOID FASTCALL KeReleaseGuardedMutex(_Inout_ PKGUARDED_MUTEX Mutex);
DDI_IMPORT(KeAcquireGuardedMutexUnsafe) VOID FASTCALL KeAcquireGuardedMutexUnsafe(_Inout_ PKGUARDED_MUTEX FastMutex);
DDI_IMPORT(KeReleaseGuardedMutexUnsafe) VOID FASTCALL KeReleaseGuardedMutexUnsafe(_Inout_ PKGUARDED_MUTEX FastMutex);
DDI_IMPORT(ExAcquireFastMutexUnsafe) VOID FASTCALL ExAcquireFastMutexUnsafe(_Inout_ PFAST_MUTEX FastMutex);
DDI_IMPORT(ExReleaseFastMutexUnsafe) VOID FASTCALL ExReleaseFastMutexUnsafe(_Inout_ PFAST_MUTEX FastMutex);
DDI_IMPORT(KeEnterGuardedRegion) VOID NTAPI KeEnterGuardedRegion(VOID);
DDI_IMPORT(KeLeaveGuardedRegion) VOID NTAPI KeLeaveGuardedRegion(VOID);
DDI_IMPORT(KeAreAllApcsDisabled) BOOLEAN NTAPI KeAreAllApcsDisabled(VOID);
DDI_IMPORT(KeAreApcsDisabled) BOOLEAN NTAPI KeAreApcsDisabled(VOID);

/* Executive resources */
DDI_IMPORT(ExInitializeResourceLite) NTSTATUS NTAPI ExInitializeResourceLite(_Out_ PERESOURCE Resource);
DDI_IMPORT(ExReinitializeResourceLite) NTSTATUS NTAPI ExReinitializeResourceLite(_Inout_ PERESOURCE Resource);
DDI_IMPORT(ExDeleteResourceLite) NTSTATUS NTAPI ExDeleteResourceLite(_Inout_ PERESOURCE Resource);
DDI_IMPORT(ExAcquireResourceExclusiveLite) BOOLEAN NTAPI ExAcquireResourceExclusiveLite(_Inout_ PERESOURCE Resource, _In_ BOOLEAN Wait);
DDI_IMPORT(ExAcquireResourceSharedLite) BOOLEAN NTAPI ExAcquireResourceSharedLite(_Inout_ PERESOURCE Resource, _In_ BOOLEAN Wait);
DDI_IMPORT(ExAcquireSharedStarveExclusive) BOOLEAN NTAPI ExAcquireSharedStarveExclusive(_Inout_ PERESOURCE Resource, _In_ BOOLEAN Wait);
DDI_IMPORT(ExAcquireSharedWaitForExclusive) BOOLEAN NTAPI ExAcquireSharedWaitForExclusive(_Inout_ PERESOURCE Resource, _In_ BOOLEAN Wait);
DDI_IMPORT(ExReleaseResourceLite) VOID FASTCALL ExReleaseResourceLite(_Inout_ PERESOURCE Resource);
DDI_IMPORT(ExReleaseResourceForThreadLite)
VOID NTAPI ExReleaseResourceForThreadLite(_Inout_ PERESOURCE Resource, _In_ ERESOURCE_THREAD ResourceThreadId);
DDI_IMPORT(ExConvertExclusiveToSharedLite) VOID NTAPI ExConvertExclusiveToSharedLite(_Inout_ PERESOURCE Resource);
DDI_IMPORT(ExIsResourceAcquiredExclusiveLite) BOOLEAN NTAPI ExIsResourceAcquiredExclusiveLite(_In_ PERESOURCE Resource);
DDI_IMPORT(ExIsResourceAcquiredSharedLite) ULONG NTAPI ExIsResourceAcquiredSharedLite(_In_ PERESOURCE Resource);
DDI_IMPORT(ExGetExclusiveWaiterCount) ULONG NTAPI ExGetExclusiveWaiterCount(_In_ PERESOURCE Resource);
DDI_IMPORT(ExGetSharedWaiterCount) ULONG NTAPI ExGetSharedWaiterCount(_In_ PERESOURCE Resource);
DDI_IMPORT(ExEnterCriticalRegionAndAcquireResourceExclusive)
PVOID NTAPI ExEnterCriticalRegionAndAcquireResourceExclusive(_Inout_ PERESOURCE Resource);
DDI_IMPORT(ExReleaseResourceAndLeaveCriticalRegion) VOID FASTCALL ExReleaseResourceAndLeaveCriticalRegion(_Inout_ PERESOURCE Resource);

/* S-lists */
DDI_IMPORT(InitializeSListHead) VOID NTAPI InitializeSListHead(_Out_ PSLIST_HEADER SListHead);
DDI_IMPORT(InterlockedPushEntrySList)
PSLIST_ENTRY FASTCALL InterlockedPushEntrySList(_Inout_ PSLIST_HEADER ListHead, _Inout_ PSLIST_ENTRY ListEntry);
DDI_IMPORT(InterlockedPopEntrySList) PSLIST_ENTRY FASTCALL InterlockedPopEntrySList(_Inout_ PSLIST_HEADER ListHead);
DDI_IMPORT(InterlockedFlushSList) PSLIST_ENTRY FASTCALL InterlockedFlushSList(_Inout_ PSLIST_HEADER ListHead);
DDI_IMPORT(ExInterlockedPushEntrySList)
PSLIST_ENTRY FASTCALL ExInterlockedPushEntrySList(_Inout_ PSLIST_HEADER ListHead, _Inout_ PSLIST_ENTRY ListEntry,
                                                  _Inout_opt_ PKSPIN_LOCK Lock);
DDI_IMPORT(ExInterlockedPopEntrySList)
PSLIST_ENTRY FASTCALL ExInterlockedPopEntrySList(_Inout_ PSLIST_HEADER ListHead, _Inout_opt_ PKSPIN_LOCK Lock);
DDI_IMPORT(ExInterlockedFlushSList) PSLIST_ENTRY FASTCALL ExInterlockedFlushSList(_Inout_ PSLIST_HEADER ListHead);
DDI_IMPORT(ExQueryDepthSList) USHORT NTAPI ExQueryDepthSList(_In_ PSLIST_HEADER SListHead);

/* Threads, time, floating point */
DDI_IMPORT(KeSetPriorityThread) KPRIORITY NTAPI KeSetPriorityThread(_Inout_ PKTHREAD Thread, _In_ KPRIORITY Priority);
DDI_IMPORT(KeQueryPriorityThread) KPRIORITY NTAPI KeQueryPriorityThread(_In_ PKTHREAD Thread);
DDI_IMPORT(KeQueryPerformanceCounter) LARGE_INTEGER NTAPI KeQueryPerformanceCounter(_Out_opt_ PLARGE_INTEGER PerformanceFrequency);
DDI_IMPORT(KeSaveFloatingPointState) NTSTATUS NTAPI KeSaveFloatingPointState(_Out_ PKFLOATING_SAVE FloatSave);
DDI_IMPORT(KeRestoreFloatingPointState) NTSTATUS NTAPI KeRestoreFloatingPointState(_In_ PKFLOATING_SAVE FloatSave);

/* Versions */
DDI_IMPORT(RtlGetVersion) NTSTATUS NTAPI RtlGetVersion(_Out_ PRTL_OSVERSIONINFOW lpVersionInformation);
DDI_IMPORT(PsGetVersion)
BOOLEAN NTAPI PsGetVersion(_Out_opt_ PULONG MajorVersion, _Out_opt_ PULONG MinorVersion, _Out_opt_ PULONG BuildNumber,
                           _Out_opt_ PUNICODE_STRING CSDVersion);
DDI_IMPORT(RtlIsNtDdiVersionAvailable) BOOLEAN NTAPI RtlIsNtDdiVersionAvailable(_In_ ULONG Version);

/* Process and thread IDs */
DDI_IMPORT(PsGetCurrentProcessId) HANDLE NTAPI PsGetCurrentProcessId(VOID);
DDI_IMPORT(PsGetCurrentThreadId) HANDLE NTAPI PsGetCurrentThreadId(VOID);
DDI_IMPORT(PsGetThreadId) HANDLE NTAPI PsGetThreadId(_In_ PETHREAD Thread);
DDI_IMPORT(PsLookupProcessByProcessId) NTSTATUS NTAPI PsLookupProcessByProcessId(_In_ HANDLE ProcessId, _Outptr_ PEPROCESS *Process);
DDI_IMPORT(PsLookupThreadByThreadId) NTSTATUS NTAPI PsLookupThreadByThreadId(_In_ HANDLE ThreadId, _Outptr_ PETHREAD *Thread);

/* UUIDs and routine lookup */
DDI_IMPORT(ExUuidCreate) NTSTATUS NTAPI ExUuidCreate(_Out_ UUID *Uuid);
DDI_IMPORT(MmGetSystemRoutineAddress) PVOID NTAPI MmGetSystemRoutineAddress(_In_ PUNICODE_STRING SystemRoutineName);

/* Counted 8-bit strings and conversions: buffers a routine allocates come from paged pool, freed by RtlFree*String. */
DDI_IMPORT(RtlInitAnsiString) VOID NTAPI RtlInitAnsiString(_Out_ PANSI_STRING DestinationString, _In_opt_ PCSZ SourceString);
DDI_IMPORT(RtlInitString) VOID NTAPI RtlInitString(_Out_ PSTRING DestinationString, _In_opt_ PCSZ SourceString);
DDI_IMPORT(RtlFreeUnicodeString) VOID NTAPI RtlFreeUnicodeString(_Inout_ PUNICODE_STRING UnicodeString);
DDI_IMPORT(RtlFreeAnsiString) VOID NTAPI RtlFreeAnsiString(_Inout_ PANSI_STRING AnsiString);
DDI_IMPORT(RtlAnsiStringToUnicodeString)
NTSTATUS NTAPI RtlAnsiStringToUnicodeString(_Inout_ PUNICODE_STRING DestinationString, _In_ PCANSI_STRING SourceString,
                                            _In_ BOOLEAN AllocateDestinationString);
/* The bytes RtlAnsiStringToUnicodeString needs, terminator included: the code page is single-byte, a WCHAR per character */
#define RtlAnsiStringToUnicodeSize(STRING) ((ULONG)(((STRING)->Length + 1) * sizeof(WCHAR)))
DDI_IMPORT(RtlUnicodeStringToAnsiString)
NTSTATUS NTAPI RtlUnicodeStringToAnsiString(_Inout_ PANSI_STRING DestinationString, _In_ PCUNICODE_STRING SourceString,
                                            _In_ BOOLEAN AllocateDestinationString);
DDI_IMPORT(RtlUpcaseUnicodeString)
NTSTATUS NTAPI RtlUpcaseUnicodeString(_Inout_ PUNICODE_STRING DestinationString, _In_ PCUNICODE_STRING SourceString,
                                      _In_ BOOLEAN AllocateDestinationString);
DDI_IMPORT(RtlCompareString) LONG NTAPI RtlCompareString(_In_ const STRING *String1, _In_ const STRING *String2, _In_ BOOLEAN CaseInSensitive);
DDI_IMPORT(RtlEqualString) BOOLEAN NTAPI RtlEqualString(_In_ const STRING *String1, _In_ const STRING *String2, _In_ BOOLEAN CaseInSensitive);
DDI_IMPORT(RtlAppendUnicodeToString) NTSTATUS NTAPI RtlAppendUnicodeToString(_Inout_ PUNICODE_STRING Destination, _In_opt_ PCWSTR Source);
DDI_IMPORT(RtlAppendUnicodeStringToString)
NTSTATUS NTAPI RtlAppendUnicodeStringToString(_Inout_ PUNICODE_STRING Destination, _In_ PCUNICODE_STRING Source);
DDI_IMPORT(RtlIntegerToUnicodeString) NTSTATUS NTAPI RtlIntegerToUnicodeString(_In_ ULONG Value, _In_opt_ ULONG Base, _Inout_ PUNICODE_STRING String);
DDI_IMPORT(RtlUnicodeStringToInteger) NTSTATUS NTAPI RtlUnicodeStringToInteger(_In_ PCUNICODE_STRING String, _In_opt_ ULONG Base, _Out_ PULONG Value);
DDI_IMPORT(RtlCharToInteger) NTSTATUS NTAPI RtlCharToInteger(_In_z_ PCSZ String, _In_opt_ ULONG Base, _Out_ PULONG Value);

#endif /* DV_EXKE_H */
