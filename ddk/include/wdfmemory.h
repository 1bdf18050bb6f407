/* <wdfmemory.h>: WDFMEMORY objects: buffers the framework tracks (and frees with their parent). */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFMEMORY_H_
#define _WDFMEMORY_H_

EXTERN_C_START

WDF_IMPORT(WdfMemoryCreate)
NTSTATUS WdfMemoryCreate(PWDF_OBJECT_ATTRIBUTES Attributes, POOL_TYPE PoolType, ULONG PoolTag, size_t BufferSize, WDFMEMORY *Memory,
                         PVOID *Buffer);

WDF_IMPORT(WdfMemoryCreatePreallocated)
NTSTATUS WdfMemoryCreatePreallocated(PWDF_OBJECT_ATTRIBUTES Attributes, PVOID Buffer, size_t BufferSize, WDFMEMORY *Memory);

WDF_IMPORT(WdfMemoryGetBuffer)
PVOID WdfMemoryGetBuffer(WDFMEMORY Memory, size_t *BufferSize);

WDF_IMPORT(WdfMemoryCopyToBuffer)
NTSTATUS WdfMemoryCopyToBuffer(WDFMEMORY SourceMemory, size_t SourceOffset, PVOID Buffer, size_t NumBytesToCopyTo);

WDF_IMPORT(WdfMemoryCopyFromBuffer)
NTSTATUS WdfMemoryCopyFromBuffer(WDFMEMORY DestinationMemory, size_t DestinationOffset, PVOID Buffer, size_t NumBytesToCopyFrom);

/* Preallocated memory only (WdfMemoryCreatePreallocated); any other: STATUS_INVALID_DEVICE_REQUEST. */
WDF_IMPORT(WdfMemoryAssignBuffer)
NTSTATUS WdfMemoryAssignBuffer(WDFMEMORY Memory, PVOID Buffer, size_t BufferSize);

/* WDFLOOKASIDE: fixed-size buffers from a kernel lookaside list, each handed out as a WDFMEMORY. */
WDF_IMPORT(WdfLookasideListCreate)
NTSTATUS WdfLookasideListCreate(PWDF_OBJECT_ATTRIBUTES LookasideAttributes, size_t BufferSize, POOL_TYPE PoolType,
                                PWDF_OBJECT_ATTRIBUTES MemoryAttributes, ULONG PoolTag, WDFLOOKASIDE *Lookaside);

WDF_IMPORT(WdfMemoryCreateFromLookaside)
NTSTATUS WdfMemoryCreateFromLookaside(WDFLOOKASIDE Lookaside, WDFMEMORY *Memory);

EXTERN_C_END

#endif /* _WDFMEMORY_H_ */
