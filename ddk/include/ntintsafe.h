/*
 * ntintsafe.h - integer arithmetic and conversions that report overflow instead of wrapping.
 *
 * Every routine returns STATUS_SUCCESS with the exact result, or STATUS_INTEGER_OVERFLOW with the
 * result set to the type's _ERROR value (all ones for unsigned types, -1 for signed ones), as the
 * WDK's do. RtlXxxAdd/Sub/Mult exist for each type; RtlXxxToYyy converts between any two of them
 * (the value must be representable in the target). wasm32 is ILP32: LONG, ULONG_PTR and SIZE_T are
 * 32-bit. Built on clang's overflow builtins, which compute in infinite precision.
 */
#ifndef DV_NTINTSAFE_H
#define DV_NTINTSAFE_H

#include <ntdef.h>
#include <ntstatus.h>
#include <limits.h>
#include <stdint.h>

#ifndef INT8_MIN
#define INT8_MIN (-127 - 1)
#endif
#ifndef SHORT_MIN
#define SHORT_MIN (-32768)
#endif
#ifndef INT16_MIN
#define INT16_MIN (-32767 - 1)
#endif
#ifndef INT_MIN
#define INT_MIN (-2147483647 - 1)
#endif
#ifndef INT32_MIN
#define INT32_MIN (-2147483647 - 1)
#endif
#ifndef LONG_MIN
#define LONG_MIN (-2147483647L - 1)
#endif
#ifndef LONGLONG_MIN
#define LONGLONG_MIN (-9223372036854775807LL - 1)
#endif
#ifndef LONG64_MIN
#define LONG64_MIN (-9223372036854775807LL - 1)
#endif
#ifndef INT64_MIN
#define INT64_MIN (-9223372036854775807LL - 1)
#endif
#ifndef LONG_PTR_MIN
#define LONG_PTR_MIN LONG_MIN
#endif
#ifndef INT_PTR_MIN
#define INT_PTR_MIN INT_MIN
#endif
#ifndef SSIZE_T_MIN
#define SSIZE_T_MIN LONG_MIN
#endif
#ifndef INT8_MAX
#define INT8_MAX 127
#endif
#ifndef UINT8_MAX
#define UINT8_MAX 0xffU
#endif
#ifndef BYTE_MAX
#define BYTE_MAX 0xffU
#endif
#ifndef SHORT_MAX
#define SHORT_MAX 32767
#endif
#ifndef INT16_MAX
#define INT16_MAX 32767
#endif
#ifndef USHORT_MAX
#define USHORT_MAX 0xffffU
#endif
#ifndef UINT16_MAX
#define UINT16_MAX 0xffffU
#endif
#ifndef WORD_MAX
#define WORD_MAX 0xffffU
#endif
#ifndef INT_MAX
#define INT_MAX 2147483647
#endif
#ifndef INT32_MAX
#define INT32_MAX 2147483647
#endif
#ifndef UINT_MAX
#define UINT_MAX 0xffffffffU
#endif
#ifndef UINT32_MAX
#define UINT32_MAX 0xffffffffU
#endif
#ifndef LONG_MAX
#define LONG_MAX 2147483647L
#endif
#ifndef ULONG_MAX
#define ULONG_MAX 0xffffffffUL
#endif
#ifndef DWORD_MAX
#define DWORD_MAX 0xffffffffUL
#endif
#ifndef LONGLONG_MAX
#define LONGLONG_MAX 9223372036854775807LL
#endif
#ifndef LONG64_MAX
#define LONG64_MAX 9223372036854775807LL
#endif
#ifndef INT64_MAX
#define INT64_MAX 9223372036854775807LL
#endif
#ifndef ULONGLONG_MAX
#define ULONGLONG_MAX 0xffffffffffffffffULL
#endif
#ifndef DWORDLONG_MAX
#define DWORDLONG_MAX 0xffffffffffffffffULL
#endif
#ifndef ULONG64_MAX
#define ULONG64_MAX 0xffffffffffffffffULL
#endif
#ifndef DWORD64_MAX
#define DWORD64_MAX 0xffffffffffffffffULL
#endif
#ifndef UINT64_MAX
#define UINT64_MAX 0xffffffffffffffffULL
#endif
#ifndef LONG_PTR_MAX
#define LONG_PTR_MAX LONG_MAX
#endif
#ifndef ULONG_PTR_MAX
#define ULONG_PTR_MAX ULONG_MAX
#endif
#ifndef INT_PTR_MAX
#define INT_PTR_MAX INT_MAX
#endif
#ifndef UINT_PTR_MAX
#define UINT_PTR_MAX UINT_MAX
#endif
#ifndef DWORD_PTR_MAX
#define DWORD_PTR_MAX ULONG_MAX
#endif
#ifndef SIZE_T_MAX
#define SIZE_T_MAX ULONG_MAX
#endif
#ifndef SSIZE_T_MAX
#define SSIZE_T_MAX LONG_MAX
#endif

