/* KmdfNonPnp: DriverEntry creates the WDFDRIVER (non-PnP) and the control device. */
#include "kmdfnonpnp.h"

static NTSTATUS KmdfNonPnpCreateControlDevice(WDFDRIVER Driver) {
  DECLARE_CONST_UNICODE_STRING(deviceName, KMDFNONPNP_DEVICE_NAME);
  DECLARE_CONST_UNICODE_STRING(linkName, KMDFNONPNP_LINK_NAME);
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_FILEOBJECT_CONFIG fileConfig;
  WDF_IO_QUEUE_CONFIG queueConfig;
  PWDFDEVICE_INIT init;
  WDFDEVICE device;
  WDFQUEUE queue;
  NTSTATUS status;

  init = WdfControlDeviceInitAllocate(Driver, &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R);
  if (init == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  WdfDeviceInitSetExclusive(init, FALSE);
  WdfDeviceInitSetIoType(init, WdfDeviceIoBuffered);
  status = WdfDeviceInitAssignName(init, &deviceName);
  if (!NT_SUCCESS(status)) {
    WdfDeviceInitFree(init);
    return status;
  }
  WdfDeviceInitSetIoInCallerContextCallback(init, KmdfNonPnpEvtIoInCallerContext);
  WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, KmdfNonPnpEvtDeviceFileCreate, KmdfNonPnpEvtFileClose, WDF_NO_EVENT_CALLBACK);
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, FILE_CONTEXT);
  WdfDeviceInitSetFileObjectConfig(init, &fileConfig, &attributes);

  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, CONTROL_DEVICE_CONTEXT);
  status = WdfDeviceCreate(&init, &attributes, &device);
  if (!NT_SUCCESS(status)) {
    /* A failed WdfDeviceCreate leaves the init to its caller. */
    WdfDeviceInitFree(init);
    return status;
  }
  status = WdfDeviceCreateSymbolicLink(device, &linkName);
  if (!NT_SUCCESS(status)) {
    WdfObjectDelete(device);
    return status;
  }
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
  queueConfig.EvtIoRead = KmdfNonPnpEvtIoRead;
  queueConfig.EvtIoWrite = KmdfNonPnpEvtIoWrite;
  queueConfig.EvtIoDeviceControl = KmdfNonPnpEvtIoDeviceControl;
  status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &queue);
  if (!NT_SUCCESS(status)) {
    WdfObjectDelete(device);
    return status;
  }
  WdfControlFinishInitializing(device);
  return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WDF_DRIVER_CONFIG config;
  WDFDRIVER driver;
  NTSTATUS status;

  WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
  config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
  config.DriverPoolTag = KMDFNONPNP_TAG;
  config.EvtDriverUnload = KmdfNonPnpEvtDriverUnload;
  status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &driver);
  if (!NT_SUCCESS(status)) return status;
  return KmdfNonPnpCreateControlDevice(driver);
}

VOID KmdfNonPnpEvtDriverUnload(WDFDRIVER Driver) {
  /* The control device goes with the driver's object tree, after this returns. */
  UNREFERENCED_PARAMETER(Driver);
  DbgPrint("KmdfNonPnp: unloading\n");
}
