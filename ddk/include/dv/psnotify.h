/*
 * dv/psnotify.h - process, thread and image-load notify routines (src/kernel/ps/notify.ts) and the
 * process queries monitor drivers make in them. ntddk.h declares these in the WDK.
 */
#ifndef DV_PSNOTIFY_H
#define DV_PSNOTIFY_H

#ifndef DV_CLIENT_ID_DEFINED
#define DV_CLIENT_ID_DEFINED
typedef struct _CLIENT_ID {
  HANDLE UniqueProcess;
  HANDLE UniqueThread;
} CLIENT_ID;
#endif

/* Process access rights (the ones an object pre-callback may remove). */
#define PROCESS_TERMINATE 0x0001
#define PROCESS_CREATE_THREAD 0x0002
#define PROCESS_SET_SESSIONID 0x0004
#define PROCESS_VM_OPERATION 0x0008
#define PROCESS_VM_READ 0x0010
#define PROCESS_VM_WRITE 0x0020
#define PROCESS_DUP_HANDLE 0x0040
#define PROCESS_CREATE_PROCESS 0x0080
#define PROCESS_SET_QUOTA 0x0100
#define PROCESS_SET_INFORMATION 0x0200
#define PROCESS_QUERY_INFORMATION 0x0400
#define PROCESS_SUSPEND_RESUME 0x0800
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000
#define PROCESS_ALL_ACCESS 0x001FFFFFUL

typedef struct _PS_CREATE_NOTIFY_INFO {
  SIZE_T Size;
  union {
    ULONG Flags;
    struct {
      ULONG FileOpenNameAvailable : 1;
      ULONG IsSubsystemProcess : 1;
      ULONG Reserved : 30;
    };
  };
  HANDLE ParentProcessId;
  CLIENT_ID CreatingThreadId;
  struct _FILE_OBJECT *FileObject;
  PCUNICODE_STRING ImageFileName;
  PCUNICODE_STRING CommandLine;
  NTSTATUS CreationStatus;
} PS_CREATE_NOTIFY_INFO, *PPS_CREATE_NOTIFY_INFO;

typedef struct _IMAGE_INFO {
  union {
    ULONG Properties;
    struct {
      ULONG ImageAddressingMode : 8;
      ULONG SystemModeImage : 1;
      ULONG ImageMappedToAllPids : 1;
      ULONG ExtendedInfoPresent : 1;
      ULONG MachineTypeMismatch : 1;
      ULONG ImageSignatureLevel : 4;
      ULONG ImageSignatureType : 3;
      ULONG ImagePartialMap : 1;
      ULONG Reserved : 12;
    };
  };
  PVOID ImageBase;
  ULONG ImageSelector;
  SIZE_T ImageSize;
  ULONG ImageSectionNumber;
} IMAGE_INFO, *PIMAGE_INFO;

#define IMAGE_ADDRESSING_MODE_32BIT 3

typedef VOID (*PCREATE_PROCESS_NOTIFY_ROUTINE)(_In_ HANDLE ParentId, _In_ HANDLE ProcessId, _In_ BOOLEAN Create);
/* CreateInfo is NULL when the process exits; set CreateInfo->CreationStatus to an error to deny the creation. */
typedef VOID (*PCREATE_PROCESS_NOTIFY_ROUTINE_EX)(_Inout_ PEPROCESS Process, _In_ HANDLE ProcessId,
                                                  _Inout_opt_ PPS_CREATE_NOTIFY_INFO CreateInfo);
typedef VOID (*PCREATE_THREAD_NOTIFY_ROUTINE)(_In_ HANDLE ProcessId, _In_ HANDLE ThreadId, _In_ BOOLEAN Create);
typedef VOID (*PLOAD_IMAGE_NOTIFY_ROUTINE)(_In_opt_ PUNICODE_STRING FullImageName, _In_ HANDLE ProcessId, _In_ PIMAGE_INFO ImageInfo);

