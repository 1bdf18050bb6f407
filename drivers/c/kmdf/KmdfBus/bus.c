/*
 * KmdfBus: a KMDF bus driver. Its device has one static child (serial 0, made in EvtDriverDeviceAdd
 * and added with WdfFdoAddStaticChild) and a default dynamic child list whose descriptions are
 * serial numbers (serial 1 is present from the start; IOCTLs plug, unplug and eject others), and a
 * second list (WdfChildListCreate) whose EvtChildListScanForChildren reports serial 7 at every
 * enumeration. Every
 * child's PDO has IDs and text, a bus interface (WdfDeviceAddQueryInterface) whose GetSerial tells
 * the child's function driver its serial, and a queue that forwards the IOCTLs sent to the child to
 * the bus's own queue (WdfRequestForwardToParentDeviceIoQueue). A dynamic child can be ejected.
 * The static child's handle is forgotten in its PDO's cleanup callback: the framework deletes the PDO
 * once the child is missing and removed.
 *
 * KMDFBUS_STALE_CHILD (the KmdfBusStaleChild twin) keeps the handle: marking the static child missing
 * a second time passes WdfPdoMarkMissing a deleted WDFDEVICE, which the framework stops with
 * 0x10D WDF_VIOLATION (Parameter 1 = 0x5, an invalid handle).
 */
#include "kmdfbus.h"

#define KMDFBUS_TAG 'BfdK'

typedef struct _KMDFBUS_CHILD_ID {
  WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER Header;
  ULONG Serial;
} KMDFBUS_CHILD_ID, *PKMDFBUS_CHILD_ID;

typedef struct _BUS_CONTEXT {
  WDFDEVICE StaticChild;
  WDFCHILDLIST ScannedList;
} BUS_CONTEXT, *PBUS_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(BUS_CONTEXT, BusGetContext)

typedef struct _PDO_CONTEXT {
  ULONG Serial;
  WDFDEVICE Bus;
} PDO_CONTEXT, *PPDO_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(PDO_CONTEXT, PdoGetContext)

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD KmdfBusEvtDeviceAdd;
EVT_WDF_CHILD_LIST_CREATE_DEVICE KmdfBusEvtChildListCreateDevice;
EVT_WDF_CHILD_LIST_SCAN_FOR_CHILDREN KmdfBusEvtScanForChildren;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL KmdfBusEvtIoDeviceControl;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL KmdfBusEvtIoChildDeviceControl;
EVT_WDF_DEVICE_EJECT KmdfBusEvtDeviceEject;
EVT_WDF_OBJECT_CONTEXT_CLEANUP KmdfBusEvtStaticChildCleanup;
KMDFBUS_GET_SERIAL KmdfBusGetSerial;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WDF_DRIVER_CONFIG config;

  WDF_DRIVER_CONFIG_INIT(&config, KmdfBusEvtDeviceAdd);
  config.DriverPoolTag = KMDFBUS_TAG;
  return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
}

static void SetChildId(PKMDFBUS_CHILD_ID Id, ULONG Serial) {
  WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(&Id->Header, sizeof(*Id));
  Id->Serial = Serial;
}

