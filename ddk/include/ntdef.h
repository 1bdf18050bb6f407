/*
 * ntdef.h - NT base types, counted strings, list entries and the language glue, for drivers compiled
 * to wasm32 (ILP32: int, long and pointers are 32-bit, long long is 64-bit, as on 32-bit Windows).
 */
#ifndef DV_NTDEF_H
#define DV_NTDEF_H

#include <stddef.h>
#include <stdarg.h>
#include <sal.h>

#if !defined(__wasm32__)
#error "ddk/include targets wasm32: build with dv build (clang --target=wasm32-unknown-emscripten)"
#endif

/* Calling conventions mean nothing on wasm: one C ABI for every function. */
#define NTAPI
#define NTAPI_INLINE
#define WINAPI
#define CALLBACK
#define FASTCALL
#define __stdcall
#define __cdecl
#define __fastcall
#define __thiscall
#define _W64
#define __ptr64
#define __ptr32
#define __unaligned
#define POINTER_ALIGNMENT
#define UNALIGNED

/* Storage and linkage */
#define DECLSPEC_IMPORT
#define DECLSPEC_EXPORT
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define DECLSPEC_NOINLINE __attribute__((noinline))
#define DECLSPEC_ALIGN(x) __attribute__((aligned(x)))
#define DECLSPEC_DEPRECATED
#define DECLSPEC_SELECTANY __attribute__((weak))
#define DECLSPEC_CACHEALIGN
#define FORCEINLINE static inline __attribute__((always_inline))
#define __forceinline inline __attribute__((always_inline))
#define EXTERN_C extern
#define C_ASSERT(e) _Static_assert(e, #e)

/*
 * A DDI is a wasm import from module "ntoskrnl" under its NT name; the kernel binds it at load time.
 * NTKERNELAPI/NTSYSAPI/NTHALAPI on a driver's own prototype make it an ntoskrnl import too, so a
 * routine the kernel lacks is refused by dv build by name instead of becoming a stray env import.
 */
#define DDI_IMPORT(Name) __attribute__((import_module("ntoskrnl"), import_name(#Name)))
#define NTKERNELAPI __attribute__((import_module("ntoskrnl")))
#define NTSYSAPI __attribute__((import_module("ntoskrnl")))
#define NTHALAPI __attribute__((import_module("ntoskrnl")))
#define NTSYSCALLAPI __attribute__((import_module("ntoskrnl")))

/* Integers */
#define VOID void
typedef char CHAR;
typedef signed char SCHAR;
typedef short SHORT;
typedef int INT;
typedef long LONG;
typedef unsigned char UCHAR;
typedef unsigned short USHORT;
typedef unsigned int UINT;
typedef unsigned long ULONG;
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
typedef LONGLONG LONG64;
typedef ULONGLONG ULONG64;
typedef ULONGLONG DWORD64;
typedef signed char INT8;
typedef unsigned char UINT8;
typedef short INT16;
typedef unsigned short UINT16;
typedef int INT32;
typedef unsigned int UINT32;
typedef LONGLONG INT64;
typedef ULONGLONG UINT64;
typedef int LONG32;
typedef unsigned int ULONG32;
typedef unsigned char BYTE;
typedef unsigned short WORD;
typedef unsigned long DWORD;
typedef float FLOAT;
typedef double DOUBLE;
typedef CHAR CCHAR;
typedef SHORT CSHORT;
typedef ULONG CLONG;
typedef ULONG LOGICAL;
typedef int BOOL;

/* Pointer-sized integers: 32-bit on wasm32 */
typedef long LONG_PTR;
typedef unsigned long ULONG_PTR;
typedef int INT_PTR;
typedef unsigned int UINT_PTR;
typedef ULONG_PTR SIZE_T;
typedef LONG_PTR SSIZE_T;
typedef ULONG_PTR DWORD_PTR;
typedef ULONG_PTR KAFFINITY;

typedef UCHAR BOOLEAN;
#define TRUE 1
#define FALSE 0

typedef wchar_t WCHAR;
typedef void *PVOID;
typedef const void *PCVOID;
typedef PVOID HANDLE;
typedef LONG NTSTATUS;
typedef LONG KPRIORITY;
typedef ULONG ACCESS_MASK;
typedef ULONG DEVICE_TYPE;
typedef ULONG EXECUTION_STATE;

