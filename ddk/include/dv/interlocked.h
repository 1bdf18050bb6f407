/*
 * dv/interlocked.h - the Interlocked* routines, as wdm.h defines them: macros over the compiler's
 * _Interlocked* intrinsics (<intrin.h>). The simulated machine runs one processor and switches
 * threads only inside DDIs, so a plain read-modify-write is already indivisible here, and the
 * Acquire/Release/NoFence forms are the same operation.
 */
#ifndef DV_INTERLOCKED_H
#define DV_INTERLOCKED_H

#include <intrin.h>

#define InterlockedIncrement _InterlockedIncrement
#define InterlockedDecrement _InterlockedDecrement
#define InterlockedExchange _InterlockedExchange
#define InterlockedExchangeAdd _InterlockedExchangeAdd
#define InterlockedAdd(Addend, Value) (_InterlockedExchangeAdd((Addend), (Value)) + (Value))
#define InterlockedExchangeSubtract(Addend, Value) ((ULONG)_InterlockedExchangeAdd((volatile LONG *)(Addend), -(LONG)(Value)))
#define InterlockedCompareExchange _InterlockedCompareExchange
#define InterlockedOr _InterlockedOr
#define InterlockedAnd _InterlockedAnd
#define InterlockedXor _InterlockedXor
#define InterlockedOr8 _InterlockedOr8
#define InterlockedAnd8 _InterlockedAnd8
#define InterlockedXor8 _InterlockedXor8
#define InterlockedExchange8 _InterlockedExchange8
#define InterlockedCompareExchange8 _InterlockedCompareExchange8
#define InterlockedIncrement16 _InterlockedIncrement16
#define InterlockedDecrement16 _InterlockedDecrement16
#define InterlockedExchange16 _InterlockedExchange16
#define InterlockedCompareExchange16 _InterlockedCompareExchange16
#define InterlockedOr16 _InterlockedOr16
#define InterlockedAnd16 _InterlockedAnd16
#define InterlockedXor16 _InterlockedXor16
#define InterlockedIncrement64 _InterlockedIncrement64
#define InterlockedDecrement64 _InterlockedDecrement64
#define InterlockedExchange64 _InterlockedExchange64
#define InterlockedExchangeAdd64 _InterlockedExchangeAdd64
#define InterlockedAdd64(Addend, Value) (_InterlockedExchangeAdd64((Addend), (Value)) + (Value))
#define InterlockedCompareExchange64 _InterlockedCompareExchange64
#define InterlockedOr64 _InterlockedOr64
#define InterlockedAnd64 _InterlockedAnd64
#define InterlockedXor64 _InterlockedXor64
#define InterlockedExchangePointer _InterlockedExchangePointer
#define InterlockedCompareExchangePointer _InterlockedCompareExchangePointer
/* Returns the bit's previous value. */
#define InterlockedBitTestAndSet _interlockedbittestandset
#define InterlockedBitTestAndReset _interlockedbittestandreset
#define InterlockedBitTestAndComplement(Base, Bit) \
  ((BOOLEAN)((_InterlockedXor((Base), (LONG)(1UL << (Bit))) >> (Bit)) & 1))

#define InterlockedIncrementNoFence InterlockedIncrement
#define InterlockedDecrementNoFence InterlockedDecrement
#define InterlockedIncrementAcquire InterlockedIncrement
#define InterlockedIncrementRelease InterlockedIncrement
#define InterlockedDecrementAcquire InterlockedDecrement
#define InterlockedDecrementRelease InterlockedDecrement
#define InterlockedExchangeNoFence InterlockedExchange
#define InterlockedExchangeAcquire InterlockedExchange
#define InterlockedExchangeNoFence64 InterlockedExchange64
#define InterlockedExchangeAcquire64 InterlockedExchange64
#define InterlockedCompareExchangeAcquire InterlockedCompareExchange
#define InterlockedCompareExchangeRelease InterlockedCompareExchange
#define InterlockedCompareExchangeNoFence InterlockedCompareExchange
#define InterlockedCompareExchangeAcquire64 InterlockedCompareExchange64
#define InterlockedCompareExchangeRelease64 InterlockedCompareExchange64
#define InterlockedCompareExchangeNoFence64 InterlockedCompareExchange64
#define InterlockedExchangePointerAcquire InterlockedExchangePointer
#define InterlockedExchangePointerNoFence InterlockedExchangePointer
#define InterlockedCompareExchangePointerAcquire InterlockedCompareExchangePointer
#define InterlockedCompareExchangePointerRelease InterlockedCompareExchangePointer
#define InterlockedCompareExchangePointerNoFence InterlockedCompareExchangePointer
#define InterlockedOrNoFence InterlockedOr
#define InterlockedOrAcquire InterlockedOr
#define InterlockedOrRelease InterlockedOr
#define InterlockedAndNoFence InterlockedAnd
#define InterlockedAndAcquire InterlockedAnd
#define InterlockedAndRelease InterlockedAnd
#define InterlockedIncrementSizeT(a) ((SIZE_T)InterlockedIncrement((volatile LONG *)(a)))
#define InterlockedDecrementSizeT(a) ((SIZE_T)InterlockedDecrement((volatile LONG *)(a)))
#define InterlockedExchangeAddSizeT(a, b) ((SIZE_T)InterlockedExchangeAdd((volatile LONG *)(a), (LONG)(b)))

