/*
 * wdmsec.c - the wdmsec.lib routines of <wdmsec.h>, linked into the driver as on Windows.
 */
#include <wdmsec.h>

#define CRT __attribute__((weak))

/* The device-object SDDL subset: "D:P" then terms "(A;;<access>;;;<sid>)". */
static BOOLEAN ValidDeviceSddl(PCUNICODE_STRING s) {
  if (s == NULL || s->Buffer == NULL) return FALSE;
  USHORT n = s->Length / sizeof(WCHAR);
  const WCHAR *p = s->Buffer;
  if (n < 3 || p[0] != L'D' || p[1] != L':' || p[2] != L'P') return FALSE;
  for (USHORT i = 3; i < n;) {
    if (p[i] != L'(') return FALSE;
    USHORT semis = 0;
    for (i++; i < n && p[i] != L')'; i++) semis += p[i] == L';';
    if (i == n || semis != 5) return FALSE;
    i++;
  }
  return TRUE;
}

CRT NTSTATUS WdmlibIoCreateDeviceSecure(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize, PUNICODE_STRING DeviceName,
                                        DEVICE_TYPE DeviceType, ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                        PCUNICODE_STRING DefaultSDDLString, LPCGUID DeviceClassGuid, PDEVICE_OBJECT *DeviceObject) {
  UNREFERENCED_PARAMETER(DeviceClassGuid);
  if (!ValidDeviceSddl(DefaultSDDLString)) return STATUS_INVALID_PARAMETER;
  return IoCreateDevice(DriverObject, DeviceExtensionSize, DeviceName, DeviceType, DeviceCharacteristics, Exclusive, DeviceObject);
}

CRT NTSTATUS WdmlibRtlInitUnicodeStringEx(PUNICODE_STRING DestinationString, PCWSTR SourceString) {
  size_t n = 0;
  DestinationString->Length = DestinationString->MaximumLength = 0;
  DestinationString->Buffer = (PWCH)SourceString;
  if (SourceString == NULL) return STATUS_SUCCESS;
  while (SourceString[n]) {
    if (++n > UNICODE_STRING_MAX_BYTES / sizeof(WCHAR) - 1) {
      DestinationString->Buffer = NULL;
      return STATUS_NAME_TOO_LONG;
    }
  }
  DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
  DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
  return STATUS_SUCCESS;
}
