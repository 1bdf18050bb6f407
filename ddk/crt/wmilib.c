/*
 * wmilib.c - the wmilib routines of <wmilib.h>, linked into the driver as on Windows. The machine has
 * no WMI service (see wmilib.h): these give a driver's WMI code the answers of a system where nobody
 * registered, enabled or asked for anything.
 */
#include <wmilib.h>

#define CRT __attribute__((weak))

/* Parameters.WMI: ProviderId, DataPath, BufferSize, Buffer, laid over Parameters.Others. */
#define WMI_PROVIDER_ID(Stack) ((ULONG_PTR)(Stack)->Parameters.Others.Argument1)

CRT NTSTATUS WmiSystemControl(PWMILIB_CONTEXT WmiLibInfo, PDEVICE_OBJECT DeviceObject, PIRP Irp, PSYSCTL_IRP_DISPOSITION IrpDisposition) {
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
  UNREFERENCED_PARAMETER(WmiLibInfo);
  if (stack->MinorFunction > IRP_MN_REGINFO_EX || stack->MinorFunction == IRP_MN_REGINFO_EX - 1) {
    *IrpDisposition = IrpNotWmi;
    return Irp->IoStatus.Status;
  }
  if (WMI_PROVIDER_ID(stack) != (ULONG_PTR)DeviceObject) {
    *IrpDisposition = IrpForward;
    return Irp->IoStatus.Status;
  }
  /* No GUID of this device is registered with WMI, so none can be found. */
  *IrpDisposition = IrpProcessed;
  return WmiCompleteRequest(DeviceObject, Irp, STATUS_WMI_GUID_NOT_FOUND, 0, IO_NO_INCREMENT);
}

CRT NTSTATUS WmiCompleteRequest(PDEVICE_OBJECT DeviceObject, PIRP Irp, NTSTATUS Status, ULONG BufferUsed, CCHAR PriorityBoost) {
  UNREFERENCED_PARAMETER(DeviceObject);
  Irp->IoStatus.Status = Status;
  Irp->IoStatus.Information = NT_SUCCESS(Status) ? BufferUsed : 0;
  IoCompleteRequest(Irp, PriorityBoost);
  return Status;
}

CRT NTSTATUS WmiFireEvent(PDEVICE_OBJECT DeviceObject, LPCGUID Guid, ULONG InstanceIndex, ULONG EventDataSize, PVOID EventData) {
  UNREFERENCED_PARAMETER(DeviceObject);
  UNREFERENCED_PARAMETER(Guid);
  UNREFERENCED_PARAMETER(InstanceIndex);
  UNREFERENCED_PARAMETER(EventDataSize);
  /* No consumer enabled the event: it is dropped; the buffer is WMI's to free either way. */
  if (EventData != NULL) ExFreePool(EventData);
  return STATUS_SUCCESS;
}