#define KeMemoryBarrier() _ReadWriteBarrier()
#define KeMemoryBarrierWithoutFence() _ReadWriteBarrier()
#define YieldProcessor() ((void)0)
#define MemoryBarrier() _ReadWriteBarrier()
#define PreFetchCacheLine(l, a) ((void)(a))
#define PrefetchForWrite(p) ((void)(p))
#define ReadForWriteAccess(p) (*(p))

/* Plain accesses that the memory model keeps whole: ReadNoFence and friends */
#define DV_READ(T, Name) \
  FORCEINLINE T Name(_In_ _Interlocked_operand_ T const volatile *Source) { return *Source; }
#define DV_WRITE(T, Name) \
  FORCEINLINE void Name(_Out_ _Interlocked_operand_ T volatile *Destination, _In_ T Value) { *Destination = Value; }
DV_READ(CHAR, ReadNoFence8)
DV_READ(SHORT, ReadNoFence16)
DV_READ(LONG, ReadNoFence)
DV_READ(LONG64, ReadNoFence64)
DV_READ(BOOLEAN, ReadBooleanNoFence)
DV_READ(UCHAR, ReadUCharNoFence)
DV_READ(USHORT, ReadUShortNoFence)
DV_READ(ULONG, ReadULongNoFence)
DV_READ(ULONG64, ReadULong64NoFence)
DV_READ(LONG, ReadAcquire)
DV_READ(LONG64, ReadAcquire64)
DV_READ(ULONG, ReadULongAcquire)
DV_READ(LONG, ReadRaw)
DV_WRITE(CHAR, WriteNoFence8)
DV_WRITE(SHORT, WriteNoFence16)
DV_WRITE(LONG, WriteNoFence)
DV_WRITE(LONG64, WriteNoFence64)
DV_WRITE(BOOLEAN, WriteBooleanNoFence)
DV_WRITE(UCHAR, WriteUCharNoFence)
DV_WRITE(USHORT, WriteUShortNoFence)
DV_WRITE(ULONG, WriteULongNoFence)
DV_WRITE(ULONG64, WriteULong64NoFence)
DV_WRITE(LONG, WriteRelease)
DV_WRITE(LONG64, WriteRelease64)
DV_WRITE(ULONG, WriteULongRelease)
DV_WRITE(LONG, WriteRaw)
#undef DV_READ
#undef DV_WRITE
FORCEINLINE PVOID ReadPointerNoFence(_In_ PVOID const volatile *Source) {
  return *Source;
}
FORCEINLINE PVOID ReadPointerAcquire(_In_ PVOID const volatile *Source) {
  return *Source;
}
FORCEINLINE void WritePointerNoFence(_Out_ PVOID volatile *Destination, _In_opt_ PVOID Value) {
  *Destination = Value;
}
FORCEINLINE void WritePointerRelease(_Out_ PVOID volatile *Destination, _In_opt_ PVOID Value) {
  *Destination = Value;
}
#define ReadULongPtrNoFence(p) ((ULONG_PTR)ReadULongNoFence((ULONG const volatile *)(p)))
#define WriteULongPtrNoFence(p, v) WriteULongNoFence((ULONG volatile *)(p), (ULONG)(v))
#define ReadSizeTNoFence ReadULongPtrNoFence
#define WriteSizeTNoFence WriteULongPtrNoFence

/* Byte swaps (wdm.h maps the Rtl names onto the intrinsics) */
#define RtlUshortByteSwap(_x) _byteswap_ushort((USHORT)(_x))
#define RtlUlongByteSwap(_x) _byteswap_ulong((_x))
#define RtlUlonglongByteSwap(_x) _byteswap_uint64((_x))

/*
 * __fastfail(code): on Windows, int 29h, which the kernel turns into bug check 0x139
 * (KERNEL_SECURITY_CHECK_FAILURE) with Parameter 1 = code, as the list checks do.
 */
#define __fastfail(Code) KeBugCheckEx(KERNEL_SECURITY_CHECK_FAILURE, (ULONG_PTR)(Code), 0, 0, 0)

#endif /* DV_INTERLOCKED_H */
