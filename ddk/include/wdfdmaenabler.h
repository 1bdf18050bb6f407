/*
 * <wdfdmaenabler.h>: DMA enablers (WDFDMAENABLER): a bus-master device's DMA adapter, taken from the
 * kernel (IoGetDmaAdapter for the device's PDO) with a profile (packet or scatter/gather, 32 or 64-bit
 * addresses) and a maximum transfer length (src/wdf/dma-enabler.ts). System-mode profiles are not done.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFDMAENABLER_H_
#define _WDFDMAENABLER_H_

EXTERN_C_START

typedef enum _WDF_DMA_PROFILE {
  WdfDmaProfileInvalid = 0,
  WdfDmaProfilePacket,
  WdfDmaProfileScatterGather,
  WdfDmaProfilePacket64,
  WdfDmaProfileScatterGather64,
  WdfDmaProfileScatterGatherDuplex,
  WdfDmaProfileScatterGather64Duplex,
  WdfDmaProfileSystem,
  WdfDmaProfileSystemDuplex,
} WDF_DMA_PROFILE;

typedef enum _WDF_DMA_DIRECTION {
  WdfDmaDirectionReadFromDevice = FALSE,
  WdfDmaDirectionWriteToDevice = TRUE,
} WDF_DMA_DIRECTION;

#define WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS ((ULONG)-1)

typedef NTSTATUS EVT_WDF_DMA_ENABLER_FILL(WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_FILL *PFN_WDF_DMA_ENABLER_FILL;
typedef NTSTATUS EVT_WDF_DMA_ENABLER_FLUSH(WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_FLUSH *PFN_WDF_DMA_ENABLER_FLUSH;
typedef NTSTATUS EVT_WDF_DMA_ENABLER_ENABLE(WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_ENABLE *PFN_WDF_DMA_ENABLER_ENABLE;
typedef NTSTATUS EVT_WDF_DMA_ENABLER_DISABLE(WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_DISABLE *PFN_WDF_DMA_ENABLER_DISABLE;
typedef VOID EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_START(WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_START *PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_START;
typedef VOID EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP(WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP *PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP;

typedef struct _WDF_DMA_ENABLER_CONFIG {
  ULONG Size;
  WDF_DMA_PROFILE Profile;
  size_t MaximumLength;
  PFN_WDF_DMA_ENABLER_FILL EvtDmaEnablerFill;
  PFN_WDF_DMA_ENABLER_FLUSH EvtDmaEnablerFlush;
  PFN_WDF_DMA_ENABLER_DISABLE EvtDmaEnablerDisable;
  PFN_WDF_DMA_ENABLER_ENABLE EvtDmaEnablerEnable;
  PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_START EvtDmaEnablerSelfManagedIoStart;
  PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP EvtDmaEnablerSelfManagedIoStop;
  ULONG AddressWidthOverride;
  ULONG WdmDmaVersionOverride;
  ULONG Flags;
} WDF_DMA_ENABLER_CONFIG, *PWDF_DMA_ENABLER_CONFIG;

FORCEINLINE VOID WDF_DMA_ENABLER_CONFIG_INIT(PWDF_DMA_ENABLER_CONFIG Config, WDF_DMA_PROFILE Profile, size_t MaximumLength) {
  RtlZeroMemory(Config, sizeof(WDF_DMA_ENABLER_CONFIG));
  Config->Size = sizeof(WDF_DMA_ENABLER_CONFIG);
  Config->Profile = Profile;
  Config->MaximumLength = MaximumLength;
}

/* PASSIVE_LEVEL. The device is always the parent. */
WDF_IMPORT(WdfDmaEnablerCreate)
NTSTATUS WdfDmaEnablerCreate(WDFDEVICE Device, PWDF_DMA_ENABLER_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes, WDFDMAENABLER *DmaEnablerHandle);

WDF_IMPORT(WdfDmaEnablerGetMaximumLength)
size_t WdfDmaEnablerGetMaximumLength(WDFDMAENABLER DmaEnabler);

WDF_IMPORT(WdfDmaEnablerGetMaximumScatterGatherElements)
size_t WdfDmaEnablerGetMaximumScatterGatherElements(WDFDMAENABLER DmaEnabler);

WDF_IMPORT(WdfDmaEnablerSetMaximumScatterGatherElements)
VOID WdfDmaEnablerSetMaximumScatterGatherElements(WDFDMAENABLER DmaEnabler, size_t MaximumFragments);

WDF_IMPORT(WdfDmaEnablerWdmGetDmaAdapter)
PDMA_ADAPTER WdfDmaEnablerWdmGetDmaAdapter(WDFDMAENABLER DmaEnabler, WDF_DMA_DIRECTION DmaDirection);

EXTERN_C_END

#endif /* _WDFDMAENABLER_H_ */