#define INT8_ERROR (-1)
#define UINT8_ERROR 0xffU
#define BYTE_ERROR 0xffU
#define SHORT_ERROR (-1)
#define INT16_ERROR (-1)
#define USHORT_ERROR 0xffffU
#define UINT16_ERROR 0xffffU
#define WORD_ERROR 0xffffU
#define INT_ERROR (-1)
#define INT32_ERROR (-1)
#define UINT_ERROR 0xffffffffU
#define UINT32_ERROR 0xffffffffU
#define LONG_ERROR (-1L)
#define ULONG_ERROR 0xffffffffUL
#define DWORD_ERROR 0xffffffffUL
#define LONGLONG_ERROR (-1LL)
#define LONG64_ERROR (-1LL)
#define INT64_ERROR (-1LL)
#define ULONGLONG_ERROR 0xffffffffffffffffULL
#define DWORDLONG_ERROR 0xffffffffffffffffULL
#define ULONG64_ERROR 0xffffffffffffffffULL
#define DWORD64_ERROR 0xffffffffffffffffULL
#define UINT64_ERROR 0xffffffffffffffffULL
#define LONG_PTR_ERROR (-1L)
#define ULONG_PTR_ERROR 0xffffffffUL
#define INT_PTR_ERROR (-1)
#define UINT_PTR_ERROR 0xffffffffU
#define DWORD_PTR_ERROR 0xffffffffUL
#define SIZE_T_ERROR 0xffffffffUL
#define SSIZE_T_ERROR (-1L)

