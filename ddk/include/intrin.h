/*
 * intrin.h - the MSVC compiler intrinsics drivers use, for wasm32.
 *
 * clang with -fms-extensions already knows some as builtins on every target: _InterlockedIncrement,
 * _InterlockedDecrement, _InterlockedExchange, _InterlockedExchangeAdd, _InterlockedCompareExchange,
 * _InterlockedOr/And/Xor (and their 8- and 16-bit forms), _InterlockedCompareExchange64, the Pointer
 * forms, _bittest and friends, _rotl/_rotr/_rotl64/_rotr64/_lrotl/_lrotr, and __debugbreak, which
 * wdm.h makes DbgBreakPoint (dv/dbg.h): clang's builtin is a wasm trap. The rest -
 * the x86/x64-only ones - are here as static inline functions. _ReturnAddress() is wdm.h's
 * (dv/callers.h): on wasm it needs the kernel's call stacks. wasm32 has one processor here and no threads switch inside driver
 * code, so a plain read-modify-write is indivisible.
 */
#ifndef DV_INTRIN_H
#define DV_INTRIN_H

#define DV_INTRINSIC static inline __attribute__((always_inline, unused))

/* 64-bit interlocked operations (x64 builtins; built on the 64-bit compare-exchange here) */
DV_INTRINSIC long long _InterlockedExchangeAdd64(long long volatile *Addend, long long Value) {
  long long Old = *Addend;
  *Addend = Old + Value;
  return Old;
}
DV_INTRINSIC long long _InterlockedIncrement64(long long volatile *Addend) {
  return ++*Addend;
}
DV_INTRINSIC long long _InterlockedDecrement64(long long volatile *Addend) {
  return --*Addend;
}
DV_INTRINSIC long long _InterlockedExchange64(long long volatile *Target, long long Value) {
  long long Old = *Target;
  *Target = Value;
  return Old;
}
DV_INTRINSIC long long _InterlockedOr64(long long volatile *Destination, long long Value) {
  long long Old = *Destination;
  *Destination = Old | Value;
  return Old;
}
DV_INTRINSIC long long _InterlockedAnd64(long long volatile *Destination, long long Value) {
  long long Old = *Destination;
  *Destination = Old & Value;
  return Old;
}
DV_INTRINSIC long long _InterlockedXor64(long long volatile *Destination, long long Value) {
  long long Old = *Destination;
  *Destination = Old ^ Value;
  return Old;
}

/* Bit scans: the index of the lowest (Forward) or highest (Reverse) set bit; 0 when Mask is 0. */
DV_INTRINSIC unsigned char _BitScanForward(unsigned long *Index, unsigned long Mask) {
  if (Mask == 0) return 0;
  *Index = (unsigned long)__builtin_ctzl(Mask);
  return 1;
}
DV_INTRINSIC unsigned char _BitScanReverse(unsigned long *Index, unsigned long Mask) {
  if (Mask == 0) return 0;
  *Index = 31ul - (unsigned long)__builtin_clzl(Mask);
  return 1;
}
DV_INTRINSIC unsigned char _BitScanForward64(unsigned long *Index, unsigned long long Mask) {
  if (Mask == 0) return 0;
  *Index = (unsigned long)__builtin_ctzll(Mask);
  return 1;
}
DV_INTRINSIC unsigned char _BitScanReverse64(unsigned long *Index, unsigned long long Mask) {
  if (Mask == 0) return 0;
  *Index = 63ul - (unsigned long)__builtin_clzll(Mask);
  return 1;
}
#if !__has_builtin(__popcnt) /* clang's MS builtin where it has one (C++) */
DV_INTRINSIC unsigned int __popcnt(unsigned int Value) {
  return (unsigned int)__builtin_popcount(Value);
}
#endif
#if !__has_builtin(__popcnt16) /* clang's MS builtin where it has one (C++) */
DV_INTRINSIC unsigned short __popcnt16(unsigned short Value) {
  return (unsigned short)__builtin_popcount(Value);
}
#endif
#if !__has_builtin(__popcnt64) /* clang's MS builtin where it has one (C++) */
DV_INTRINSIC unsigned long long __popcnt64(unsigned long long Value) {
  return (unsigned long long)__builtin_popcountll(Value);
}
#endif
#if !__has_builtin(__lzcnt) /* clang's MS builtin where it has one (C++) */
DV_INTRINSIC unsigned int __lzcnt(unsigned int Value) {
  return Value == 0 ? 32u : (unsigned int)__builtin_clz(Value);
}
#endif
#if !__has_builtin(__lzcnt64) /* clang's MS builtin where it has one (C++) */
DV_INTRINSIC unsigned long long __lzcnt64(unsigned long long Value) {
  return Value == 0 ? 64u : (unsigned long long)__builtin_clzll(Value);
}
#endif
#if !__has_builtin(_bittest64) /* clang's MS builtin where it has one (C++) */
DV_INTRINSIC unsigned char _bittest64(long long const *Base, long long Offset) {
  return (unsigned char)((*Base >> Offset) & 1);
}
#endif

/* Byte order */
DV_INTRINSIC unsigned short _byteswap_ushort(unsigned short Value) {
  return __builtin_bswap16(Value);
}
DV_INTRINSIC unsigned long _byteswap_ulong(unsigned long Value) {
  return (unsigned long)__builtin_bswap32((unsigned int)Value);
}
DV_INTRINSIC unsigned long long _byteswap_uint64(unsigned long long Value) {
  return __builtin_bswap64(Value);
}

/* String instructions (rep movs / rep stos): Count elements, forward. */
DV_INTRINSIC void __movsb(unsigned char *Destination, unsigned char const *Source, unsigned long Count) {
  __builtin_memmove(Destination, Source, Count);
}
DV_INTRINSIC void __movsw(unsigned short *Destination, unsigned short const *Source, unsigned long Count) {
  __builtin_memmove(Destination, Source, Count * sizeof(unsigned short));
}
DV_INTRINSIC void __movsd(unsigned long *Destination, unsigned long const *Source, unsigned long Count) {
  __builtin_memmove(Destination, Source, Count * sizeof(unsigned long));
}
DV_INTRINSIC void __stosb(unsigned char *Destination, unsigned char Data, unsigned long Count) {
  __builtin_memset(Destination, Data, Count);
}
DV_INTRINSIC void __stosw(unsigned short *Destination, unsigned short Data, unsigned long Count) {
  for (unsigned long i = 0; i < Count; i++) Destination[i] = Data;
}
DV_INTRINSIC void __stosd(unsigned long *Destination, unsigned long Data, unsigned long Count) {
  for (unsigned long i = 0; i < Count; i++) Destination[i] = Data;
}

/* Barriers and spinning: one processor, so compiler barriers are all there is to order. */
#define _ReadWriteBarrier() __asm__ __volatile__("" ::: "memory")
#define _ReadBarrier() _ReadWriteBarrier()
#define _WriteBarrier() _ReadWriteBarrier()
#define _mm_mfence() _ReadWriteBarrier()
#define _mm_lfence() _ReadWriteBarrier()
#define _mm_sfence() _ReadWriteBarrier()
#define __faststorefence() _ReadWriteBarrier()
#define _mm_pause() ((void)0)
#define __nop() ((void)0)
#define __yield() ((void)0)

/*
 * _AddressOfReturnAddress: where the return address would sit, an address in the caller's frame.
 * wasm keeps return addresses out of memory, so this is the frame address: good for what drivers do
 * with it (tell frames apart, compare stack depths), not for reading a code address through it.
 */
#define _AddressOfReturnAddress() __builtin_frame_address(0)

#endif /* DV_INTRIN_H */
