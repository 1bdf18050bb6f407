/*
 * batclass.h - the battery class driver's interface to battery miniclass drivers: the miniport's
 * callbacks (BATTERY_MINIPORT_INFO) and the class routines. The class driver is its own kernel
 * module, battc.sys, so its routines are imports from module BATTC (BATTC_IMPORT), as a KMDF
 * driver's are from Wdf01000: see src/battc. Our own text, after the DDI reference.
 */
#ifndef DV_BATCLASS_H
#define DV_BATCLASS_H

#include <wdm.h>
#include <poclass.h>
#include <wmilib.h>

EXTERN_C_START

#define BATTC_IMPORT(Name) __attribute__((import_module("BATTC"), import_name(#Name)))
#define BCLASSAPI NTAPI

#define BATTERY_CLASS_MAJOR_VERSION 0x0001
#define BATTERY_CLASS_MINOR_VERSION 0x0000
/* Version 1.1: BATTERY_MINIPORT_INFO_V1_1 with the FDO. */
#define BATTERY_CLASS_MINOR_VERSION_1 0x0001

/* IOCTL_BATTERY_QUERY_STATUS's wait, as the class hands it to the miniport (capacities in mWh). */
typedef struct {
  ULONG PowerState;
  ULONG LowCapacity;
  ULONG HighCapacity;
} BATTERY_NOTIFY, *PBATTERY_NOTIFY;

/* BatteryGranularityInformation returns up to four of these: from Capacity up, reported in steps of Granularity. */
typedef struct _BATTERY_REPORTING_SCALE {
  ULONG Granularity;
  ULONG Capacity;
} BATTERY_REPORTING_SCALE, *PBATTERY_REPORTING_SCALE;

/* The miniport's callbacks. Context is BATTERY_MINIPORT_INFO.Context; all at PASSIVE_LEVEL. */
typedef _Function_class_(BCLASS_QUERY_TAG_CALLBACK) NTSTATUS BCLASS_QUERY_TAG_CALLBACK(_In_ PVOID Context, _Out_ PULONG BatteryTag);
typedef BCLASS_QUERY_TAG_CALLBACK *PBCLASS_QUERY_TAG_CALLBACK;
typedef _Function_class_(BCLASS_QUERY_INFORMATION_CALLBACK) NTSTATUS
BCLASS_QUERY_INFORMATION_CALLBACK(_In_ PVOID Context, _In_ ULONG BatteryTag, _In_ BATTERY_QUERY_INFORMATION_LEVEL Level, _In_ LONG AtRate,
                                  _Out_writes_bytes_to_(BufferLength, *ReturnedLength) PVOID Buffer, _In_ ULONG BufferLength, _Out_ PULONG ReturnedLength);
typedef BCLASS_QUERY_INFORMATION_CALLBACK *PBCLASS_QUERY_INFORMATION_CALLBACK;
typedef _Function_class_(BCLASS_QUERY_STATUS_CALLBACK) NTSTATUS BCLASS_QUERY_STATUS_CALLBACK(_In_ PVOID Context, _In_ ULONG BatteryTag, _Out_ PBATTERY_STATUS BatteryStatus);
typedef BCLASS_QUERY_STATUS_CALLBACK *PBCLASS_QUERY_STATUS_CALLBACK;
typedef _Function_class_(BCLASS_SET_STATUS_NOTIFY_CALLBACK) NTSTATUS BCLASS_SET_STATUS_NOTIFY_CALLBACK(_In_ PVOID Context, _In_ ULONG BatteryTag, _In_ PBATTERY_NOTIFY BatteryNotify);
typedef BCLASS_SET_STATUS_NOTIFY_CALLBACK *PBCLASS_SET_STATUS_NOTIFY_CALLBACK;
typedef _Function_class_(BCLASS_SET_INFORMATION_CALLBACK) NTSTATUS
BCLASS_SET_INFORMATION_CALLBACK(_In_ PVOID Context, _In_ ULONG BatteryTag, _In_ BATTERY_SET_INFORMATION_LEVEL Level, _In_opt_ PVOID Buffer);
typedef BCLASS_SET_INFORMATION_CALLBACK *PBCLASS_SET_INFORMATION_CALLBACK;
typedef _Function_class_(BCLASS_DISABLE_STATUS_NOTIFY_CALLBACK) NTSTATUS BCLASS_DISABLE_STATUS_NOTIFY_CALLBACK(_In_ PVOID Context);
typedef BCLASS_DISABLE_STATUS_NOTIFY_CALLBACK *PBCLASS_DISABLE_STATUS_NOTIFY_CALLBACK;

