/*
 * dv/pnp.h - Plug and Play (src/kernel/pnp, src/kernel/io/stack.ts): the parameters and answers of
 * IRP_MJ_PNP (the IRP_MN_* codes are in dv/io.h with the other minor codes), and device stacks.
 *
 * Included by wdm.h before dv/io.h, whose IO_STACK_LOCATION names these types: the device stack
 * prototypes therefore spell struct _DEVICE_OBJECT. The stack walkers the WDK declares in ntifs.h
 * (IoGetAttachedDevice, IoGetLowerDeviceObject, IoGetDeviceAttachmentBaseRef) are in dv/pnpifs.h.
 */
#ifndef DV_PNP_H
#define DV_PNP_H

struct _DEVICE_OBJECT;
struct _CM_RESOURCE_LIST;
struct _IRP;

/* IRP_MN_QUERY_DEVICE_RELATIONS: Parameters.QueryDeviceRelations.Type, and the answer */
typedef enum _DEVICE_RELATION_TYPE {
  BusRelations,
  EjectionRelations,
  PowerRelations,
  RemovalRelations,
  TargetDeviceRelation,
  SingleBusRelations,
  TransportRelations
} DEVICE_RELATION_TYPE, *PDEVICE_RELATION_TYPE;

typedef struct _DEVICE_RELATIONS {
  ULONG Count;
  struct _DEVICE_OBJECT *Objects[1];
} DEVICE_RELATIONS, *PDEVICE_RELATIONS;

/* IRP_MN_QUERY_ID: Parameters.QueryId.IdType */
typedef enum {
  BusQueryDeviceID = 0,
  BusQueryHardwareIDs = 1,
  BusQueryCompatibleIDs = 2,
  BusQueryInstanceID = 3,
  BusQueryDeviceSerialNumber = 4,
  BusQueryContainerID = 5
} BUS_QUERY_ID_TYPE, *PBUS_QUERY_ID_TYPE;

/* IRP_MN_DEVICE_USAGE_NOTIFICATION: Parameters.UsageNotification.Type */
typedef enum _DEVICE_USAGE_NOTIFICATION_TYPE {
  DeviceUsageTypeUndefined,
  DeviceUsageTypePaging,
  DeviceUsageTypeHibernation,
  DeviceUsageTypeDumpFile,
  DeviceUsageTypeBoot,
  DeviceUsageTypePostDisplay,
  DeviceUsageTypeGuestAssigned
} DEVICE_USAGE_NOTIFICATION_TYPE;

/* IRP_MN_QUERY_PNP_DEVICE_STATE: the bits returned in IoStatus.Information */
typedef ULONG PNP_DEVICE_STATE, *PPNP_DEVICE_STATE;
#define PNP_DEVICE_DISABLED 0x00000001
#define PNP_DEVICE_DONT_DISPLAY_IN_UI 0x00000002
#define PNP_DEVICE_FAILED 0x00000004
#define PNP_DEVICE_REMOVED 0x00000008
#define PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED 0x00000010
#define PNP_DEVICE_NOT_DISABLEABLE 0x00000020
#define PNP_DEVICE_DISCONNECTED 0x00000040

/*
 * IRP_MN_QUERY_CAPABILITIES: Parameters.DeviceCapabilities.Capabilities. The sender sets Size,
 * Version (1), Address and UINumber (-1). DeviceState is indexed by SYSTEM_POWER_STATE and holds
 * DEVICE_POWER_STATE values, SystemWake and DeviceWake likewise (dv/po.h has those enumerations;
 * these members are ULONGs of the same size so this header does not depend on it). DvCapabilityBits
 * is our name for the ULONG the one-bit flags share.
 */
