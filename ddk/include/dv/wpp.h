/*
 * dv/wpp.h - the kernel-mode WPP runtime every generated .tmh includes (dv build's WPP step,
 * src/build/wpp): the control blocks of WPP_CONTROL_GUIDS and their flag bits, WPP_INIT_TRACING and
 * WPP_CLEANUP, the default condition macros (WPP_LEVEL_ENABLED and WPP_LEVEL_LOGGER take the flag),
 * and the WPP_LOGxxx helpers that turn an argument into WmiTraceMessage's (pointer, size) pairs.
 * The control blocks and bits come from WPP_CONTROL_GUIDS itself, expanded here as X-macros.
 */
#ifndef DV_WPP_H
#define DV_WPP_H

#include <wdm.h>

#ifndef WPP_CONTROL_GUIDS
#error "WPP: define WPP_CONTROL_GUIDS (WPP_DEFINE_CONTROL_GUID(...)) before including the .tmh"
#endif

#if defined(ENABLE_WPP_RECORDER) && ENABLE_WPP_RECORDER
#include <wpprecorder.h>
#endif

EXTERN_C_START

#define WPP_CAT2(a, b) a##b
#define WPP_CAT(a, b) WPP_CAT2(a, b)
/* A trace function whose last arguments come in their own parentheses: DoTrace(LEVEL, FLAG, (MSG, ...)). */
#define WPP_UNPAREN(...) __VA_ARGS__
#define WPP_APPLY(m, args) m args

/* One control block per WPP_DEFINE_CONTROL_GUID, in order. */
#define WPP_DEFINE_CONTROL_GUID(Name, Guid, Bits) WPP_CTL_##Name,
enum WPP_CTL_NAMES { WPP_CONTROL_GUIDS WPP_CTL_COUNT };
#undef WPP_DEFINE_CONTROL_GUID

/* Bit n of control block c is WPP_BIT_x = c * 32 + n: flag value 1 << n (at most 31 bits a block). */
#define WPP_DEFINE_BIT(Name) WPP_BIT_##Name,
#define WPP_DEFINE_CONTROL_GUID(Name, Guid, Bits) WPP_BLOCK_START_##Name = WPP_CTL_##Name * 32 - 1, Bits WPP_BLOCK_END_##Name,
enum WPP_DEFINE_BIT_NAMES { WPP_CONTROL_GUIDS WPP_BIT_LAST_ };
#undef WPP_DEFINE_CONTROL_GUID
#undef WPP_DEFINE_BIT

