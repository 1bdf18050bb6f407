/*
 * dv/hal.h - what a driver of real hardware uses: device memory mapped into system space and its
 * registers, I/O ports, interrupts, DMA adapters (src/kernel/hal). The register and port accessors are
 * imports, as on x86 where the HAL exports them, so the simulated device sees every access.
 */
#ifndef DV_HAL_H
#define DV_HAL_H

/* --- Device memory --- */

#define PAGE_NOACCESS 0x01
#define PAGE_READONLY 0x02
#define PAGE_READWRITE 0x04
#define PAGE_WRITECOPY 0x08
#define PAGE_EXECUTE 0x10
#define PAGE_EXECUTE_READ 0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_GUARD 0x100
#define PAGE_NOCACHE 0x200
#define PAGE_WRITECOMBINE 0x400

DDI_IMPORT(MmMapIoSpace)
PVOID NTAPI MmMapIoSpace(_In_ PHYSICAL_ADDRESS PhysicalAddress, _In_ SIZE_T NumberOfBytes, _In_ MEMORY_CACHING_TYPE CacheType);
DDI_IMPORT(MmMapIoSpaceEx) PVOID NTAPI MmMapIoSpaceEx(_In_ PHYSICAL_ADDRESS PhysicalAddress, _In_ SIZE_T NumberOfBytes, _In_ ULONG Protect);
DDI_IMPORT(MmUnmapIoSpace) VOID NTAPI MmUnmapIoSpace(_In_reads_bytes_(NumberOfBytes) PVOID BaseAddress, _In_ SIZE_T NumberOfBytes);

DDI_IMPORT(READ_REGISTER_UCHAR) UCHAR NTAPI READ_REGISTER_UCHAR(_In_ volatile UCHAR *Register);
DDI_IMPORT(READ_REGISTER_USHORT) USHORT NTAPI READ_REGISTER_USHORT(_In_ volatile USHORT *Register);
DDI_IMPORT(READ_REGISTER_ULONG) ULONG NTAPI READ_REGISTER_ULONG(_In_ volatile ULONG *Register);
DDI_IMPORT(WRITE_REGISTER_UCHAR) VOID NTAPI WRITE_REGISTER_UCHAR(_In_ volatile UCHAR *Register, _In_ UCHAR Value);
DDI_IMPORT(WRITE_REGISTER_USHORT) VOID NTAPI WRITE_REGISTER_USHORT(_In_ volatile USHORT *Register, _In_ USHORT Value);
DDI_IMPORT(WRITE_REGISTER_ULONG) VOID NTAPI WRITE_REGISTER_ULONG(_In_ volatile ULONG *Register, _In_ ULONG Value);
DDI_IMPORT(READ_REGISTER_BUFFER_UCHAR)
VOID NTAPI READ_REGISTER_BUFFER_UCHAR(_In_ volatile UCHAR *Register, _Out_writes_all_(Count) PUCHAR Buffer, _In_ ULONG Count);
DDI_IMPORT(READ_REGISTER_BUFFER_USHORT)
VOID NTAPI READ_REGISTER_BUFFER_USHORT(_In_ volatile USHORT *Register, _Out_writes_all_(Count) PUSHORT Buffer, _In_ ULONG Count);
DDI_IMPORT(READ_REGISTER_BUFFER_ULONG)
VOID NTAPI READ_REGISTER_BUFFER_ULONG(_In_ volatile ULONG *Register, _Out_writes_all_(Count) PULONG Buffer, _In_ ULONG Count);
DDI_IMPORT(WRITE_REGISTER_BUFFER_UCHAR)
VOID NTAPI WRITE_REGISTER_BUFFER_UCHAR(_In_ volatile UCHAR *Register, _In_reads_(Count) PUCHAR Buffer, _In_ ULONG Count);
DDI_IMPORT(WRITE_REGISTER_BUFFER_USHORT)
VOID NTAPI WRITE_REGISTER_BUFFER_USHORT(_In_ volatile USHORT *Register, _In_reads_(Count) PUSHORT Buffer, _In_ ULONG Count);
DDI_IMPORT(WRITE_REGISTER_BUFFER_ULONG)
VOID NTAPI WRITE_REGISTER_BUFFER_ULONG(_In_ volatile ULONG *Register, _In_reads_(Count) PULONG Buffer, _In_ ULONG Count);

/* --- I/O ports: a space of their own, addressed by port number --- */

