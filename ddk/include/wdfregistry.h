/*
 * <wdfregistry.h>: WDFKEY objects: registry keys the framework opens for the driver (its service
 * key's Parameters, a device's hardware or software key, any key by name) and the typed queries and
 * assignments of their values. Every routine here runs at PASSIVE_LEVEL.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFREGISTRY_H_
#define _WDFREGISTRY_H_

EXTERN_C_START

/* ParentKey NULL: KeyName is a full name (\Registry\Machine\...). */
WDF_IMPORT(WdfRegistryOpenKey)
NTSTATUS WdfRegistryOpenKey(WDFKEY ParentKey, PCUNICODE_STRING KeyName, ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes,
                            WDFKEY *Key);

WDF_IMPORT(WdfRegistryCreateKey)
NTSTATUS WdfRegistryCreateKey(WDFKEY ParentKey, PCUNICODE_STRING KeyName, ACCESS_MASK DesiredAccess, ULONG CreateOptions,
                              PULONG CreateDisposition, PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key);

WDF_IMPORT(WdfRegistryClose)
VOID WdfRegistryClose(WDFKEY Key);

WDF_IMPORT(WdfRegistryWdmGetHandle)
HANDLE WdfRegistryWdmGetHandle(WDFKEY Key);

WDF_IMPORT(WdfRegistryRemoveKey)
NTSTATUS WdfRegistryRemoveKey(WDFKEY Key);

WDF_IMPORT(WdfRegistryRemoveValue)
NTSTATUS WdfRegistryRemoveValue(WDFKEY Key, PCUNICODE_STRING ValueName);

/* A buffer too small: STATUS_BUFFER_OVERFLOW, *ValueLengthQueried the length needed. */
WDF_IMPORT(WdfRegistryQueryValue)
NTSTATUS WdfRegistryQueryValue(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueLength, PVOID Value, PULONG ValueLengthQueried,
                               PULONG ValueType);

WDF_IMPORT(WdfRegistryQueryMemory)
NTSTATUS WdfRegistryQueryMemory(WDFKEY Key, PCUNICODE_STRING ValueName, POOL_TYPE PoolType, PWDF_OBJECT_ATTRIBUTES MemoryAttributes,
                                WDFMEMORY *Memory, PULONG ValueType);

WDF_IMPORT(WdfRegistryQueryMultiString)
NTSTATUS WdfRegistryQueryMultiString(WDFKEY Key, PCUNICODE_STRING ValueName, PWDF_OBJECT_ATTRIBUTES StringsAttributes,
                                     WDFCOLLECTION Collection);

WDF_IMPORT(WdfRegistryQueryUnicodeString)
NTSTATUS WdfRegistryQueryUnicodeString(WDFKEY Key, PCUNICODE_STRING ValueName, PUSHORT ValueByteLength, PUNICODE_STRING Value);

WDF_IMPORT(WdfRegistryQueryString)
NTSTATUS WdfRegistryQueryString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String);

/* Not a REG_DWORD: STATUS_OBJECT_TYPE_MISMATCH. */
WDF_IMPORT(WdfRegistryQueryULong)
NTSTATUS WdfRegistryQueryULong(WDFKEY Key, PCUNICODE_STRING ValueName, PULONG Value);

WDF_IMPORT(WdfRegistryAssignValue)
NTSTATUS WdfRegistryAssignValue(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType, ULONG ValueLength, PVOID Value);

WDF_IMPORT(WdfRegistryAssignMemory)
NTSTATUS WdfRegistryAssignMemory(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType, WDFMEMORY Memory, PWDFMEMORY_OFFSET MemoryOffsets);

WDF_IMPORT(WdfRegistryAssignMultiString)
NTSTATUS WdfRegistryAssignMultiString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFCOLLECTION StringsCollection);

WDF_IMPORT(WdfRegistryAssignUnicodeString)
NTSTATUS WdfRegistryAssignUnicodeString(WDFKEY Key, PCUNICODE_STRING ValueName, PCUNICODE_STRING Value);

WDF_IMPORT(WdfRegistryAssignString)
NTSTATUS WdfRegistryAssignString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String);

WDF_IMPORT(WdfRegistryAssignULong)
NTSTATUS WdfRegistryAssignULong(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG Value);

/* The keys drivers and devices own (declared by wdfdriver.h, wdfdevice.h and wdffdo.h in the WDK). */
WDF_IMPORT(WdfDriverOpenParametersRegistryKey)
NTSTATUS WdfDriverOpenParametersRegistryKey(WDFDRIVER Driver, ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key);

/* UMDF's ServiceName-subkey flags; KMDF passes DeviceInstanceKeyType to IoOpenDeviceRegistryKey, which refuses them. */
#define WDF_REGKEY_DEVICE_SUBKEY 256
#define WDF_REGKEY_DRIVER_SUBKEY 256

WDF_IMPORT(WdfDeviceOpenRegistryKey)
NTSTATUS WdfDeviceOpenRegistryKey(WDFDEVICE Device, ULONG DeviceInstanceKeyType, ACCESS_MASK DesiredAccess,
                                  PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key);

/* HKLM\HARDWARE\DEVICEMAP\KeyName, created volatile. */
WDF_IMPORT(WdfDeviceOpenDevicemapKey)
NTSTATUS WdfDeviceOpenDevicemapKey(WDFDEVICE Device, PCUNICODE_STRING KeyName, ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes,
                                   WDFKEY *Key);

WDF_IMPORT(WdfFdoInitOpenRegistryKey)
NTSTATUS WdfFdoInitOpenRegistryKey(PWDFDEVICE_INIT DeviceInit, ULONG DeviceInstanceKeyType, ACCESS_MASK DesiredAccess,
                                   PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key);

EXTERN_C_END

#endif /* _WDFREGISTRY_H_ */
