/*
 * dv/vdbgprint.h - vDbgPrintEx (src/kernel/rtl/vdbgprint.ts): DbgPrintEx taking a va_list, for a
 * driver's own variadic print helper. Declared in wdm.h in the WDK.
 */
#ifndef DV_VDBGPRINT_H
#define DV_VDBGPRINT_H

DDI_IMPORT(vDbgPrintEx) ULONG NTAPI vDbgPrintEx(_In_ ULONG ComponentId, _In_ ULONG Level, _In_z_ PCCH Format, _In_ va_list arglist);

#endif /* DV_VDBGPRINT_H */
