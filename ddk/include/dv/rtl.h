/*
 * dv/rtl.h - run-time library (src/kernel/rtl): memory macros, counted strings, debug output.
 */
#ifndef DV_RTL_H
#define DV_RTL_H

/*
 * The memory macros are compiler builtins: small fixed-size copies inline, the rest call the
 * memcpy/memset/memmove/memcmp of the driver runtime (ddk/crt), linked into every driver.
 */
#define RtlCopyMemory(Destination, Source, Length) __builtin_memcpy((Destination), (Source), (Length))
#define RtlCopyBytes RtlCopyMemory
#define RtlMoveMemory(Destination, Source, Length) __builtin_memmove((Destination), (Source), (Length))
#define RtlFillMemory(Destination, Length, Fill) __builtin_memset((Destination), (Fill), (Length))
#define RtlFillBytes RtlFillMemory
#define RtlZeroMemory(Destination, Length) __builtin_memset((Destination), 0, (Length))
#define RtlZeroBytes RtlZeroMemory
#define RtlEqualMemory(Source1, Source2, Length) (!__builtin_memcmp((Source1), (Source2), (Length)))

/* Zeroing the compiler may not drop (secrets in a buffer about to be freed). */
FORCEINLINE PVOID RtlSecureZeroMemory(_Out_writes_bytes_all_(cnt) PVOID ptr, _In_ SIZE_T cnt) {
  volatile char *p = (volatile char *)ptr;
  while (cnt--) *p++ = 0;
  return ptr;
}

/* --- Counted strings --- */

DDI_IMPORT(RtlInitUnicodeString)
VOID NTAPI RtlInitUnicodeString(_Out_ PUNICODE_STRING DestinationString, _In_opt_z_ PCWSTR SourceString);
DDI_IMPORT(RtlCopyUnicodeString)
VOID NTAPI RtlCopyUnicodeString(_Inout_ PUNICODE_STRING DestinationString, _In_opt_ PCUNICODE_STRING SourceString);
DDI_IMPORT(RtlCompareUnicodeString)
LONG NTAPI RtlCompareUnicodeString(_In_ PCUNICODE_STRING String1, _In_ PCUNICODE_STRING String2, _In_ BOOLEAN CaseInSensitive);
DDI_IMPORT(RtlEqualUnicodeString)
BOOLEAN NTAPI RtlEqualUnicodeString(_In_ PCUNICODE_STRING String1, _In_ PCUNICODE_STRING String2, _In_ BOOLEAN CaseInSensitive);

/* --- Debug output --- */

/* Component ids and levels of DbgPrintEx */
#define DPFLTR_IHVVIDEO_ID 78
#define DPFLTR_IHVAUDIO_ID 79
#define DPFLTR_IHVNETWORK_ID 80
#define DPFLTR_IHVSTREAMING_ID 81
#define DPFLTR_IHVBUS_ID 82
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_DEFAULT_ID 101
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_MASK 0x80000000

/* The variable arguments reach the kernel as a pointer to their buffer (the wasm C ABI). */
DDI_IMPORT(DbgPrint) ULONG __cdecl DbgPrint(_In_z_ _Printf_format_string_ PCSTR Format, ...);
DDI_IMPORT(DbgPrintEx)
ULONG __cdecl DbgPrintEx(_In_ ULONG ComponentId, _In_ ULONG Level, _In_z_ _Printf_format_string_ PCSTR Format, ...);

/* KdPrint((...)) prints in checked builds only (DBG=1), as in the WDK. */
#if DBG
#define KdPrint(_x_) DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#else
#define KdPrint(_x_)
#define KdPrintEx(_x_)
#endif
/* KdBreakPoint() breaks in checked builds only (DBG=1), as in the WDK: DbgBreakPoint (dv/dbg.h). */
#if DBG
#define KdBreakPoint() DbgBreakPoint()
#define KdBreakPointWithStatus(s) DbgBreakPointWithStatus(s)
#else
#define KdBreakPoint()
#define KdBreakPointWithStatus(s)
#endif

/* Added at the end, so that the lines above (and the DWARF of every driver built on them) stay where they were. */
#define DPFLTR_POWER_ID 146
#define DPFLTR_GPIO_ID 148

/* An empty string over a caller's buffer of BufferSize bytes (wdm.h's inline). */
FORCEINLINE VOID RtlInitEmptyUnicodeString(_Out_ PUNICODE_STRING UnicodeString, _Pre_maybenull_ PWCHAR Buffer, _In_ USHORT BufferSize)
{
  UnicodeString->Length = 0;
  UnicodeString->MaximumLength = BufferSize;
  UnicodeString->Buffer = Buffer;
}

#endif /* DV_RTL_H */
