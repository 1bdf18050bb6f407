/*
 * <wdfcommonbuffer.h>: common buffers (WDFCOMMONBUFFER): memory both the driver and its bus-master
 * device address, from the enabler's adapter (AllocateCommonBuffer), freed with the object
 * (src/wdf/dma-enabler.ts).
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFCOMMONBUFFER_H_
#define _WDFCOMMONBUFFER_H_

EXTERN_C_START

typedef struct _WDF_COMMON_BUFFER_CONFIG {
  ULONG Size;
  ULONG AlignmentRequirement;
} WDF_COMMON_BUFFER_CONFIG, *PWDF_COMMON_BUFFER_CONFIG;

FORCEINLINE VOID WDF_COMMON_BUFFER_CONFIG_INIT(PWDF_COMMON_BUFFER_CONFIG Config, ULONG AlignmentRequirement) {
  RtlZeroMemory(Config, sizeof(WDF_COMMON_BUFFER_CONFIG));
  Config->Size = sizeof(WDF_COMMON_BUFFER_CONFIG);
  Config->AlignmentRequirement = AlignmentRequirement;
}

/* PASSIVE_LEVEL. The enabler is always the parent. */
WDF_IMPORT(WdfCommonBufferCreate)
NTSTATUS WdfCommonBufferCreate(WDFDMAENABLER DmaEnabler, size_t Length, PWDF_OBJECT_ATTRIBUTES Attributes, WDFCOMMONBUFFER *CommonBuffer);

/* AlignmentRequirement: a FILE_xxx_ALIGNMENT mask below a page. */
WDF_IMPORT(WdfCommonBufferCreateWithConfig)
NTSTATUS WdfCommonBufferCreateWithConfig(WDFDMAENABLER DmaEnabler, size_t Length, PWDF_COMMON_BUFFER_CONFIG Config,
                                         PWDF_OBJECT_ATTRIBUTES Attributes, WDFCOMMONBUFFER *CommonBuffer);

WDF_IMPORT(WdfCommonBufferGetAlignedVirtualAddress)
PVOID WdfCommonBufferGetAlignedVirtualAddress(WDFCOMMONBUFFER CommonBuffer);

WDF_IMPORT(WdfCommonBufferGetAlignedLogicalAddress)
PHYSICAL_ADDRESS WdfCommonBufferGetAlignedLogicalAddress(WDFCOMMONBUFFER CommonBuffer);

WDF_IMPORT(WdfCommonBufferGetLength)
size_t WdfCommonBufferGetLength(WDFCOMMONBUFFER CommonBuffer);

EXTERN_C_END

#endif /* _WDFCOMMONBUFFER_H_ */