/* The types, as X(Name in the routine names, C type, error value). One list, used twice below. */
#define DV_INTSAFE_TYPES(X, ...)                          \
  X(__VA_ARGS__, Int8, INT8, INT8_ERROR)                  \
  X(__VA_ARGS__, UInt8, UINT8, UINT8_ERROR)               \
  X(__VA_ARGS__, Byte, BYTE, BYTE_ERROR)                  \
  X(__VA_ARGS__, UChar, UCHAR, UINT8_ERROR)               \
  X(__VA_ARGS__, Short, SHORT, SHORT_ERROR)               \
  X(__VA_ARGS__, Int16, INT16, INT16_ERROR)               \
  X(__VA_ARGS__, UShort, USHORT, USHORT_ERROR)            \
  X(__VA_ARGS__, UInt16, UINT16, UINT16_ERROR)            \
  X(__VA_ARGS__, Word, WORD, WORD_ERROR)                  \
  X(__VA_ARGS__, Int, INT, INT_ERROR)                     \
  X(__VA_ARGS__, Int32, INT32, INT32_ERROR)               \
  X(__VA_ARGS__, UInt, UINT, UINT_ERROR)                  \
  X(__VA_ARGS__, UInt32, UINT32, UINT32_ERROR)            \
  X(__VA_ARGS__, Long, LONG, LONG_ERROR)                  \
  X(__VA_ARGS__, ULong, ULONG, ULONG_ERROR)               \
  X(__VA_ARGS__, DWord, DWORD, DWORD_ERROR)               \
  X(__VA_ARGS__, LongLong, LONGLONG, LONGLONG_ERROR)      \
  X(__VA_ARGS__, Long64, LONG64, LONG64_ERROR)            \
  X(__VA_ARGS__, Int64, INT64, INT64_ERROR)               \
  X(__VA_ARGS__, ULongLong, ULONGLONG, ULONGLONG_ERROR)   \
  X(__VA_ARGS__, DWordLong, ULONGLONG, DWORDLONG_ERROR)   \
  X(__VA_ARGS__, ULong64, ULONG64, ULONG64_ERROR)         \
  X(__VA_ARGS__, DWord64, DWORD64, DWORD64_ERROR)         \
  X(__VA_ARGS__, UInt64, UINT64, UINT64_ERROR)            \
  X(__VA_ARGS__, LongPtr, LONG_PTR, LONG_PTR_ERROR)       \
  X(__VA_ARGS__, ULongPtr, ULONG_PTR, ULONG_PTR_ERROR)    \
  X(__VA_ARGS__, IntPtr, INT_PTR, INT_PTR_ERROR)          \
  X(__VA_ARGS__, UIntPtr, UINT_PTR, UINT_PTR_ERROR)       \
  X(__VA_ARGS__, DWordPtr, DWORD_PTR, DWORD_PTR_ERROR)    \
  X(__VA_ARGS__, SizeT, SIZE_T, SIZE_T_ERROR)             \
  X(__VA_ARGS__, SSIZET, SSIZE_T, SSIZE_T_ERROR)
/*
 * The conversions need the list inside its own expansion; a macro cannot expand itself, so the inner
 * use is deferred (named through DV_INTSAFE_TYPES_AGAIN, expanded by one more DV_INTSAFE_EXPAND).
 */
#define DV_INTSAFE_EMPTY()
#define DV_INTSAFE_TYPES_AGAIN() DV_INTSAFE_TYPES
#define DV_INTSAFE_EXPAND(...) __VA_ARGS__

#define DV_INTSAFE_OP(Name, T, Err, Op, Builtin)                                      \
  FORCEINLINE NTSTATUS Rtl##Name##Op(_In_ T Augend, _In_ T Addend, _Out_ T *Result) { \
    if (Builtin(Augend, Addend, Result)) {                                            \
      *Result = (T)(Err);                                                             \
      return STATUS_INTEGER_OVERFLOW;                                                 \
    }                                                                                 \
    return STATUS_SUCCESS;                                                            \
  }
#define DV_INTSAFE_ARITH(_, Name, T, Err)                          \
  DV_INTSAFE_OP(Name, T, Err, Add, __builtin_add_overflow)         \
  DV_INTSAFE_OP(Name, T, Err, Sub, __builtin_sub_overflow)         \
  DV_INTSAFE_OP(Name, T, Err, Mult, __builtin_mul_overflow)
DV_INTSAFE_TYPES(DV_INTSAFE_ARITH, _)

#define DV_INTSAFE_CONVERT(Src, SrcT, SrcErr, Dst, DstT, DstErr)                 \
  FORCEINLINE NTSTATUS Rtl##Src##To##Dst(_In_ SrcT Operand, _Out_ DstT *Result) { \
    if (__builtin_add_overflow(Operand, (SrcT)0, Result)) {                       \
      *Result = (DstT)(DstErr);                                                   \
      return STATUS_INTEGER_OVERFLOW;                                             \
    }                                                                             \
    return STATUS_SUCCESS;                                                        \
  }
#define DV_INTSAFE_FROM(_, From, FromT, FromErr) DV_INTSAFE_TYPES_AGAIN DV_INTSAFE_EMPTY()()(DV_INTSAFE_CONVERT, From, FromT, FromErr)
DV_INTSAFE_EXPAND(DV_INTSAFE_TYPES(DV_INTSAFE_FROM, _))

#endif /* DV_NTINTSAFE_H */