DDI_IMPORT(READ_PORT_UCHAR) UCHAR NTAPI READ_PORT_UCHAR(_In_ PUCHAR Port);
DDI_IMPORT(READ_PORT_USHORT) USHORT NTAPI READ_PORT_USHORT(_In_ PUSHORT Port);
DDI_IMPORT(READ_PORT_ULONG) ULONG NTAPI READ_PORT_ULONG(_In_ PULONG Port);
DDI_IMPORT(WRITE_PORT_UCHAR) VOID NTAPI WRITE_PORT_UCHAR(_In_ PUCHAR Port, _In_ UCHAR Value);
DDI_IMPORT(WRITE_PORT_USHORT) VOID NTAPI WRITE_PORT_USHORT(_In_ PUSHORT Port, _In_ USHORT Value);
DDI_IMPORT(WRITE_PORT_ULONG) VOID NTAPI WRITE_PORT_ULONG(_In_ PULONG Port, _In_ ULONG Value);
DDI_IMPORT(READ_PORT_BUFFER_UCHAR) VOID NTAPI READ_PORT_BUFFER_UCHAR(_In_ PUCHAR Port, _Out_writes_all_(Count) PUCHAR Buffer, _In_ ULONG Count);
DDI_IMPORT(READ_PORT_BUFFER_USHORT)
VOID NTAPI READ_PORT_BUFFER_USHORT(_In_ PUSHORT Port, _Out_writes_all_(Count) PUSHORT Buffer, _In_ ULONG Count);
DDI_IMPORT(READ_PORT_BUFFER_ULONG) VOID NTAPI READ_PORT_BUFFER_ULONG(_In_ PULONG Port, _Out_writes_all_(Count) PULONG Buffer, _In_ ULONG Count);
DDI_IMPORT(WRITE_PORT_BUFFER_UCHAR) VOID NTAPI WRITE_PORT_BUFFER_UCHAR(_In_ PUCHAR Port, _In_reads_(Count) PUCHAR Buffer, _In_ ULONG Count);
DDI_IMPORT(WRITE_PORT_BUFFER_USHORT)
VOID NTAPI WRITE_PORT_BUFFER_USHORT(_In_ PUSHORT Port, _In_reads_(Count) PUSHORT Buffer, _In_ ULONG Count);
DDI_IMPORT(WRITE_PORT_BUFFER_ULONG) VOID NTAPI WRITE_PORT_BUFFER_ULONG(_In_ PULONG Port, _In_reads_(Count) PULONG Buffer, _In_ ULONG Count);

/* --- Interrupts --- */

typedef struct _KINTERRUPT *PKINTERRUPT, *PRKINTERRUPT; /* opaque */
typedef struct _IO_INTERRUPT_MESSAGE_INFO *PIO_INTERRUPT_MESSAGE_INFO; /* opaque: no message-signaled interrupts here */
typedef enum _KINTERRUPT_MODE { LevelSensitive, Latched } KINTERRUPT_MODE;

typedef BOOLEAN KSERVICE_ROUTINE(_In_ struct _KINTERRUPT *Interrupt, _In_opt_ PVOID ServiceContext);
typedef KSERVICE_ROUTINE *PKSERVICE_ROUTINE;
typedef BOOLEAN KMESSAGE_SERVICE_ROUTINE(_In_ struct _KINTERRUPT *Interrupt, _In_ PVOID ServiceContext, _In_ ULONG MessageID);
typedef KMESSAGE_SERVICE_ROUTINE *PKMESSAGE_SERVICE_ROUTINE;
typedef BOOLEAN KSYNCHRONIZE_ROUTINE(_In_opt_ PVOID SynchronizeContext);
typedef KSYNCHRONIZE_ROUTINE *PKSYNCHRONIZE_ROUTINE;

#define CONNECT_FULLY_SPECIFIED 0x1
#define CONNECT_LINE_BASED 0x2
#define CONNECT_MESSAGE_BASED 0x3
#define CONNECT_FULLY_SPECIFIED_GROUP 0x4
#define CONNECT_MESSAGE_BASED_PASSIVE 0x5
#define CONNECT_CURRENT_VERSION 0x5