/* What every child's PDO is: IDs, text, the bus interface, a queue that forwards to the bus. */
static NTSTATUS KmdfBusCreatePdo(WDFDEVICE Bus, PWDFDEVICE_INIT *Init, ULONG Serial, WDFDEVICE *Pdo) {
  DECLARE_CONST_UNICODE_STRING(staticId, L"KmdfBus\\StaticChild");
  DECLARE_CONST_UNICODE_STRING(dynamicId, L"KmdfBus\\DynamicChild");
  DECLARE_CONST_UNICODE_STRING(compatibleId, L"KmdfBus\\Child");
  DECLARE_CONST_UNICODE_STRING(description, L"KmdfBus child");
  DECLARE_CONST_UNICODE_STRING(location, L"KmdfBus slot");
  WCHAR instanceText[2] = {(WCHAR)(L'0' + Serial % 10), 0};
  UNICODE_STRING instance;
  WDF_PDO_EVENT_CALLBACKS pdoCallbacks;
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_IO_QUEUE_CONFIG queueConfig;
  WDF_QUERY_INTERFACE_CONFIG qiConfig;
  KMDFBUS_INTERFACE busInterface;
  NTSTATUS status;

  RtlInitUnicodeString(&instance, instanceText);
  status = WdfPdoInitAssignDeviceID(*Init, Serial == 0 ? &staticId : &dynamicId);
  if (NT_SUCCESS(status)) status = WdfPdoInitAssignInstanceID(*Init, &instance);
  if (NT_SUCCESS(status)) status = WdfPdoInitAddHardwareID(*Init, Serial == 0 ? &staticId : &dynamicId);
  if (NT_SUCCESS(status)) status = WdfPdoInitAddCompatibleID(*Init, &compatibleId);
  if (NT_SUCCESS(status)) status = WdfPdoInitAddDeviceText(*Init, &description, &location, 0x409);
  if (!NT_SUCCESS(status)) return status;
  WdfPdoInitSetDefaultLocale(*Init, 0x409);
  WdfPdoInitAllowForwardingRequestToParent(*Init);
  if (Serial != 0) {
    /* Only the dynamic children can be ejected. */
    WDF_PDO_EVENT_CALLBACKS_INIT(&pdoCallbacks);
    pdoCallbacks.EvtDeviceEject = KmdfBusEvtDeviceEject;
    WdfPdoInitSetEventCallbacks(*Init, &pdoCallbacks);
  }
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, PDO_CONTEXT);
#ifndef KMDFBUS_STALE_CHILD
  if (Serial == 0) attributes.EvtCleanupCallback = KmdfBusEvtStaticChildCleanup;
#endif
  status = WdfDeviceCreate(Init, &attributes, Pdo);
  if (!NT_SUCCESS(status)) return status;
  PdoGetContext(*Pdo)->Serial = Serial;
  PdoGetContext(*Pdo)->Bus = Bus;

  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
  queueConfig.EvtIoDeviceControl = KmdfBusEvtIoChildDeviceControl;
  status = WdfIoQueueCreate(*Pdo, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
  if (!NT_SUCCESS(status)) return status;

  /* The framework keeps a copy: the structure may go when this returns. */
  RtlZeroMemory(&busInterface, sizeof(busInterface));
  busInterface.Header.Size = sizeof(busInterface);
  busInterface.Header.Version = 1;
  busInterface.Header.Context = (PVOID)*Pdo;
  busInterface.Header.InterfaceReference = WdfDeviceInterfaceReferenceNoOp;
  busInterface.Header.InterfaceDereference = WdfDeviceInterfaceDereferenceNoOp;
  busInterface.GetSerial = KmdfBusGetSerial;
  WDF_QUERY_INTERFACE_CONFIG_INIT(&qiConfig, (PINTERFACE)&busInterface, &GUID_KMDFBUS_INTERFACE, NULL);
  return WdfDeviceAddQueryInterface(*Pdo, &qiConfig);
}

