/*
 * dv/wpprecorder.h - the WPP recorder's types and routines (src/kernel/etw/recorder.ts), which the
 * kernel exports here (WppRecorder.sys does on Windows). Drivers include <wpprecorder.h>, whose
 * WppRecorderXxx macros call the imp_ routines with the driver's WPP control blocks.
 */
#ifndef DV_DV_WPPRECORDER_H
#define DV_DV_WPPRECORDER_H

EXTERN_C_START

/* A log: the address of its buffer (as DECLARE_HANDLE would declare it). */
struct RECORDER_LOG__ { int unused; };
typedef struct RECORDER_LOG__ *RECORDER_LOG;

#define RECORDER_LOG_IDENTIFIER_MAX_CHARS 16
#define RECORDER_LOG_DEFAULT_TOTAL_BUFFER_SIZE 1024

typedef enum _WPP_RECORDER_TRI_STATE { WppRecorderFalse = 0, WppRecorderTrue, WppRecorderDefault } WPP_RECORDER_TRI_STATE;

typedef struct _RECORDER_CONFIGURE_PARAMS {
  ULONG Size;
  /* FALSE: no default log (messages that name no log are not recorded). */
  BOOLEAN CreateDefaultLog;
} RECORDER_CONFIGURE_PARAMS, *PRECORDER_CONFIGURE_PARAMS;

FORCEINLINE VOID RECORDER_CONFIGURE_PARAMS_INIT(PRECORDER_CONFIGURE_PARAMS Params) {
  RtlZeroMemory(Params, sizeof(RECORDER_CONFIGURE_PARAMS));
  Params->Size = sizeof(RECORDER_CONFIGURE_PARAMS);
  Params->CreateDefaultLog = TRUE;
}

typedef struct _RECORDER_LOG_CREATE_PARAMS {
  ULONG Size;
  /* The log buffer's pool tag; 0: the recorder's. */
  ULONG LogTag;
  ULONG TotalBufferSize;
  ULONG ErrorPartitionSize;
  ULONG_PTR LogIdentifierAppendValue;
  BOOLEAN LogIdentifierAppendValueSet;
  ULONG LogIdentifierSize;
  CHAR LogIdentifier[RECORDER_LOG_IDENTIFIER_MAX_CHARS];
  WPP_RECORDER_TRI_STATE UseTimeStamp;
  WPP_RECORDER_TRI_STATE PreciseTimeStamp;
} RECORDER_LOG_CREATE_PARAMS, *PRECORDER_LOG_CREATE_PARAMS;

/* LogIdentifier (optional) is copied, cut to RECORDER_LOG_IDENTIFIER_MAX_CHARS - 1 characters. */
FORCEINLINE VOID RECORDER_LOG_CREATE_PARAMS_INIT(PRECORDER_LOG_CREATE_PARAMS Params, PCSTR LogIdentifier) {
  ULONG i;
  RtlZeroMemory(Params, sizeof(RECORDER_LOG_CREATE_PARAMS));
  Params->Size = sizeof(RECORDER_LOG_CREATE_PARAMS);
  Params->TotalBufferSize = RECORDER_LOG_DEFAULT_TOTAL_BUFFER_SIZE;
  Params->LogIdentifierSize = RECORDER_LOG_IDENTIFIER_MAX_CHARS;
  Params->UseTimeStamp = WppRecorderDefault;
  Params->PreciseTimeStamp = WppRecorderDefault;
  for (i = 0; LogIdentifier && LogIdentifier[i] && i < RECORDER_LOG_IDENTIFIER_MAX_CHARS - 1; i++) Params->LogIdentifier[i] = LogIdentifier[i];
}

FORCEINLINE VOID RECORDER_LOG_CREATE_PARAMS_INIT_APPEND_POINTER(PRECORDER_LOG_CREATE_PARAMS Params, PVOID Pointer) {
  Params->LogIdentifierAppendValue = (ULONG_PTR)Pointer;
  Params->LogIdentifierAppendValueSet = TRUE;
}

/* The recorder's side of WPP_INIT_TRACING, WPP_CLEANUP and each recorded message (dv/wpp.h, the .tmh). */
DDI_IMPORT(WppAutoLogStart) VOID NTAPI WppAutoLogStart(_In_ PVOID WppCb, _In_ PDRIVER_OBJECT DrvObj, _In_ PCUNICODE_STRING RegPath);
DDI_IMPORT(WppAutoLogStop) VOID NTAPI WppAutoLogStop(_In_ PVOID WppCb, _In_ PDRIVER_OBJECT DrvObj);
DDI_IMPORT(WppAutoLogTrace)
VOID __cdecl WppAutoLogTrace(_In_opt_ PVOID AutoLogContext, _In_ UCHAR MessageLevel, _In_ ULONG MessageFlags, _In_ LPCGUID MessageGuid, _In_ USHORT MessageNumber, ...);

_IRQL_requires_max_(DISPATCH_LEVEL)
DDI_IMPORT(imp_WppRecorderConfigure) VOID NTAPI imp_WppRecorderConfigure(_In_ PVOID WppCb, _In_ PRECORDER_CONFIGURE_PARAMS ConfigureParams);
_IRQL_requires_max_(DISPATCH_LEVEL)
DDI_IMPORT(imp_WppRecorderLogCreate)
NTSTATUS NTAPI imp_WppRecorderLogCreate(_In_ PVOID WppCb, _In_ PRECORDER_LOG_CREATE_PARAMS CreateParams, _Out_ RECORDER_LOG *RecorderLog);
_IRQL_requires_max_(DISPATCH_LEVEL)
DDI_IMPORT(imp_WppRecorderLogDelete) VOID NTAPI imp_WppRecorderLogDelete(_In_ PVOID WppCb, _In_ RECORDER_LOG RecorderLog);
_IRQL_requires_max_(DISPATCH_LEVEL)
DDI_IMPORT(imp_WppRecorderLogGetDefault) RECORDER_LOG NTAPI imp_WppRecorderLogGetDefault(_In_ PVOID WppCb);
_IRQL_requires_max_(DISPATCH_LEVEL)
DDI_IMPORT(imp_WppRecorderIsDefaultLogAvailable) BOOLEAN NTAPI imp_WppRecorderIsDefaultLogAvailable(_In_ PVOID WppCb);
_IRQL_requires_max_(DISPATCH_LEVEL)
DDI_IMPORT(imp_WppRecorderLogSetIdentifier) VOID NTAPI imp_WppRecorderLogSetIdentifier(_In_ PVOID WppCb, _In_ RECORDER_LOG RecorderLog, _In_ PCSTR LogIdentifier);
_IRQL_requires_max_(HIGH_LEVEL)
DDI_IMPORT(imp_WppRecorderDumpLiveDriverData)
NTSTATUS NTAPI imp_WppRecorderDumpLiveDriverData(_In_ PVOID WppCb, _Out_ PVOID *OutBuffer, _Out_ PULONG OutBufferLength, _Out_ LPGUID Guid);

EXTERN_C_END

#endif