typedef struct _IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS {
  PDEVICE_OBJECT PhysicalDeviceObject;
  PKINTERRUPT *InterruptObject;
  PKSERVICE_ROUTINE ServiceRoutine;
  PVOID ServiceContext;
  PKSPIN_LOCK SpinLock;
  KIRQL SynchronizeIrql;
  BOOLEAN FloatingSave;
  BOOLEAN ShareVector;
  ULONG Vector;
  KIRQL Irql;
  KINTERRUPT_MODE InterruptMode;
  KAFFINITY ProcessorEnableMask;
  USHORT Group;
} IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS, *PIO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS;

typedef struct _IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS {
  PDEVICE_OBJECT PhysicalDeviceObject;
  PKINTERRUPT *InterruptObject;
  PKSERVICE_ROUTINE ServiceRoutine;
  PVOID ServiceContext;
  PKSPIN_LOCK SpinLock;
  KIRQL SynchronizeIrql;
  BOOLEAN FloatingSave;
} IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS, *PIO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS;

typedef struct _IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS {
  PDEVICE_OBJECT PhysicalDeviceObject;
  union {
    PVOID *Generic;
    PIO_INTERRUPT_MESSAGE_INFO *InterruptMessageTable;
    PKINTERRUPT *InterruptObject;
  } ConnectionContext;
  PKMESSAGE_SERVICE_ROUTINE MessageServiceRoutine;
  PVOID ServiceContext;
  PKSPIN_LOCK SpinLock;
  KIRQL SynchronizeIrql;
  BOOLEAN FloatingSave;
  PKSERVICE_ROUTINE FallBackServiceRoutine;
} IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS, *PIO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS;

typedef struct _IO_CONNECT_INTERRUPT_PARAMETERS {
  ULONG Version;
  union {
    IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS FullySpecified;
    IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS LineBased;
    IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS MessageBased;
  };
} IO_CONNECT_INTERRUPT_PARAMETERS, *PIO_CONNECT_INTERRUPT_PARAMETERS;

typedef struct _IO_DISCONNECT_INTERRUPT_PARAMETERS {
  ULONG Version;
  union {
    PVOID Generic;
    PKINTERRUPT InterruptObject;
    PIO_INTERRUPT_MESSAGE_INFO InterruptMessageTable;
  } ConnectionContext;
} IO_DISCONNECT_INTERRUPT_PARAMETERS, *PIO_DISCONNECT_INTERRUPT_PARAMETERS;

DDI_IMPORT(IoConnectInterrupt)
NTSTATUS NTAPI IoConnectInterrupt(_Out_ PKINTERRUPT *InterruptObject, _In_ PKSERVICE_ROUTINE ServiceRoutine, _In_opt_ PVOID ServiceContext,
                                  _In_opt_ PKSPIN_LOCK SpinLock, _In_ ULONG Vector, _In_ KIRQL Irql, _In_ KIRQL SynchronizeIrql,
                                  _In_ KINTERRUPT_MODE InterruptMode, _In_ BOOLEAN ShareVector, _In_ KAFFINITY ProcessorEnableMask,
                                  _In_ BOOLEAN FloatingSave);
DDI_IMPORT(IoConnectInterruptEx) NTSTATUS NTAPI IoConnectInterruptEx(_Inout_ PIO_CONNECT_INTERRUPT_PARAMETERS Parameters);
DDI_IMPORT(IoDisconnectInterrupt) VOID NTAPI IoDisconnectInterrupt(_In_ PKINTERRUPT InterruptObject);
DDI_IMPORT(IoDisconnectInterruptEx) VOID NTAPI IoDisconnectInterruptEx(_In_ PIO_DISCONNECT_INTERRUPT_PARAMETERS Parameters);
DDI_IMPORT(KeSynchronizeExecution)
BOOLEAN NTAPI KeSynchronizeExecution(_Inout_ PKINTERRUPT Interrupt, _In_ PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
                                     _In_opt_ PVOID SynchronizeContext);
DDI_IMPORT(KeAcquireInterruptSpinLock) KIRQL NTAPI KeAcquireInterruptSpinLock(_Inout_ PKINTERRUPT Interrupt);
DDI_IMPORT(KeReleaseInterruptSpinLock) VOID NTAPI KeReleaseInterruptSpinLock(_Inout_ PKINTERRUPT Interrupt, _In_ KIRQL OldIrql);

/* The DPC every device object carries, for its ISR (wdm.h's inlines over KeInitializeDpc/KeInsertQueueDpc). */
typedef VOID IO_DPC_ROUTINE(_In_ PKDPC Dpc, _In_ struct _DEVICE_OBJECT *DeviceObject, _Inout_ struct _IRP *Irp, _In_opt_ PVOID Context);
typedef IO_DPC_ROUTINE *PIO_DPC_ROUTINE;

