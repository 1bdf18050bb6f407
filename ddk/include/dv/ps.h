/*
 * dv/ps.h - processes and threads (src/kernel/ps): system threads and handles.
 */
#ifndef DV_PS_H
#define DV_PS_H

typedef VOID KSTART_ROUTINE(_In_ PVOID StartContext);
typedef KSTART_ROUTINE *PKSTART_ROUTINE;

#define THREAD_ALL_ACCESS 0x001FFFFFUL
#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)
#define ZwCurrentProcess() NtCurrentProcess()
#define NtCurrentThread() ((HANDLE)(LONG_PTR)-2)
#define ZwCurrentThread() NtCurrentThread()

/* --- DDIs --- */

DDI_IMPORT(PsCreateSystemThread)
NTSTATUS NTAPI PsCreateSystemThread(_Out_ PHANDLE ThreadHandle, _In_ ULONG DesiredAccess, _In_opt_ POBJECT_ATTRIBUTES ObjectAttributes,
                                    _In_opt_ HANDLE ProcessHandle, _Out_opt_ PCLIENT_ID ClientId, _In_ PKSTART_ROUTINE StartRoutine,
                                    _In_opt_ PVOID StartContext);
DDI_IMPORT(PsTerminateSystemThread) NTSTATUS NTAPI PsTerminateSystemThread(_In_ NTSTATUS ExitStatus);
DDI_IMPORT(ZwClose) NTSTATUS NTAPI ZwClose(_In_ HANDLE Handle);
DDI_IMPORT(PsGetCurrentThread) PETHREAD NTAPI PsGetCurrentThread(VOID);
DDI_IMPORT(PsGetCurrentProcess) PEPROCESS NTAPI PsGetCurrentProcess(VOID);

#endif /* DV_PS_H */
