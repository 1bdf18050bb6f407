/*
 * dv/mmpages.h - physical pages for drivers (src/kernel/mm/mdl-pages.ts): MmAllocatePagesForMdl(Ex)
 * and MmFreePagesFromMdl, contiguous and noncached memory.
 */
#ifndef DV_MMPAGES_H
#define DV_MMPAGES_H

/* MmAllocatePagesForMdlEx Flags. */
#define MM_DONT_ZERO_ALLOCATION 0x00000001
#define MM_ALLOCATE_FROM_LOCAL_NODE_ONLY 0x00000002
#define MM_ALLOCATE_FULLY_REQUIRED 0x00000004
#define MM_ALLOCATE_NO_WAIT 0x00000008
#define MM_ALLOCATE_PREFER_CONTIGUOUS 0x00000010
#define MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS 0x00000020
#define MM_ALLOCATE_FAST_LARGE_PAGES 0x00000040
#define MM_ALLOCATE_TRIM_IF_NECESSARY 0x00000080
#define MM_ALLOCATE_AND_HOT_REMOVE 0x00000100

/* The pages are nonpaged and locked (MDL_PAGES_LOCKED), not mapped; the MDL may describe fewer bytes than asked. */
DDI_IMPORT(MmAllocatePagesForMdl)
PMDL NTAPI MmAllocatePagesForMdl(_In_ PHYSICAL_ADDRESS LowAddress, _In_ PHYSICAL_ADDRESS HighAddress, _In_ PHYSICAL_ADDRESS SkipBytes,
                                 _In_ SIZE_T TotalBytes);
DDI_IMPORT(MmAllocatePagesForMdlEx)
PMDL NTAPI MmAllocatePagesForMdlEx(_In_ PHYSICAL_ADDRESS LowAddress, _In_ PHYSICAL_ADDRESS HighAddress, _In_ PHYSICAL_ADDRESS SkipBytes,
                                   _In_ SIZE_T TotalBytes, _In_ MEMORY_CACHING_TYPE CacheType, _In_ ULONG Flags);
/* The pages go back; the MDL itself is then freed with ExFreePool. */
DDI_IMPORT(MmFreePagesFromMdl) VOID NTAPI MmFreePagesFromMdl(_Inout_ PMDL MemoryDescriptorList);

DDI_IMPORT(MmAllocateContiguousMemory)
PVOID NTAPI MmAllocateContiguousMemory(_In_ SIZE_T NumberOfBytes, _In_ PHYSICAL_ADDRESS HighestAcceptableAddress);
DDI_IMPORT(MmAllocateContiguousMemorySpecifyCache)
PVOID NTAPI MmAllocateContiguousMemorySpecifyCache(_In_ SIZE_T NumberOfBytes, _In_ PHYSICAL_ADDRESS LowestAcceptableAddress,
                                                   _In_ PHYSICAL_ADDRESS HighestAcceptableAddress,
                                                   _In_opt_ PHYSICAL_ADDRESS BoundaryAddressMultiple, _In_ MEMORY_CACHING_TYPE CacheType);
DDI_IMPORT(MmFreeContiguousMemory) VOID NTAPI MmFreeContiguousMemory(_In_ PVOID BaseAddress);
DDI_IMPORT(MmFreeContiguousMemorySpecifyCache)
VOID NTAPI MmFreeContiguousMemorySpecifyCache(_In_ PVOID BaseAddress, _In_ SIZE_T NumberOfBytes, _In_ MEMORY_CACHING_TYPE CacheType);
DDI_IMPORT(MmAllocateNonCachedMemory) PVOID NTAPI MmAllocateNonCachedMemory(_In_ SIZE_T NumberOfBytes);
DDI_IMPORT(MmFreeNonCachedMemory) VOID NTAPI MmFreeNonCachedMemory(_In_ PVOID BaseAddress, _In_ SIZE_T NumberOfBytes);

#endif /* DV_MMPAGES_H */