FORCEINLINE VOID IoInitializeDpcRequest(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIO_DPC_ROUTINE DpcRoutine) {
  KeInitializeDpc(&DeviceObject->Dpc, (PKDEFERRED_ROUTINE)DpcRoutine, DeviceObject);
}

FORCEINLINE VOID IoRequestDpc(_Inout_ PDEVICE_OBJECT DeviceObject, _In_opt_ struct _IRP *Irp, _In_opt_ PVOID Context) {
  KeInsertQueueDpc(&DeviceObject->Dpc, Irp, Context);
}

/* --- DMA --- */

typedef enum _INTERFACE_TYPE {
  InterfaceTypeUndefined = -1,
  Internal,
  Isa,
  Eisa,
  MicroChannel,
  TurboChannel,
  PCIBus,
  VMEBus,
  NuBus,
  PCMCIABus,
  CBus,
  MPIBus,
  MPSABus,
  ProcessorInternal,
  InternalPowerBus,
  PNPISABus,
  PNPBus,
  Vmcs,
  ACPIBus,
  MaximumInterfaceType
} INTERFACE_TYPE, *PINTERFACE_TYPE;

typedef enum _DMA_WIDTH { Width8Bits, Width16Bits, Width32Bits, Width64Bits, WidthNoWrap, MaximumDmaWidth } DMA_WIDTH, *PDMA_WIDTH;
typedef enum _DMA_SPEED { Compatible, TypeA, TypeB, TypeC, TypeF, MaximumDmaSpeed } DMA_SPEED, *PDMA_SPEED;

#define DEVICE_DESCRIPTION_VERSION 0
#define DEVICE_DESCRIPTION_VERSION1 1
#define DEVICE_DESCRIPTION_VERSION2 2
#define DEVICE_DESCRIPTION_VERSION3 3

typedef struct _DEVICE_DESCRIPTION {
  ULONG Version;
  BOOLEAN Master;
  BOOLEAN ScatterGather;
  BOOLEAN DemandMode;
  BOOLEAN AutoInitialize;
  BOOLEAN Dma32BitAddresses;
  BOOLEAN IgnoreCount;
  BOOLEAN Reserved1;
  BOOLEAN Dma64BitAddresses;
  ULONG BusNumber;
  ULONG DmaChannel;
  INTERFACE_TYPE InterfaceType;
  DMA_WIDTH DmaWidth;
  DMA_SPEED DmaSpeed;
  ULONG MaximumLength;
  ULONG DmaPort;
  ULONG DmaAddressWidth;
  ULONG DmaControllerInstance;
  ULONG DmaRequestLine;
  PHYSICAL_ADDRESS DeviceAddress;
} DEVICE_DESCRIPTION, *PDEVICE_DESCRIPTION;

typedef enum _IO_ALLOCATION_ACTION { KeepObject = 1, DeallocateObject, DeallocateObjectKeepRegisters } IO_ALLOCATION_ACTION, *PIO_ALLOCATION_ACTION;

typedef IO_ALLOCATION_ACTION DRIVER_CONTROL(_In_ struct _DEVICE_OBJECT *DeviceObject, _Inout_ struct _IRP *Irp, _In_ PVOID MapRegisterBase,
                                            _In_ PVOID Context);
typedef DRIVER_CONTROL *PDRIVER_CONTROL;

typedef struct _SCATTER_GATHER_ELEMENT {
  PHYSICAL_ADDRESS Address;
  ULONG Length;
  ULONG_PTR Reserved;
} SCATTER_GATHER_ELEMENT, *PSCATTER_GATHER_ELEMENT;

typedef struct _SCATTER_GATHER_LIST {
  ULONG NumberOfElements;
  ULONG_PTR Reserved;
  SCATTER_GATHER_ELEMENT Elements[];
} SCATTER_GATHER_LIST, *PSCATTER_GATHER_LIST;

typedef VOID DRIVER_LIST_CONTROL(_In_ struct _DEVICE_OBJECT *DeviceObject, _In_ struct _IRP *Irp, _In_ PSCATTER_GATHER_LIST ScatterGather,
                                 _In_ PVOID Context);