typedef CHAR *PCHAR, *PCH, *PSTR, *LPSTR, *PSZ;
typedef const CHAR *PCCH, *PCSTR, *LPCSTR, *PCSZ;
typedef WCHAR *PWCHAR, *PWCH, *PWSTR, *LPWSTR, *PWSZ;
typedef const WCHAR *PCWCH, *PCWSTR, *LPCWSTR;
typedef UCHAR *PUCHAR;
typedef USHORT *PUSHORT;
typedef ULONG *PULONG;
typedef LONG *PLONG;
typedef SHORT *PSHORT;
typedef INT *PINT;
typedef UINT *PUINT;
typedef LONGLONG *PLONGLONG;
typedef ULONGLONG *PULONGLONG;
typedef ULONG64 *PULONG64;
typedef LONG64 *PLONG64;
typedef BOOLEAN *PBOOLEAN;
typedef ULONG_PTR *PULONG_PTR;
typedef LONG_PTR *PLONG_PTR;
typedef SIZE_T *PSIZE_T;
typedef HANDLE *PHANDLE;
typedef NTSTATUS *PNTSTATUS;
typedef PVOID *PPVOID;
typedef ACCESS_MASK *PACCESS_MASK;
typedef BYTE *PBYTE;

_Static_assert(sizeof(WCHAR) == 2, "WCHAR is 16-bit: compile with -fshort-wchar (clang 16 or newer honours it on wasm32)");
_Static_assert(sizeof(L"ab"[0]) == 2, "L\"...\" literals must be 16-bit: compile with -fshort-wchar");
_Static_assert(sizeof(LONG) == 4 && sizeof(ULONG_PTR) == 4 && sizeof(PVOID) == 4, "wasm32 is ILP32");
_Static_assert(sizeof(LONGLONG) == 8, "LONGLONG is 64-bit");

#define MAXUCHAR 0xff
#define MAXUSHORT 0xffff
#define MAXULONG 0xffffffffUL
#define MAXLONG 0x7fffffffL
#define MINLONG (-MAXLONG - 1)
#define MAXLONGLONG 0x7fffffffffffffffLL
#define MAXULONG_PTR MAXULONG
#define MAXSIZE_T MAXULONG

