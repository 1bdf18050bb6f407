/*
 * dv/interlocked.h - the Interlocked* intrinsics. The simulated machine runs one processor and
 * switches threads only inside DDIs, so a plain read-modify-write is already indivisible here.
 */
#ifndef DV_INTERLOCKED_H
#define DV_INTERLOCKED_H

FORCEINLINE LONG InterlockedIncrement(_Inout_ volatile LONG *Addend) {
  return ++*Addend;
}

FORCEINLINE LONG InterlockedDecrement(_Inout_ volatile LONG *Addend) {
  return --*Addend;
}

/* Returns the previous value. */
FORCEINLINE LONG InterlockedExchange(_Inout_ volatile LONG *Target, _In_ LONG Value) {
  LONG Old = *Target;
  *Target = Value;
  return Old;
}

FORCEINLINE LONG InterlockedExchangeAdd(_Inout_ volatile LONG *Addend, _In_ LONG Value) {
  LONG Old = *Addend;
  *Addend = Old + Value;
  return Old;
}

FORCEINLINE LONG InterlockedCompareExchange(_Inout_ volatile LONG *Destination, _In_ LONG Exchange, _In_ LONG Comparand) {
  LONG Old = *Destination;
  if (Old == Comparand) *Destination = Exchange;
  return Old;
}

FORCEINLINE LONG InterlockedOr(_Inout_ volatile LONG *Destination, _In_ LONG Value) {
  LONG Old = *Destination;
  *Destination = Old | Value;
  return Old;
}

FORCEINLINE LONG InterlockedAnd(_Inout_ volatile LONG *Destination, _In_ LONG Value) {
  LONG Old = *Destination;
  *Destination = Old & Value;
  return Old;
}

FORCEINLINE PVOID InterlockedExchangePointer(_Inout_ PVOID volatile *Target, _In_opt_ PVOID Value) {
  PVOID Old = *Target;
  *Target = Value;
  return Old;
}

FORCEINLINE PVOID InterlockedCompareExchangePointer(_Inout_ PVOID volatile *Destination, _In_opt_ PVOID Exchange,
                                                    _In_opt_ PVOID Comparand) {
  PVOID Old = *Destination;
  if (Old == Comparand) *Destination = Exchange;
  return Old;
}

FORCEINLINE LONGLONG InterlockedIncrement64(_Inout_ volatile LONGLONG *Addend) {
  return ++*Addend;
}

FORCEINLINE LONGLONG InterlockedDecrement64(_Inout_ volatile LONGLONG *Addend) {
  return --*Addend;
}

#define InterlockedIncrementNoFence InterlockedIncrement
#define InterlockedDecrementNoFence InterlockedDecrement
#define InterlockedIncrementAcquire InterlockedIncrement
#define InterlockedDecrementRelease InterlockedDecrement
#define KeMemoryBarrier() __asm__ __volatile__("" ::: "memory")
#define KeMemoryBarrierWithoutFence() __asm__ __volatile__("" ::: "memory")

#endif /* DV_INTERLOCKED_H */