typedef DRIVER_LIST_CONTROL *PDRIVER_LIST_CONTROL;

typedef struct _DMA_ADAPTER *PDMA_ADAPTER;

typedef VOID(NTAPI *PPUT_DMA_ADAPTER)(PDMA_ADAPTER DmaAdapter);
typedef PVOID(NTAPI *PALLOCATE_COMMON_BUFFER)(PDMA_ADAPTER DmaAdapter, ULONG Length, PPHYSICAL_ADDRESS LogicalAddress, BOOLEAN CacheEnabled);
typedef VOID(NTAPI *PFREE_COMMON_BUFFER)(PDMA_ADAPTER DmaAdapter, ULONG Length, PHYSICAL_ADDRESS LogicalAddress, PVOID VirtualAddress,
                                        BOOLEAN CacheEnabled);
typedef NTSTATUS(NTAPI *PALLOCATE_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, ULONG NumberOfMapRegisters,
                                                  PDRIVER_CONTROL ExecutionRoutine, PVOID Context);
typedef BOOLEAN(NTAPI *PFLUSH_ADAPTER_BUFFERS)(PDMA_ADAPTER DmaAdapter, PMDL Mdl, PVOID MapRegisterBase, PVOID CurrentVa, ULONG Length,
                                              BOOLEAN WriteToDevice);
typedef VOID(NTAPI *PFREE_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter);
typedef VOID(NTAPI *PFREE_MAP_REGISTERS)(PDMA_ADAPTER DmaAdapter, PVOID MapRegisterBase, ULONG NumberOfMapRegisters);
typedef PHYSICAL_ADDRESS(NTAPI *PMAP_TRANSFER)(PDMA_ADAPTER DmaAdapter, PMDL Mdl, PVOID MapRegisterBase, PVOID CurrentVa, PULONG Length,
                                               BOOLEAN WriteToDevice);
typedef ULONG(NTAPI *PGET_DMA_ALIGNMENT)(PDMA_ADAPTER DmaAdapter);
typedef ULONG(NTAPI *PREAD_DMA_COUNTER)(PDMA_ADAPTER DmaAdapter);
typedef NTSTATUS(NTAPI *PGET_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, PMDL Mdl, PVOID CurrentVa,
                                                 ULONG Length, PDRIVER_LIST_CONTROL ExecutionRoutine, PVOID Context, BOOLEAN WriteToDevice);
typedef VOID(NTAPI *PPUT_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter, PSCATTER_GATHER_LIST ScatterGather, BOOLEAN WriteToDevice);

/* --- Versions 2 and 3 of the table (DEVICE_DESCRIPTION_VERSION2, 3) --- */

typedef enum _DMA_COMPLETION_STATUS { DmaComplete, DmaAborted, DmaError, DmaCancelled } DMA_COMPLETION_STATUS;
typedef VOID DMA_COMPLETION_ROUTINE(_In_ PDMA_ADAPTER DmaAdapter, _In_ PDEVICE_OBJECT DeviceObject, _In_ PVOID CompletionContext,
                                    _In_ DMA_COMPLETION_STATUS Status);
typedef DMA_COMPLETION_ROUTINE *PDMA_COMPLETION_ROUTINE;

/* The opaque context of AllocateAdapterChannelEx, MapTransferEx...: InitializeDmaTransferContext fills it. */
#define DMA_TRANSFER_CONTEXT_VERSION1 1
#define DMA_TRANSFER_CONTEXT_SIZE_V1 128
/* AllocateAdapterChannelEx / GetScatterGatherListEx Flags: no callback, the resources at once or a failure. */
#define DMA_SYNCHRONOUS_CALLBACK 0x01

#define DMA_ADAPTER_INFO_VERSION1 1
#define ADAPTER_INFO_SYNCHRONOUS_CALLBACK 0x0001
#define ADAPTER_INFO_API_BYPASS 0x0002
typedef struct _DMA_ADAPTER_INFO_V1 {
  ULONG ReadDmaCounterAvailable;
  ULONG ScatterGatherLimit;
  ULONG DmaAddressWidth;
  ULONG Flags;
  ULONG MinimumTransferUnit;
} DMA_ADAPTER_INFO_V1, *PDMA_ADAPTER_INFO_V1;
typedef struct _DMA_ADAPTER_INFO {
  ULONG Version;
  union {
    DMA_ADAPTER_INFO_V1 V1;
  };
} DMA_ADAPTER_INFO, *PDMA_ADAPTER_INFO;