/* 64-bit quantities that also expose their halves */
typedef union _LARGE_INTEGER {
  struct {
    ULONG LowPart;
    LONG HighPart;
  };
  struct {
    ULONG LowPart;
    LONG HighPart;
  } u;
  LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
  struct {
    ULONG LowPart;
    ULONG HighPart;
  };
  struct {
    ULONG LowPart;
    ULONG HighPart;
  } u;
  ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

_Static_assert(sizeof(LARGE_INTEGER) == 8 && _Alignof(LARGE_INTEGER) == 8, "LARGE_INTEGER is 8 bytes, 8-aligned");

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

/* Counted strings (Length and MaximumLength in bytes) */
typedef struct _UNICODE_STRING {
  USHORT Length;
  USHORT MaximumLength;
  PWCH Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

#define UNICODE_NULL ((WCHAR)0)
#define ANSI_NULL ((CHAR)0)
#define UNICODE_STRING_MAX_BYTES ((USHORT)65534)

/* RTL_CONSTANT_STRING(L"...") initialises a UNICODE_STRING from a literal at compile time. */
#define RTL_CONSTANT_STRING(s) { sizeof(s) - sizeof((s)[0]), sizeof(s), (PWCH)(s) }
#define DECLARE_CONST_UNICODE_STRING(_var, _string) \
  const WCHAR _var##_buffer[] = _string;            \
  const UNICODE_STRING _var = { sizeof(_string) - sizeof(WCHAR), sizeof(_string), (PWCH)_var##_buffer }
#define DECLARE_UNICODE_STRING_SIZE(_var, _size) \
  WCHAR _var##_buffer[_size];                    \
  UNICODE_STRING _var = { 0, (_size) * sizeof(WCHAR), _var##_buffer }

/* Doubly and singly linked lists (the routines are in dv/list.h) */
typedef struct _LIST_ENTRY {
  struct _LIST_ENTRY *Flink;
  struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY, *PRLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
  struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

/* Objects the kernel keeps opaque to drivers */
typedef struct _CLIENT_ID *PCLIENT_ID;
typedef PVOID PSECURITY_DESCRIPTOR;

/* Object attributes: how ZwOpenKey, ZwCreateKey (and the other Zw routines) name an object. */
typedef struct _OBJECT_ATTRIBUTES {
  ULONG Length;
  HANDLE RootDirectory;
  PUNICODE_STRING ObjectName;
  ULONG Attributes;
  PVOID SecurityDescriptor;
  PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;
typedef const OBJECT_ATTRIBUTES *PCOBJECT_ATTRIBUTES;

#define OBJ_INHERIT 0x00000002L
#define OBJ_PERMANENT 0x00000010L
#define OBJ_EXCLUSIVE 0x00000020L
#define OBJ_CASE_INSENSITIVE 0x00000040L
#define OBJ_OPENIF 0x00000080L
#define OBJ_OPENLINK 0x00000100L
#define OBJ_KERNEL_HANDLE 0x00000200L
#define OBJ_FORCE_ACCESS_CHECK 0x00000400L
#define OBJ_IGNORE_IMPERSONATED_DEVICEMAP 0x00000800L
#define OBJ_DONT_REPARSE 0x00001000L
#define OBJ_VALID_ATTRIBUTES 0x00001FF2L

#define InitializeObjectAttributes(p, n, a, r, s) \
  do {                                            \
    (p)->Length = sizeof(OBJECT_ATTRIBUTES);      \
    (p)->RootDirectory = (r);                     \
    (p)->Attributes = (a);                        \
    (p)->ObjectName = (n);                        \
    (p)->SecurityDescriptor = (s);                \
    (p)->SecurityQualityOfService = NULL;         \
  } while (0)

#define RTL_CONSTANT_OBJECT_ATTRIBUTES(n, a) { sizeof(OBJECT_ATTRIBUTES), NULL, (PUNICODE_STRING)(n), (a), NULL, NULL }
#define RTL_INIT_OBJECT_ATTRIBUTES(n, a) RTL_CONSTANT_OBJECT_ATTRIBUTES(n, a)

/* Helpers */
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#define RTL_SIZEOF_THROUGH_FIELD(type, field) (FIELD_OFFSET(type, field) + RTL_FIELD_SIZE(type, field))
#define RTL_NUMBER_OF(A) (sizeof(A) / sizeof((A)[0]))
#define ARRAYSIZE(A) RTL_NUMBER_OF(A)
#define CONTAINING_RECORD(address, type, field) ((type *)((PCHAR)(address) - (ULONG_PTR)(&((type *)0)->field)))
#define ARGUMENT_PRESENT(ArgumentPointer) ((CHAR *)((ULONG_PTR)(ArgumentPointer)) != (CHAR *)NULL)
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#define ALIGN_DOWN_BY(length, alignment) ((ULONG_PTR)(length) & ~((ULONG_PTR)(alignment) - 1))
#define ALIGN_UP_BY(length, alignment) (ALIGN_DOWN_BY(((ULONG_PTR)(length) + (alignment) - 1), alignment))
#define ALIGN_DOWN_POINTER_BY(address, alignment) ((PVOID)ALIGN_DOWN_BY(address, alignment))
#define ALIGN_UP_POINTER_BY(address, alignment) ((PVOID)ALIGN_UP_BY(address, alignment))
#define MEMORY_ALLOCATION_ALIGNMENT 8
#ifndef NOMINMAX
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif
#define ANYSIZE_ARRAY 1

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)
#define NT_INFORMATION(Status) ((((ULONG)(Status)) >> 30) == 1)
#define NT_WARNING(Status) ((((ULONG)(Status)) >> 30) == 2)
#define NT_ERROR(Status) ((((ULONG)(Status)) >> 30) == 3)

#ifndef DBG
#define DBG 0
#endif

/* Assertions are checked-build only (no RtlAssert in this kernel). */
#define ASSERT(exp) ((void)0)
#define ASSERTMSG(msg, exp) ((void)0)
#define NT_ASSERT(exp) ((void)0)
#define NT_ASSERTMSG(msg, exp) ((void)0)
#define NT_VERIFY(exp) ((void)(exp))

/* Code placement is a linker matter on Windows; everything is resident here. */
#define PAGED_CODE() ((void)0)
#define PAGED_CODE_LOCKED() ((void)0)
#define INIT_CODE() ((void)0)

#endif /* DV_NTDEF_H */
