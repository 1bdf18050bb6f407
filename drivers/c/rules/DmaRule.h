/*
 * DmaRule.h - what the DMA checking samples (drivers/c/rules/Dma*.c) share: a device object and a
 * bus-master DMA adapter (version 1, 32-bit, a 0x3000-byte transfer: 4 map registers), got in DriverEntry
 * and given back at unload, and the execution routines they hand the adapter.
 */
#ifndef DMA_RULE_H
#define DMA_RULE_H

#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PDRIVER_OBJECT DriverObjectOfSample;
static PDEVICE_OBJECT Device;
static PDMA_ADAPTER Adapter;
static ULONG MapRegisters;
static PVOID Base;
static PSCATTER_GATHER_LIST List;

/* The sample's work, with its violation (or, in a clean twin, without). */
static NTSTATUS Work(VOID);

static NTSTATUS GetAdapter(VOID)
{
    DEVICE_DESCRIPTION d;
    NTSTATUS status = IoCreateDevice(DriverObjectOfSample, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    RtlZeroMemory(&d, sizeof(d));
    d.Version = DEVICE_DESCRIPTION_VERSION1;
    d.Master = TRUE;
    d.ScatterGather = TRUE;
    d.Dma32BitAddresses = TRUE;
    d.InterfaceType = PCIBus;
    d.MaximumLength = 0x3000;
    Adapter = IoGetDmaAdapter(NULL, &d, &MapRegisters);
    DbgPrint("DmaRule: adapter=%p\n", Adapter);
    return Adapter != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* Execution routines (not static: a sample uses some of them): keep the channel and its registers, or give the channel back and keep the registers. */
IO_ALLOCATION_ACTION KeepChannel(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID MapRegisterBase, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    Base = MapRegisterBase;
    return KeepObject;
}

IO_ALLOCATION_ACTION KeepRegisters(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID MapRegisterBase, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    Base = MapRegisterBase;
    return DeallocateObjectKeepRegisters;
}

VOID KeepList(PDEVICE_OBJECT DeviceObject, PIRP Irp, PSCATTER_GATHER_LIST ScatterGather, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    List = ScatterGather;
}

#endif /* DMA_RULE_H */