#define DMA_TRANSFER_INFO_VERSION1 1
typedef struct _DMA_TRANSFER_INFO_V1 {
  ULONG MapRegisterCount;
  ULONG ScatterGatherElementCount;
  ULONG ScatterGatherListSize;
} DMA_TRANSFER_INFO_V1, *PDMA_TRANSFER_INFO_V1;
typedef struct _DMA_TRANSFER_INFO {
  ULONG Version;
  union {
    DMA_TRANSFER_INFO_V1 V1;
  };
} DMA_TRANSFER_INFO, *PDMA_TRANSFER_INFO;

typedef ULONG NODE_REQUIREMENT;
#define MM_ANY_NODE_OK 0x80000000

typedef NTSTATUS(NTAPI *PCALCULATE_SCATTER_GATHER_LIST_SIZE)(PDMA_ADAPTER DmaAdapter, PMDL Mdl, PVOID CurrentVa, ULONG Length,
                                                            PULONG ScatterGatherListSize, PULONG pNumberOfMapRegisters);
typedef NTSTATUS(NTAPI *PBUILD_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, PMDL Mdl, PVOID CurrentVa,
                                                   ULONG Length, PDRIVER_LIST_CONTROL ExecutionRoutine, PVOID Context,
                                                   BOOLEAN WriteToDevice, PVOID ScatterGatherBuffer, ULONG ScatterGatherLength);
typedef NTSTATUS(NTAPI *PBUILD_MDL_FROM_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter, PSCATTER_GATHER_LIST ScatterGather, PMDL OriginalMdl,
                                                            PMDL *TargetMdl);
typedef NTSTATUS(NTAPI *PGET_DMA_ADAPTER_INFO)(PDMA_ADAPTER DmaAdapter, PDMA_ADAPTER_INFO AdapterInfo);
typedef NTSTATUS(NTAPI *PGET_DMA_TRANSFER_INFO)(PDMA_ADAPTER DmaAdapter, PMDL Mdl, ULONGLONG Offset, ULONG Length, BOOLEAN WriteOnly,
                                               PDMA_TRANSFER_INFO TransferInfo);
typedef NTSTATUS(NTAPI *PINITIALIZE_DMA_TRANSFER_CONTEXT)(PDMA_ADAPTER DmaAdapter, PVOID DmaTransferContext);
typedef PVOID(NTAPI *PALLOCATE_COMMON_BUFFER_EX)(PDMA_ADAPTER DmaAdapter, PPHYSICAL_ADDRESS MaximumAddress, ULONG Length,
                                                PPHYSICAL_ADDRESS LogicalAddress, BOOLEAN CacheEnabled, NODE_REQUIREMENT PreferredNode);
typedef NTSTATUS(NTAPI *PALLOCATE_ADAPTER_CHANNEL_EX)(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, PVOID DmaTransferContext,
                                                     ULONG NumberOfMapRegisters, ULONG Flags, PDRIVER_CONTROL ExecutionRoutine,
                                                     PVOID ExecutionContext, PVOID *MapRegisterBase);
typedef NTSTATUS(NTAPI *PCONFIGURE_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter, ULONG FunctionNumber, PVOID Context);
typedef BOOLEAN(NTAPI *PCANCEL_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, PVOID DmaTransferContext);
typedef NTSTATUS(NTAPI *PMAP_TRANSFER_EX)(PDMA_ADAPTER DmaAdapter, PMDL Mdl, PVOID MapRegisterBase, ULONGLONG Offset, ULONG DeviceOffset,
                                         PULONG Length, BOOLEAN WriteToDevice, PSCATTER_GATHER_LIST ScatterGatherBuffer,
                                         ULONG ScatterGatherBufferLength, PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
                                         PVOID CompletionContext);
typedef NTSTATUS(NTAPI *PGET_SCATTER_GATHER_LIST_EX)(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, PVOID DmaTransferContext,
                                                    PMDL Mdl, ULONGLONG Offset, ULONG Length, ULONG Flags,
                                                    PDRIVER_LIST_CONTROL ExecutionRoutine, PVOID Context, BOOLEAN WriteToDevice,
                                                    PDMA_COMPLETION_ROUTINE DmaCompletionRoutine, PVOID CompletionContext,
                                                    PSCATTER_GATHER_LIST *ScatterGatherList);