/* (d58c126f, b309, 11d1, 969e, 0000f875a5bc) -> a GUID. */
#define WPP_GUID_INIT(l, w1, w2, w3, ll)                                                                                                     \
  { 0x##l, 0x##w1, 0x##w2,                                                                                                                  \
    { (UCHAR)(0x##w3 >> 8), (UCHAR)0x##w3, (UCHAR)((ULONG64)0x##ll >> 40), (UCHAR)((ULONG64)0x##ll >> 32), (UCHAR)((ULONG64)0x##ll >> 24), \
      (UCHAR)((ULONG64)0x##ll >> 16), (UCHAR)((ULONG64)0x##ll >> 8), (UCHAR)0x##ll } }

typedef struct _WPP_TRACE_CONTROL_BLOCK {
  LPCGUID ControlGuid;
  struct _WPP_TRACE_CONTROL_BLOCK *Next;
  TRACEHANDLE Logger;
  REGHANDLE RegHandle;
  UCHAR Level;
  UCHAR ReservedFlags;
  USHORT FlagsLen;
  ULONG Flags[1];
  /* The recorder's (wpprecorder.h): the default log the block's messages go to, and whether verbose ones do. */
  PVOID AutoLogContext;
  BOOLEAN AutoLogVerboseEnabled;
  BOOLEAN AutoLogAttachToMiniDump;
} WPP_TRACE_CONTROL_BLOCK, *PWPP_TRACE_CONTROL_BLOCK;

/* Defined once, in the .tmh of the file that calls WPP_INIT_TRACING. */
extern WPP_TRACE_CONTROL_BLOCK WPP_MAIN_CB[WPP_CTL_COUNT > 0 ? WPP_CTL_COUNT : 1];
#ifdef WPP_DEFINE_CONTROL_BLOCKS
WPP_TRACE_CONTROL_BLOCK WPP_MAIN_CB[WPP_CTL_COUNT > 0 ? WPP_CTL_COUNT : 1];
#endif

#define WPP_CTL_NO(b) ((b) >> 5)
#define WPP_FLAG_NO(b) 0
#define WPP_MASK(b) (1u << ((b)&31))
#define WPP_CONTROL(b) (WPP_MAIN_CB[WPP_CTL_NO(b)])

/* The default conditions: DoTraceMessage(FLAG, MSG, ...) and FUNCs whose condition is the flag. */
#define WPP_LEVEL_ENABLED(flag) ((WPP_CONTROL(WPP_BIT_##flag).Flags[WPP_FLAG_NO(WPP_BIT_##flag)] & WPP_MASK(WPP_BIT_##flag)) != 0)
#define WPP_LEVEL_LOGGER(flag) (WPP_CONTROL(WPP_BIT_##flag).Logger)
#define WPP_FLAG_ENABLED(flag) WPP_LEVEL_ENABLED(flag)
#define WPP_FLAG_LOGGER(flag) WPP_LEVEL_LOGGER(flag)
/* A FUNC with no condition: on whenever the first control block is. */
#define WPP_ENABLED() (WPP_MAIN_CB[0].Logger != 0)
#define WPP_LOGGER() (WPP_MAIN_CB[0].Logger)

#define WPP_TRACE_OPTIONS (TRACE_MESSAGE_SEQUENCE | TRACE_MESSAGE_GUID | TRACE_MESSAGE_SYSTEMINFO | TRACE_MESSAGE_TIMESTAMP)

/* Arguments as (pointer, size) pairs; a NULL string logs "NULL" (WPP_CHECK_FOR_NULL_STRING always on). */
#define WPP_LOGPAIR(Size, Addr) (const void *)(Addr), (SIZE_T)(Size),
static __inline const char *WppAStr(const char *s) { return s ? s : "NULL"; }
static __inline SIZE_T WppAStrSize(const char *s) {
  SIZE_T n = 0;
  s = WppAStr(s);
  while (s[n]) n++;
  return n + 1;
}
static __inline const WCHAR *WppWStr(const WCHAR *s) { return s ? s : L"NULL"; }
static __inline SIZE_T WppWStrSize(const WCHAR *s) {
  SIZE_T n = 0;
  s = WppWStr(s);
  while (s[n]) n++;
  return (n + 1) * sizeof(WCHAR);
}
/* A counted string: its 2-byte length, then that many bytes (none for a NULL string or buffer). */
static __inline const USHORT *WppCountedLength(const USHORT *length, const void *buffer) {
  static const USHORT none = 0;
  return length && buffer ? length : &none;
}
static __inline const void *WppCountedBuffer(const void *buffer) { return buffer ? buffer : (const void *)""; }
#define WPP_LOGUSTR(x)                                                                    \
  WPP_LOGPAIR(2, WppCountedLength((x) ? &(x)->Length : 0, (x) ? (x)->Buffer : 0))        \
  WPP_LOGPAIR(*WppCountedLength((x) ? &(x)->Length : 0, (x) ? (x)->Buffer : 0), WppCountedBuffer((x) ? (x)->Buffer : 0))
#define WPP_LOGCSTR(x) WPP_LOGUSTR(x)
#define WPP_LOGASTR(x) WPP_LOGPAIR(WppAStrSize(x), WppAStr(x))
#define WPP_LOGWSTR(x) WPP_LOGPAIR(WppWStrSize(x), WppWStr(x))
static __inline const GUID *WppGuid(const GUID *g) {
  static const GUID none = { 0 };
  return g ? g : &none;
}
#define WPP_LOGPGUID(x) WPP_LOGPAIR(sizeof(GUID), WppGuid(x))

/* The session enables a registered block with a TRACE_ENABLE_CONTEXT: its 8 bytes are the logger handle. */
static __inline VOID WppClassicProviderCallback(LPCGUID Guid, UCHAR ControlCode, PVOID EnableContext, PVOID CallbackContext) {
  PWPP_TRACE_CONTROL_BLOCK cb = (PWPP_TRACE_CONTROL_BLOCK)CallbackContext;
  PTRACE_ENABLE_CONTEXT context = (PTRACE_ENABLE_CONTEXT)EnableContext;
  UNREFERENCED_PARAMETER(Guid);
  if (ControlCode == EVENT_CONTROL_CODE_ENABLE_PROVIDER && context) {
    cb->Logger = *(const TRACEHANDLE *)context;
    cb->Level = context->Level;
    cb->Flags[0] = context->EnableFlags;
  } else if (ControlCode == EVENT_CONTROL_CODE_DISABLE_PROVIDER) {
    cb->Logger = 0;
    cb->Level = 0;
    cb->Flags[0] = 0;
  }
}

static __inline VOID WppInitKm(PVOID DriverObject, PCUNICODE_STRING RegistryPath) {
#define WPP_DEFINE_CONTROL_GUID(Name, Guid, Bits) WPP_GUID_INIT Guid,
  static const GUID guids[] = { WPP_CONTROL_GUIDS };
#undef WPP_DEFINE_CONTROL_GUID
  ULONG i;
  UNREFERENCED_PARAMETER(DriverObject);
  UNREFERENCED_PARAMETER(RegistryPath);
  for (i = 0; i < (ULONG)WPP_CTL_COUNT; i++) {
    PWPP_TRACE_CONTROL_BLOCK cb = &WPP_MAIN_CB[i];
    cb->ControlGuid = &guids[i];
    cb->Next = i + 1 < (ULONG)WPP_CTL_COUNT ? &WPP_MAIN_CB[i + 1] : 0;
    cb->FlagsLen = 1;
    EtwRegisterClassicProvider(cb->ControlGuid, 0, WppClassicProviderCallback, cb, &cb->RegHandle);
  }
}

static __inline VOID WppCleanupKm(PVOID DriverObject) {
  ULONG i;
  UNREFERENCED_PARAMETER(DriverObject);
  for (i = 0; i < (ULONG)WPP_CTL_COUNT; i++) {
    PWPP_TRACE_CONTROL_BLOCK cb = &WPP_MAIN_CB[i];
    if (cb->RegHandle) EtwUnregister(cb->RegHandle);
    cb->RegHandle = 0;
    cb->Logger = 0;
    cb->Level = 0;
    cb->Flags[0] = 0;
  }
}

/* XP and later ignore the device object (Windows 2000 took it); KMDF passes the driver object. */
#if defined(ENABLE_WPP_RECORDER) && ENABLE_WPP_RECORDER
/* Recorder mode: the driver's recorder starts with its tracing and stops before it. */
#define WPP_INIT_TRACING(DriverObject, RegistryPath) \
  (WppInitKm((PVOID)(DriverObject), (RegistryPath)), WppAutoLogStart(WPP_MAIN_CB, (PDRIVER_OBJECT)(DriverObject), (RegistryPath)))
#define WPP_CLEANUP(DriverObject) (WppAutoLogStop(WPP_MAIN_CB, (PDRIVER_OBJECT)(DriverObject)), WppCleanupKm((PVOID)(DriverObject)))
#else
#define WPP_INIT_TRACING(DriverObject, RegistryPath) WppInitKm((PVOID)(DriverObject), (RegistryPath))
#define WPP_CLEANUP(DriverObject) WppCleanupKm((PVOID)(DriverObject))
#endif
/* Windows 2000's IRP_MJ_SYSTEM_CONTROL hook: nothing to do since XP. */
#define WPP_SYSTEMCONTROL(DriverObject)

EXTERN_C_END

#endif
