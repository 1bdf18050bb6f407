/*
 * winddi.h - the engine routines of graphics drivers. On Windows they come from win32k; the
 * simulated kernel has no win32k and exports them itself, so they are ntoskrnl imports here.
 * The memory is session pool: nonpaged with FL_NONPAGED_MEMORY, else paged.
 */
#ifndef DV_WINDDI_H
#define DV_WINDDI_H

#include <ntdef.h>
EXTERN_C_START /* C linkage for C++ drivers; its end is at the end of the file */
#define APIENTRY

#define FL_ZERO_MEMORY 0x00000001
#define FL_NONPAGED_MEMORY 0x00000002
#define FL_NON_SESSION 0x00000004

DDI_IMPORT(EngAllocMem) PVOID APIENTRY EngAllocMem(_In_ ULONG Flags, _In_ ULONG MemSize, _In_ ULONG Tag);
DDI_IMPORT(EngFreeMem) VOID APIENTRY EngFreeMem(_In_ _Post_ptr_invalid_ PVOID Mem);

EXTERN_C_END

#endif /* DV_WINDDI_H */