typedef NTSTATUS(NTAPI *PBUILD_SCATTER_GATHER_LIST_EX)(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, PVOID DmaTransferContext,
                                                      PMDL Mdl, ULONGLONG Offset, ULONG Length, ULONG Flags,
                                                      PDRIVER_LIST_CONTROL ExecutionRoutine, PVOID Context, BOOLEAN WriteToDevice,
                                                      PVOID ScatterGatherBuffer, ULONG ScatterGatherLength,
                                                      PDMA_COMPLETION_ROUTINE DmaCompletionRoutine, PVOID CompletionContext,
                                                      PVOID ScatterGatherList);
typedef NTSTATUS(NTAPI *PFLUSH_ADAPTER_BUFFERS_EX)(PDMA_ADAPTER DmaAdapter, PMDL Mdl, PVOID MapRegisterBase, ULONGLONG Offset, ULONG Length,
                                                  BOOLEAN WriteToDevice);
typedef VOID(NTAPI *PFREE_ADAPTER_OBJECT)(PDMA_ADAPTER DmaAdapter, IO_ALLOCATION_ACTION AllocationAction);
typedef NTSTATUS(NTAPI *PCANCEL_MAPPED_TRANSFER)(PDMA_ADAPTER DmaAdapter, PVOID DmaTransferContext);

/* Every adapter gets the whole table; DMA_ADAPTER.Version says which version the driver asked for. */
typedef struct _DMA_OPERATIONS {
  ULONG Size;
  PPUT_DMA_ADAPTER PutDmaAdapter;
  PALLOCATE_COMMON_BUFFER AllocateCommonBuffer;
  PFREE_COMMON_BUFFER FreeCommonBuffer;
  PALLOCATE_ADAPTER_CHANNEL AllocateAdapterChannel;
  PFLUSH_ADAPTER_BUFFERS FlushAdapterBuffers;
  PFREE_ADAPTER_CHANNEL FreeAdapterChannel;
  PFREE_MAP_REGISTERS FreeMapRegisters;
  PMAP_TRANSFER MapTransfer;
  PGET_DMA_ALIGNMENT GetDmaAlignment;
  PREAD_DMA_COUNTER ReadDmaCounter;
  PGET_SCATTER_GATHER_LIST GetScatterGatherList;
  PPUT_SCATTER_GATHER_LIST PutScatterGatherList;
  PCALCULATE_SCATTER_GATHER_LIST_SIZE CalculateScatterGatherList;
  PBUILD_SCATTER_GATHER_LIST BuildScatterGatherList;
  PBUILD_MDL_FROM_SCATTER_GATHER_LIST BuildMdlFromScatterGatherList;
  PGET_DMA_ADAPTER_INFO GetDmaAdapterInfo;
  PGET_DMA_TRANSFER_INFO GetDmaTransferInfo;
  PINITIALIZE_DMA_TRANSFER_CONTEXT InitializeDmaTransferContext;
  PALLOCATE_COMMON_BUFFER_EX AllocateCommonBufferEx;
  PALLOCATE_ADAPTER_CHANNEL_EX AllocateAdapterChannelEx;
  PCONFIGURE_ADAPTER_CHANNEL ConfigureAdapterChannel;
  PCANCEL_ADAPTER_CHANNEL CancelAdapterChannel;
  PMAP_TRANSFER_EX MapTransferEx;
  PGET_SCATTER_GATHER_LIST_EX GetScatterGatherListEx;
  PBUILD_SCATTER_GATHER_LIST_EX BuildScatterGatherListEx;
  PFLUSH_ADAPTER_BUFFERS_EX FlushAdapterBuffersEx;
  PFREE_ADAPTER_OBJECT FreeAdapterObject;
  PCANCEL_MAPPED_TRANSFER CancelMappedTransfer;
} DMA_OPERATIONS, *PDMA_OPERATIONS;

typedef struct _DMA_ADAPTER {
  USHORT Version;
  USHORT Size;
  PDMA_OPERATIONS DmaOperations;
} DMA_ADAPTER;

DDI_IMPORT(IoGetDmaAdapter)
PDMA_ADAPTER NTAPI IoGetDmaAdapter(_In_opt_ PDEVICE_OBJECT PhysicalDeviceObject, _In_ PDEVICE_DESCRIPTION DeviceDescription,
                                   _Out_ PULONG NumberOfMapRegisters);

#endif /* DV_HAL_H */
