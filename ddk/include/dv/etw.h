/*
 * dv/etw.h - event tracing for the WPP software tracing a driver's generated .tmh does
 * (src/kernel/etw): a classic provider registers with EtwRegisterClassicProvider, the trace
 * session enables it through its callback with a TRACE_ENABLE_CONTEXT, and each message goes to
 * WmiTraceMessage as (pointer, size) pairs ending with NULL. Names and values of wdm.h and evntrace.h.
 */
#ifndef DV_ETW_H
#define DV_ETW_H

#include <guiddef.h>

typedef ULONG64 TRACEHANDLE, *PTRACEHANDLE;
typedef ULONGLONG REGHANDLE, *PREGHANDLE;

/* Trace levels (evntrace.h). */
#define TRACE_LEVEL_NONE 0
#define TRACE_LEVEL_CRITICAL 1
#define TRACE_LEVEL_FATAL 1
#define TRACE_LEVEL_ERROR 2
#define TRACE_LEVEL_WARNING 3
#define TRACE_LEVEL_INFORMATION 4
#define TRACE_LEVEL_VERBOSE 5
#define TRACE_LEVEL_RESERVED6 6
#define TRACE_LEVEL_RESERVED7 7
#define TRACE_LEVEL_RESERVED8 8
#define TRACE_LEVEL_RESERVED9 9

/* What an enable callback is told (evntprov.h). */
#define EVENT_CONTROL_CODE_DISABLE_PROVIDER 0
#define EVENT_CONTROL_CODE_ENABLE_PROVIDER 1
#define EVENT_CONTROL_CODE_CAPTURE_STATE 2

/* WmiTraceMessage's MessageFlags: what the session adds to each message. */
#define TRACE_MESSAGE_SEQUENCE 1
#define TRACE_MESSAGE_GUID 2
#define TRACE_MESSAGE_COMPONENTID 4
#define TRACE_MESSAGE_TIMESTAMP 8
#define TRACE_MESSAGE_PERFORMANCE_TIMESTAMP 16
#define TRACE_MESSAGE_SYSTEMINFO 32

/* A classic provider's enable context: its 8 bytes are the logger's TRACEHANDLE. */
typedef struct _TRACE_ENABLE_CONTEXT {
  USHORT LoggerId;
  UCHAR Level;
  UCHAR InternalFlag;
  ULONG EnableFlags;
} TRACE_ENABLE_CONTEXT, *PTRACE_ENABLE_CONTEXT;

typedef VOID ETW_CLASSIC_CALLBACK(_In_ LPCGUID Guid, _In_ UCHAR ControlCode, _In_ PVOID EnableContext, _In_opt_ PVOID CallbackContext);
typedef ETW_CLASSIC_CALLBACK *PETW_CLASSIC_CALLBACK;

DDI_IMPORT(EtwRegisterClassicProvider)
NTSTATUS NTAPI EtwRegisterClassicProvider(_In_ LPCGUID ProviderGuid, _In_ ULONG Type, _In_ PETW_CLASSIC_CALLBACK EnableCallback, _In_opt_ PVOID CallbackContext,
                                          _Out_ PREGHANDLE RegHandle);
DDI_IMPORT(EtwUnregister) NTSTATUS NTAPI EtwUnregister(_In_ REGHANDLE RegHandle);
DDI_IMPORT(WmiTraceMessage)
NTSTATUS __cdecl WmiTraceMessage(_In_ TRACEHANDLE LoggerHandle, _In_ ULONG MessageFlags, _In_ LPCGUID MessageGuid, _In_ USHORT MessageNumber, ...);

#endif
