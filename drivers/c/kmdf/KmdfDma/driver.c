/*
 * KmdfDma: a KMDF PnP function driver for a bus-master device that reads and writes by DMA. Its
 * resources are a register block and an interrupt line; the "hardware" is the simulated generic
 * device: a write to its doorbell register raises the interrupt. Reads and writes (direct I/O) each
 * run one DMA transaction over the request's MDL, staged by the enabler's maximum length: the
 * EVT_WDF_PROGRAM_DMA callback writes the doorbell, the ISR queues the DPC, and the DPC ends the
 * stage (WdfDmaTransactionDmaCompleted) and, after the last, completes the request with the bytes
 * transferred. A common buffer is the device's descriptor page.
 */
#include <ntddk.h>
#include <wdf.h>

/* At most this much a stage: a 12 KB transfer is three stages. */
#define KMDFDMA_MAXIMUM_LENGTH 0x1000

typedef struct _DEVICE_CONTEXT {
  PULONG Registers;
  ULONG RegistersLength;
  WDFINTERRUPT Interrupt;
  WDFDMAENABLER Enabler;
  WDFDMATRANSACTION Transaction;
  WDFCOMMONBUFFER Descriptors;
  ULONG Stages;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD KmdfDmaEvtDeviceAdd;
EVT_WDF_DEVICE_PREPARE_HARDWARE KmdfDmaEvtDevicePrepareHardware;
EVT_WDF_DEVICE_RELEASE_HARDWARE KmdfDmaEvtDeviceReleaseHardware;
EVT_WDF_IO_QUEUE_IO_READ KmdfDmaEvtIoRead;
EVT_WDF_IO_QUEUE_IO_WRITE KmdfDmaEvtIoWrite;
EVT_WDF_PROGRAM_DMA KmdfDmaEvtProgramDma;
EVT_WDF_INTERRUPT_ISR KmdfDmaEvtInterruptIsr;
EVT_WDF_INTERRUPT_DPC KmdfDmaEvtInterruptDpc;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WDF_DRIVER_CONFIG config;
  WDF_DRIVER_CONFIG_INIT(&config, KmdfDmaEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
}

NTSTATUS KmdfDmaEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit) {
  WDF_PNPPOWER_EVENT_CALLBACKS pnp;
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_IO_QUEUE_CONFIG queueConfig;
  WDF_INTERRUPT_CONFIG interruptConfig;
  WDF_DMA_ENABLER_CONFIG dmaConfig;
  PDEVICE_CONTEXT context;
  WDFDEVICE device;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(Driver);
  WdfDeviceInitSetIoType(DeviceInit, WdfDeviceIoDirect);
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
  pnp.EvtDevicePrepareHardware = KmdfDmaEvtDevicePrepareHardware;
  pnp.EvtDeviceReleaseHardware = KmdfDmaEvtDeviceReleaseHardware;
  WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
  status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
  if (!NT_SUCCESS(status)) return status;
  context = DeviceGetContext(device);

  /* One transfer at a time: the device has one set of DMA registers. */
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
  queueConfig.EvtIoRead = KmdfDmaEvtIoRead;
  queueConfig.EvtIoWrite = KmdfDmaEvtIoWrite;
  status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
  if (!NT_SUCCESS(status)) return status;

  WDF_INTERRUPT_CONFIG_INIT(&interruptConfig, KmdfDmaEvtInterruptIsr, KmdfDmaEvtInterruptDpc);
  status = WdfInterruptCreate(device, &interruptConfig, WDF_NO_OBJECT_ATTRIBUTES, &context->Interrupt);
  if (!NT_SUCCESS(status)) return status;

  WDF_DMA_ENABLER_CONFIG_INIT(&dmaConfig, WdfDmaProfileScatterGather, KMDFDMA_MAXIMUM_LENGTH);
  status = WdfDmaEnablerCreate(device, &dmaConfig, WDF_NO_OBJECT_ATTRIBUTES, &context->Enabler);
  if (!NT_SUCCESS(status)) return status;
  status = WdfCommonBufferCreate(context->Enabler, PAGE_SIZE, WDF_NO_OBJECT_ATTRIBUTES, &context->Descriptors);
  if (!NT_SUCCESS(status)) return status;
  status = WdfDmaTransactionCreate(context->Enabler, WDF_NO_OBJECT_ATTRIBUTES, &context->Transaction);
  DbgPrint("KmdfDma: EvtDeviceAdd 0x%x\n", status);
  return status;
}

NTSTATUS KmdfDmaEvtDevicePrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw, WDFCMRESLIST ResourcesTranslated) {
  PDEVICE_CONTEXT context = DeviceGetContext(Device);
  ULONG i;
  UNREFERENCED_PARAMETER(ResourcesRaw);
  for (i = 0; i < WdfCmResourceListGetCount(ResourcesTranslated); i++) {
    PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(ResourcesTranslated, i);
    if (d->Type == CmResourceTypeMemory && context->Registers == NULL) {
      context->Registers = (PULONG)MmMapIoSpace(d->u.Memory.Start, d->u.Memory.Length, MmNonCached);
      context->RegistersLength = d->u.Memory.Length;
    }
  }
  DbgPrint("KmdfDma: EvtDevicePrepareHardware registers %d\n", context->Registers != NULL);
  return context->Registers != NULL ? STATUS_SUCCESS : STATUS_DEVICE_CONFIGURATION_ERROR;
}

NTSTATUS KmdfDmaEvtDeviceReleaseHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesTranslated) {
  PDEVICE_CONTEXT context = DeviceGetContext(Device);
  UNREFERENCED_PARAMETER(ResourcesTranslated);
  if (context->Registers != NULL) MmUnmapIoSpace(context->Registers, context->RegistersLength);
  context->Registers = NULL;
  return STATUS_SUCCESS;
}

static VOID StartTransfer(WDFQUEUE Queue, WDFREQUEST Request, WDF_DMA_DIRECTION Direction) {
  PDEVICE_CONTEXT context = DeviceGetContext(WdfIoQueueGetDevice(Queue));
  NTSTATUS status;

  context->Stages = 0;
  status = WdfDmaTransactionInitializeUsingRequest(context->Transaction, Request, KmdfDmaEvtProgramDma, Direction);
  if (NT_SUCCESS(status)) status = WdfDmaTransactionExecute(context->Transaction, context);
  if (!NT_SUCCESS(status)) {
    WdfDmaTransactionRelease(context->Transaction);
    WdfRequestComplete(Request, status);
  }
}

VOID KmdfDmaEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length) {
  UNREFERENCED_PARAMETER(Length);
  StartTransfer(Queue, Request, WdfDmaDirectionReadFromDevice);
}

VOID KmdfDmaEvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length) {
  UNREFERENCED_PARAMETER(Length);
  StartTransfer(Queue, Request, WdfDmaDirectionWriteToDevice);
}

/* The device's DMA registers take the list; the doorbell starts it, and the device interrupts when done. */
BOOLEAN KmdfDmaEvtProgramDma(WDFDMATRANSACTION Transaction, WDFDEVICE Device, WDFCONTEXT Context, WDF_DMA_DIRECTION Direction, PSCATTER_GATHER_LIST SgList) {
  PDEVICE_CONTEXT context = (PDEVICE_CONTEXT)Context;
  UNREFERENCED_PARAMETER(Transaction);
  UNREFERENCED_PARAMETER(Device);
  context->Stages++;
  DbgPrint("KmdfDma: EvtProgramDma %s, %u elements, 0x%x bytes\n", Direction == WdfDmaDirectionWriteToDevice ? "write" : "read",
           SgList->NumberOfElements, SgList->Elements[0].Length);
  WRITE_REGISTER_ULONG(&context->Registers[1], SgList->Elements[0].Address.LowPart);
  WRITE_REGISTER_ULONG(&context->Registers[0], 1);
  return TRUE;
}

BOOLEAN KmdfDmaEvtInterruptIsr(WDFINTERRUPT Interrupt, ULONG MessageID) {
  UNREFERENCED_PARAMETER(MessageID);
  WdfInterruptQueueDpcForIsr(Interrupt);
  return TRUE;
}

/* The stage is over: the next is programmed, or the request completes with what moved. */
VOID KmdfDmaEvtInterruptDpc(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject) {
  PDEVICE_CONTEXT context = DeviceGetContext((WDFDEVICE)AssociatedObject);
  WDFREQUEST request;
  NTSTATUS status;
  size_t bytes;
  UNREFERENCED_PARAMETER(Interrupt);
  if (!WdfDmaTransactionDmaCompleted(context->Transaction, &status)) return;
  bytes = WdfDmaTransactionGetBytesTransferred(context->Transaction);
  request = WdfDmaTransactionGetRequest(context->Transaction);
  DbgPrint("KmdfDma: transfer done 0x%x, 0x%x bytes in %u stages\n", status, (ULONG)bytes, context->Stages);
  WdfDmaTransactionRelease(context->Transaction);
  WdfRequestCompleteWithInformation(request, status, bytes);
}
