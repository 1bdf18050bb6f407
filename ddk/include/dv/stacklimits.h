/*
 * dv/stacklimits.h - the current thread's kernel stack (src/kernel/io/stack-limits.ts): its initial
 * base, its limits and what is left of it.
 */
#ifndef DV_STACKLIMITS_H
#define DV_STACKLIMITS_H

DDI_IMPORT(IoGetInitialStack) PVOID NTAPI IoGetInitialStack(VOID);
DDI_IMPORT(IoGetStackLimits) VOID NTAPI IoGetStackLimits(_Out_ PULONG_PTR LowLimit, _Out_ PULONG_PTR HighLimit);
DDI_IMPORT(IoGetRemainingStackSize) ULONG_PTR NTAPI IoGetRemainingStackSize(VOID);

#endif
