/*
 * WppSample: a WDM driver that traces with WPP (dv build's WPP step writes WppSample.tmh). DriverEntry
 * starts tracing and logs its registry path; IOCTL_WPP_ECHO (METHOD_BUFFERED) logs its input as a
 * hexdump with a counter, strings, a pointer, a 64-bit value, a GUID, the IRQL and the state, and
 * returns the input; a request shorter than 4 bytes is refused with STATUS_BUFFER_TOO_SMALL, logged at
 * TRACE_LEVEL_ERROR by TraceReturn. The TRACE_LEVEL_VERBOSE messages show the session's level at
 * work: `dv run WppSample.wasm --trace --trace-level 4` leaves them out. Unload stops tracing
 * (WPP_CLEANUP). IOCTL_WPP_KEEP is its deliberate bug: it allocates a block it never frees and says
 * so in the trace, so the unload stops with 0xC4/0x62 and the dump's `!wmitrace.logdump` tells the story.
 */
#include <ntddk.h>
#include "trace.h"
#include "WppSample.tmh"

#define IOCTL_WPP_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_WPP_KEEP CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TAG 'ppWS' /* shows as "SWpp" */

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD WppUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH WppCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH WppDeviceControl;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\WppSample");
/* {a3c8e1f0-5b7d-4c2e-8f9a-0b1c2d3e4f50} */
static const GUID SampleInterface = { 0xa3c8e1f0, 0x5b7d, 0x4c2e, { 0x8f, 0x9a, 0x0b, 0x1c, 0x2d, 0x3e, 0x4f, 0x50 } };
static LONG Requests;
static SAMPLE_STATE State = SampleIdle;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    WPP_INIT_TRACING(DriverObject, RegistryPath);
    TraceEvents(TRACE_LEVEL_INFORMATION, DBG_INIT, "%!FUNC! registry path %wZ", RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        TraceEvents(TRACE_LEVEL_ERROR, DBG_INIT, "IoCreateDevice failed %!STATUS!", status);
        WPP_CLEANUP(DriverObject);
        return status;
    }
    device->Flags |= DO_BUFFERED_IO;
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = WppCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = WppCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = WppDeviceControl;
    DriverObject->DriverUnload = WppUnload;
    TraceEvents(TRACE_LEVEL_VERBOSE, DBG_INIT, "device %p created (%S), state %!state!", device, L"\\Device\\WppSample", State);
    return STATUS_SUCCESS;
}

NTSTATUS WppCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    TraceEvents(TRACE_LEVEL_VERBOSE, DBG_IOCTL, "%!FUNC! major %d at line %!LINE! of %!FILE!", IoGetCurrentIrpStackLocation(Irp)->MajorFunction);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS WppDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG length = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG outLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
    NTSTATUS status = STATUS_SUCCESS;
    LONG n;

    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Information = 0;
    if (stack->Parameters.DeviceIoControl.IoControlCode == IOCTL_WPP_KEEP) {
        PVOID block = ExAllocatePoolWithTag(NonPagedPoolNx, 0x40, TAG);
        TraceEvents(TRACE_LEVEL_WARNING, DBG_IOCTL, "keeping %Iu bytes at %p (never freed)", (SIZE_T)0x40, block);
        status = block ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
    } else if (stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_WPP_ECHO) {
        status = STATUS_INVALID_DEVICE_REQUEST;
    } else if (length < 4) {
        State = SampleBroken;
        status = STATUS_BUFFER_TOO_SMALL;
    } else {
        n = InterlockedIncrement(&Requests);
        State = SampleBusy;
        TraceEvents(TRACE_LEVEL_INFORMATION, DBG_IOCTL, "request %d (%s): %!HEXDUMP!", n, n == 1 ? "first" : "again",
                    log_xstr(Irp->AssociatedIrp.SystemBuffer, (short)length));
        TraceEvents(TRACE_LEVEL_VERBOSE, DBG_IOCTL, "[%!LEVEL!/%!FLAGS!] at %!irql!, first word 0x%08x, total %I64x, interface %!GUID!, echo %!bool!",
                    KeGetCurrentIrql(), *(ULONG *)Irp->AssociatedIrp.SystemBuffer, (ULONGLONG)n << 32 | length, &SampleInterface, outLength >= length);
        if (outLength >= length) Irp->IoStatus.Information = length;
        State = SampleIdle;
    }
    TraceReturn(status);
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

VOID WppUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    TraceEvents(TRACE_LEVEL_INFORMATION, DBG_INIT, "%!FUNC! after %d requests, state %!state!", Requests, State);
    IoDeleteDevice(DriverObject->DeviceObject);
    WPP_CLEANUP(DriverObject);
}
