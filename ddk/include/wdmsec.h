/*
 * wdmsec.h - IoCreateDeviceSecure and the SDDL strings for device objects. On Windows these come
 * from wdmsec.lib, a library linked into the driver (the names are macros for Wdmlib* routines);
 * here the library is part of the driver runtime (ddk/crt/wdmsec.c).
 *
 * The simulated kernel has no security descriptors: IoCreateDeviceSecure checks that the SDDL string
 * is of the device-object form ("D:P" then "(A;;access;;;sid)" terms) and creates the device with
 * IoCreateDevice. DeviceClassGuid (the class's registry override of the SDDL) is accepted and unused.
 */
#ifndef DV_WDMSEC_H
#define DV_WDMSEC_H

#include <wdm.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SYstem, Builtin Administrators, WorlD (everyone), Restricted Code; GA/GR/GW/GX generic rights */
#define DV_SDDL(Name, Text) static const UNICODE_STRING Name = RTL_CONSTANT_STRING(Text)
DV_SDDL(SDDL_DEVOBJ_KERNEL_ONLY, L"D:P");
DV_SDDL(SDDL_DEVOBJ_SYS_ALL, L"D:P(A;;GA;;;SY)");
DV_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_ALL, L"D:P(A;;GA;;;SY)(A;;GA;;;BA)");
DV_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RX, L"D:P(A;;GA;;;SY)(A;;GRGX;;;BA)");
DV_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)");
DV_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)");
DV_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)");
DV_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)");
#undef DV_SDDL
#define SDDL_DEVOBJ_INF_SUPPLIED SDDL_DEVOBJ_KERNEL_ONLY

#undef IoCreateDeviceSecure
#define IoCreateDeviceSecure WdmlibIoCreateDeviceSecure
/* STATUS_INVALID_PARAMETER for a missing or malformed SDDL string; else IoCreateDevice's result. */
NTSTATUS WdmlibIoCreateDeviceSecure(_In_ PDRIVER_OBJECT DriverObject, _In_ ULONG DeviceExtensionSize, _In_opt_ PUNICODE_STRING DeviceName,
                                    _In_ DEVICE_TYPE DeviceType, _In_ ULONG DeviceCharacteristics, _In_ BOOLEAN Exclusive,
                                    _In_ PCUNICODE_STRING DefaultSDDLString, _In_opt_ LPCGUID DeviceClassGuid,
                                    _Out_ PDEVICE_OBJECT *DeviceObject);

#undef RtlInitUnicodeStringEx
#define RtlInitUnicodeStringEx WdmlibRtlInitUnicodeStringEx
/* RtlInitUnicodeString that fails with STATUS_NAME_TOO_LONG past 32766 characters. */
NTSTATUS WdmlibRtlInitUnicodeStringEx(_Out_ PUNICODE_STRING DestinationString, _In_opt_z_ PCWSTR SourceString);

#ifdef __cplusplus
}
#endif

#endif /* DV_WDMSEC_H */