NTSTATUS KmdfBusEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit) {
  WDF_CHILD_LIST_CONFIG listConfig;
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_IO_QUEUE_CONFIG queueConfig;
  PNP_BUS_INFORMATION busInformation;
  KMDFBUS_CHILD_ID id;
  PWDFDEVICE_INIT childInit;
  WDFDEVICE device;
  WDFDEVICE child;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(Driver);
  WDF_CHILD_LIST_CONFIG_INIT(&listConfig, sizeof(KMDFBUS_CHILD_ID), KmdfBusEvtChildListCreateDevice);
  WdfFdoInitSetDefaultChildListConfig(DeviceInit, &listConfig, WDF_NO_OBJECT_ATTRIBUTES);
  WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_BUS_EXTENDER);
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, BUS_CONTEXT);
  status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
  if (!NT_SUCCESS(status)) return status;

  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
  queueConfig.EvtIoDeviceControl = KmdfBusEvtIoDeviceControl;
  status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
  if (!NT_SUCCESS(status)) return status;

  /* The second list: the framework asks it for its children at every enumeration. */
  WDF_CHILD_LIST_CONFIG_INIT(&listConfig, sizeof(KMDFBUS_CHILD_ID), KmdfBusEvtChildListCreateDevice);
  listConfig.EvtChildListScanForChildren = KmdfBusEvtScanForChildren;
  status = WdfChildListCreate(device, &listConfig, WDF_NO_OBJECT_ATTRIBUTES, &BusGetContext(device)->ScannedList);
  if (!NT_SUCCESS(status)) return status;

  busInformation.BusTypeGuid = GUID_KMDFBUS_BUS_TYPE;
  busInformation.LegacyBusType = PNPBus;
  busInformation.BusNumber = 0;
  WdfDeviceSetBusInformationForChildren(device, &busInformation);

  /* The static child: the driver makes its PDO now; a failed create leaves the init to free. */
  childInit = WdfPdoInitAllocate(device);
  if (childInit == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  status = KmdfBusCreatePdo(device, &childInit, 0, &child);
  if (!NT_SUCCESS(status)) {
    if (childInit != NULL) WdfDeviceInitFree(childInit);
    return status;
  }
  status = WdfFdoAddStaticChild(device, child);
  if (!NT_SUCCESS(status)) return status;
  BusGetContext(device)->StaticChild = child;

  /* Dynamic child 1 is there from the start: a scan that reports it. */
  WdfChildListBeginScan(WdfFdoGetDefaultChildList(device));
  SetChildId(&id, 1);
  status = WdfChildListAddOrUpdateChildDescriptionAsPresent(WdfFdoGetDefaultChildList(device), &id.Header, NULL);
  WdfChildListEndScan(WdfFdoGetDefaultChildList(device));
  return status;
}

NTSTATUS KmdfBusEvtChildListCreateDevice(WDFCHILDLIST ChildList, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription, PWDFDEVICE_INIT ChildInit) {
  PKMDFBUS_CHILD_ID id = CONTAINING_RECORD(IdentificationDescription, KMDFBUS_CHILD_ID, Header);
  WDFDEVICE pdo;

  DbgPrint("KmdfBus: creating the PDO of child %lu\n", id->Serial);
  /* The framework frees ChildInit whatever happens. */
  return KmdfBusCreatePdo(WdfChildListGetDevice(ChildList), &ChildInit, id->Serial, &pdo);
}

/* The static child's PDO is going (missing and removed, or with the bus): its handle with it. */
VOID KmdfBusEvtStaticChildCleanup(WDFOBJECT Pdo) {
  BusGetContext(PdoGetContext((WDFDEVICE)Pdo)->Bus)->StaticChild = NULL;
}

/* Inside the framework's scan: serial 7 is always there. */
VOID KmdfBusEvtScanForChildren(WDFCHILDLIST ChildList) {
  KMDFBUS_CHILD_ID id;

  SetChildId(&id, 7);
  WdfChildListAddOrUpdateChildDescriptionAsPresent(ChildList, &id.Header, NULL);
}

ULONG KmdfBusGetSerial(PVOID Context) {
  return PdoGetContext((WDFDEVICE)Context)->Serial;
}

NTSTATUS KmdfBusEvtDeviceEject(WDFDEVICE Device) {
  DbgPrint("KmdfBus: child %lu ejected\n", PdoGetContext(Device)->Serial);
  return STATUS_SUCCESS;
}

/* A request sent to a child: on to the bus's queue (the child's init allowed it). */
VOID KmdfBusEvtIoChildDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode) {
  WDFDEVICE bus = WdfPdoGetParent(WdfIoQueueGetDevice(Queue));
  WDF_REQUEST_FORWARD_OPTIONS options;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(OutputBufferLength);
  UNREFERENCED_PARAMETER(InputBufferLength);
  UNREFERENCED_PARAMETER(IoControlCode);
  WDF_REQUEST_FORWARD_OPTIONS_INIT(&options);
  status = WdfRequestForwardToParentDeviceIoQueue(Request, WdfDeviceGetDefaultQueue(bus), &options);
  if (!NT_SUCCESS(status)) WdfRequestComplete(Request, status);
}