#define POWER_SYSTEM_MAXIMUM 7
typedef struct _DEVICE_CAPABILITIES {
  USHORT Size;
  USHORT Version;
  union {
    struct {
      ULONG DeviceD1 : 1;
      ULONG DeviceD2 : 1;
      ULONG LockSupported : 1;
      ULONG EjectSupported : 1;
      ULONG Removable : 1;
      ULONG DockDevice : 1;
      ULONG UniqueID : 1;
      ULONG SilentInstall : 1;
      ULONG RawDeviceOK : 1;
      ULONG SurpriseRemovalOK : 1;
      ULONG WakeFromD0 : 1;
      ULONG WakeFromD1 : 1;
      ULONG WakeFromD2 : 1;
      ULONG WakeFromD3 : 1;
      ULONG HardwareDisabled : 1;
      ULONG NonDynamic : 1;
      ULONG WarmEjectSupported : 1;
      ULONG NoDisplayInUI : 1;
      ULONG Reserved1 : 1;
      ULONG WakeFromInterrupt : 1;
      ULONG SecureDevice : 1;
      ULONG ChildOfVgaEnabledBridge : 1;
      ULONG DecodeIoOnBoot : 1;
      ULONG Reserved : 9;
    };
    ULONG DvCapabilityBits;
  };
  ULONG Address;
  ULONG UINumber;
  ULONG DeviceState[POWER_SYSTEM_MAXIMUM];
  ULONG SystemWake;
  ULONG DeviceWake;
  ULONG D1Latency;
  ULONG D2Latency;
  ULONG D3Latency;
} DEVICE_CAPABILITIES, *PDEVICE_CAPABILITIES;

/*
 * The I/O manager's extension of a device object (DeviceObject->DeviceObjectExtension). wdm.h shows
 * Type, Size and DeviceObject; the members after them are Windows' own, declared so the layout check
 * covers them (AttachedTo is the device below in the stack). Drivers do not touch them.
 */
typedef struct _DEVOBJ_EXTENSION {
  CSHORT Type;
  USHORT Size;
  struct _DEVICE_OBJECT *DeviceObject;
  ULONG PowerFlags;
  PVOID Dope;
  ULONG ExtensionFlags;
  PVOID DeviceNode;
  struct _DEVICE_OBJECT *AttachedTo;
} DEVOBJ_EXTENSION;

/* Device stacks */
DDI_IMPORT(IoAttachDeviceToDeviceStack)
struct _DEVICE_OBJECT *NTAPI IoAttachDeviceToDeviceStack(_In_ struct _DEVICE_OBJECT *SourceDevice, _In_ struct _DEVICE_OBJECT *TargetDevice);
DDI_IMPORT(IoAttachDeviceToDeviceStackSafe)
NTSTATUS NTAPI IoAttachDeviceToDeviceStackSafe(_In_ struct _DEVICE_OBJECT *SourceDevice, _In_ struct _DEVICE_OBJECT *TargetDevice,
                                               _Outptr_ struct _DEVICE_OBJECT **AttachedToDeviceObject);
DDI_IMPORT(IoDetachDevice) VOID NTAPI IoDetachDevice(_Inout_ struct _DEVICE_OBJECT *TargetDevice);
DDI_IMPORT(IoGetAttachedDeviceReference)
struct _DEVICE_OBJECT *NTAPI IoGetAttachedDeviceReference(_In_ struct _DEVICE_OBJECT *DeviceObject);
DDI_IMPORT(IoForwardIrpSynchronously)
BOOLEAN NTAPI IoForwardIrpSynchronously(_In_ struct _DEVICE_OBJECT *DeviceObject, _In_ struct _IRP *Irp);

/* IRP_MN_QUERY_DEVICE_TEXT: Parameters.QueryDeviceText.DeviceTextType, and the locale the text is asked in */
typedef ULONG LCID, *PLCID;
typedef enum {
  DeviceTextDescription = 0,
  DeviceTextLocationInformation = 1
} DEVICE_TEXT_TYPE, *PDEVICE_TEXT_TYPE;

/*
 * IRP_MN_QUERY_INTERFACE: what every interface structure starts with. The exporter fills the caller's
 * structure and references the interface; the caller dereferences it when done.
 */
typedef VOID (NTAPI *PINTERFACE_REFERENCE)(PVOID Context);
typedef VOID (NTAPI *PINTERFACE_DEREFERENCE)(PVOID Context);
typedef struct _INTERFACE {
  USHORT Size;
  USHORT Version;
  PVOID Context;
  PINTERFACE_REFERENCE InterfaceReference;
  PINTERFACE_DEREFERENCE InterfaceDereference;
} INTERFACE, *PINTERFACE;

#endif /* DV_PNP_H */
