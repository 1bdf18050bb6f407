/*
 * purecall.c - a call through a vtable slot of a pure virtual function. clang's C++ ABI fills the
 * slot with __cxa_pure_virtual; MSVC's with _purecall, which WDK drivers sometimes define themselves
 * (the AVStream samples' purecall.c returns 0). So __cxa_pure_virtual calls _purecall, and ours is
 * weak: a driver's own wins. Ours fails fast, as the CRT's _purecall ends in abort(): a fail-fast in
 * kernel mode is bug check 0x139 with the fail-fast code (FAST_FAIL_FATAL_APP_EXIT) as Parameter 1.
 * dv build links this file only into images whose vtables have a pure virtual slot.
 */
#include <wdm.h>

__attribute__((weak)) int __cdecl _purecall(void) {
  KeBugCheckEx(KERNEL_SECURITY_CHECK_FAILURE, FAST_FAIL_FATAL_APP_EXIT, 0, 0, 0);
}

void __cxa_pure_virtual(void) {
  _purecall();
}