/* The children the bus reports: the static one while present, and the dynamic ones with a PDO. */
static ULONG KmdfBusCount(WDFDEVICE Bus) {
  WDFCHILDLIST list = WdfFdoGetDefaultChildList(Bus);
  WDF_CHILD_LIST_ITERATOR iterator;
  WDF_CHILD_RETRIEVE_INFO info;
  KMDFBUS_CHILD_ID id;
  WDFDEVICE child = NULL;
  ULONG count = 0;

  WdfFdoLockStaticChildListForIteration(Bus);
  while ((child = WdfFdoRetrieveNextStaticChild(Bus, child, WdfRetrievePresentChildren)) != NULL) count++;
  WdfFdoUnlockStaticChildListFromIteration(Bus);

  WDF_CHILD_LIST_ITERATOR_INIT(&iterator, WdfRetrievePresentChildren);
  WdfChildListBeginIteration(list, &iterator);
  for (;;) {
    SetChildId(&id, 0);
    WDF_CHILD_RETRIEVE_INFO_INIT(&info, &id.Header);
    if (!NT_SUCCESS(WdfChildListRetrieveNextDevice(list, &iterator, &child, &info))) break;
    DbgPrint("KmdfBus: child %lu present\n", id.Serial);
    count++;
  }
  WdfChildListEndIteration(list, &iterator);
  return count;
}

VOID KmdfBusEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode) {
  WDFDEVICE bus = WdfIoQueueGetDevice(Queue);
  WDFCHILDLIST list = WdfFdoGetDefaultChildList(bus);
  WDF_CHILD_RETRIEVE_INFO info;
  KMDFBUS_CHILD_ID id;
  PULONG buffer;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(OutputBufferLength);
  UNREFERENCED_PARAMETER(InputBufferLength);
  switch (IoControlCode) {
  case IOCTL_KMDFBUS_COUNT:
    status = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), (PVOID *)&buffer, NULL);
    if (!NT_SUCCESS(status)) break;
    *buffer = KmdfBusCount(bus);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, sizeof(ULONG));
    return;
  case IOCTL_KMDFBUS_PLUG:
  case IOCTL_KMDFBUS_UNPLUG:
  case IOCTL_KMDFBUS_EJECT:
    status = WdfRequestRetrieveInputBuffer(Request, sizeof(ULONG), (PVOID *)&buffer, NULL);
    if (!NT_SUCCESS(status)) break;
    if (*buffer == 0) {
      status = STATUS_INVALID_PARAMETER;
      break;
    }
    SetChildId(&id, *buffer);
    if (IoControlCode == IOCTL_KMDFBUS_PLUG) {
      status = WdfChildListAddOrUpdateChildDescriptionAsPresent(list, &id.Header, NULL);
      /* Its PDO comes when the PnP manager asks for the relations, later. */
      WDF_CHILD_RETRIEVE_INFO_INIT(&info, &id.Header);
      WdfChildListRetrievePdo(list, &info);
      DbgPrint("KmdfBus: child %lu plugged (0x%x), PDO status %d\n", id.Serial, status, info.Status);
    } else if (IoControlCode == IOCTL_KMDFBUS_UNPLUG) {
      status = WdfChildListUpdateChildDescriptionAsMissing(list, &id.Header);
    } else {
      status = WdfChildListRequestChildEject(list, &id.Header) ? STATUS_SUCCESS : STATUS_NO_SUCH_DEVICE;
    }
    break;
  case IOCTL_KMDFBUS_UNPLUG_STATIC:
    status = BusGetContext(bus)->StaticChild == NULL ? STATUS_NO_SUCH_DEVICE : WdfPdoMarkMissing(BusGetContext(bus)->StaticChild);
    break;
  default:
    status = STATUS_INVALID_DEVICE_REQUEST;
    break;
  }
  WdfRequestComplete(Request, status);
}