typedef PBCLASS_QUERY_TAG_CALLBACK BCLASS_QUERY_TAG;
typedef PBCLASS_QUERY_INFORMATION_CALLBACK BCLASS_QUERY_INFORMATION;
typedef PBCLASS_QUERY_STATUS_CALLBACK BCLASS_QUERY_STATUS;
typedef PBCLASS_SET_STATUS_NOTIFY_CALLBACK BCLASS_SET_STATUS_NOTIFY;
typedef PBCLASS_SET_INFORMATION_CALLBACK BCLASS_SET_INFORMATION;
typedef PBCLASS_DISABLE_STATUS_NOTIFY_CALLBACK BCLASS_DISABLE_STATUS_NOTIFY;

/* What BatteryClassInitializeDevice is given. DeviceName NULL: the class names the device itself. */
typedef struct {
  USHORT MajorVersion;
  USHORT MinorVersion;
  PVOID Context;
  BCLASS_QUERY_TAG QueryTag;
  BCLASS_QUERY_INFORMATION QueryInformation;
  BCLASS_SET_INFORMATION SetInformation;
  BCLASS_QUERY_STATUS QueryStatus;
  BCLASS_SET_STATUS_NOTIFY SetStatusNotify;
  BCLASS_DISABLE_STATUS_NOTIFY DisableStatusNotify;
  PDEVICE_OBJECT Pdo;
  PUNICODE_STRING DeviceName;
} BATTERY_MINIPORT_INFO, *PBATTERY_MINIPORT_INFO;

typedef struct {
  USHORT MajorVersion;
  USHORT MinorVersion;
  PVOID Context;
  BCLASS_QUERY_TAG QueryTag;
  BCLASS_QUERY_INFORMATION QueryInformation;
  BCLASS_SET_INFORMATION SetInformation;
  BCLASS_QUERY_STATUS QueryStatus;
  BCLASS_SET_STATUS_NOTIFY SetStatusNotify;
  BCLASS_DISABLE_STATUS_NOTIFY DisableStatusNotify;
  PDEVICE_OBJECT Pdo;
  PUNICODE_STRING DeviceName;
  PDEVICE_OBJECT Fdo;
} BATTERY_MINIPORT_INFO_V1_1, *PBATTERY_MINIPORT_INFO_V1_1;

/* The class routines (battc.sys). ClassData is the handle BatteryClassInitializeDevice returns. */
BATTC_IMPORT(BatteryClassInitializeDevice) NTSTATUS BCLASSAPI BatteryClassInitializeDevice(_In_ PBATTERY_MINIPORT_INFO MiniportInfo, _Out_ PVOID *ClassData);
BATTC_IMPORT(BatteryClassUnload) NTSTATUS BCLASSAPI BatteryClassUnload(_In_ PVOID ClassData);
BATTC_IMPORT(BatteryClassIoctl) NTSTATUS BCLASSAPI BatteryClassIoctl(_In_ PVOID ClassData, _Inout_ PIRP Irp);
BATTC_IMPORT(BatteryClassStatusNotify) NTSTATUS BCLASSAPI BatteryClassStatusNotify(_In_ PVOID ClassData);
BATTC_IMPORT(BatteryClassSystemControl)
NTSTATUS BCLASSAPI BatteryClassSystemControl(_In_ PVOID ClassData, _In_ PVOID WmiLibContext, _In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp, _Out_ PSYSCTL_IRP_DISPOSITION Disposition);
BATTC_IMPORT(BatteryClassQueryWmiDataBlock)
NTSTATUS BCLASSAPI BatteryClassQueryWmiDataBlock(_In_ PVOID ClassData, _Inout_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp, _In_ ULONG GuidIndex,
                                                 _Out_writes_(1) PULONG InstanceLengthArray, _In_ ULONG OutBufferSize, _Out_writes_bytes_opt_(OutBufferSize) PUCHAR Buffer);

EXTERN_C_END

#endif /* DV_BATCLASS_H */