typedef enum _PSCREATEPROCESSNOTIFYTYPE { PsCreateProcessNotifySubsystems = 0 } PSCREATEPROCESSNOTIFYTYPE;
typedef enum _PSCREATETHREADNOTIFYTYPE { PsCreateThreadNotifyNonSystem = 0, PsCreateThreadNotifySubsystems = 1 } PSCREATETHREADNOTIFYTYPE;

#define PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE 0x1

/* --- DDIs --- */

/* At most 64 process routines; STATUS_INVALID_PARAMETER for a duplicate, a full table or removing an unknown routine. */
DDI_IMPORT(PsSetCreateProcessNotifyRoutine)
NTSTATUS NTAPI PsSetCreateProcessNotifyRoutine(_In_ PCREATE_PROCESS_NOTIFY_ROUTINE NotifyRoutine, _In_ BOOLEAN Remove);
DDI_IMPORT(PsSetCreateProcessNotifyRoutineEx)
NTSTATUS NTAPI PsSetCreateProcessNotifyRoutineEx(_In_ PCREATE_PROCESS_NOTIFY_ROUTINE_EX NotifyRoutine, _In_ BOOLEAN Remove);
DDI_IMPORT(PsSetCreateProcessNotifyRoutineEx2)
NTSTATUS NTAPI PsSetCreateProcessNotifyRoutineEx2(_In_ PSCREATEPROCESSNOTIFYTYPE NotifyType, _In_ PVOID NotifyInformation, _In_ BOOLEAN Remove);
DDI_IMPORT(PsSetCreateThreadNotifyRoutine) NTSTATUS NTAPI PsSetCreateThreadNotifyRoutine(_In_ PCREATE_THREAD_NOTIFY_ROUTINE NotifyRoutine);
DDI_IMPORT(PsSetCreateThreadNotifyRoutineEx)
NTSTATUS NTAPI PsSetCreateThreadNotifyRoutineEx(_In_ PSCREATETHREADNOTIFYTYPE NotifyType, _In_ PVOID NotifyInformation);
/* STATUS_PROCEDURE_NOT_FOUND for a routine that is not registered. */
DDI_IMPORT(PsRemoveCreateThreadNotifyRoutine)
NTSTATUS NTAPI PsRemoveCreateThreadNotifyRoutine(_In_ PCREATE_THREAD_NOTIFY_ROUTINE NotifyRoutine);
DDI_IMPORT(PsSetLoadImageNotifyRoutine) NTSTATUS NTAPI PsSetLoadImageNotifyRoutine(_In_ PLOAD_IMAGE_NOTIFY_ROUTINE NotifyRoutine);
DDI_IMPORT(PsSetLoadImageNotifyRoutineEx)
NTSTATUS NTAPI PsSetLoadImageNotifyRoutineEx(_In_ PLOAD_IMAGE_NOTIFY_ROUTINE NotifyRoutine, _In_ ULONG_PTR Flags);
DDI_IMPORT(PsRemoveLoadImageNotifyRoutine) NTSTATUS NTAPI PsRemoveLoadImageNotifyRoutine(_In_ PLOAD_IMAGE_NOTIFY_ROUTINE NotifyRoutine);

DDI_IMPORT(PsGetProcessId) HANDLE NTAPI PsGetProcessId(_In_ PEPROCESS Process);
DDI_IMPORT(PsGetThreadProcessId) HANDLE NTAPI PsGetThreadProcessId(_In_ PETHREAD Thread);
/* The process's 15-byte image file name (ANSI, NUL-terminated), inside the process object. */
DDI_IMPORT(PsGetProcessImageFileName) PCHAR NTAPI PsGetProcessImageFileName(_In_ PEPROCESS Process);
DDI_IMPORT(PsIsSystemThread) BOOLEAN NTAPI PsIsSystemThread(_In_ PETHREAD Thread);

#endif /* DV_PSNOTIFY_H */
