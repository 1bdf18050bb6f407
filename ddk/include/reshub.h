/*
 * reshub.h - the resource hub's names: a driver given a CmResourceTypeConnection resource opens
 * \Device\RESOURCE_HUB\<ID as 16 hex digits> (ZwCreateFile, WdfIoTargetOpen) to reach the GPIO or
 * serial-bus controller behind it. RESOURCE_HUB_CREATE_PATH_FROM_ID writes that name into a
 * UNICODE_STRING the caller provides (RESOURCE_HUB_PATH_SIZE bytes). Our own text, after the DDI
 * reference.
 */
#ifndef DV_RESHUB_H
#define DV_RESHUB_H

#include <wdm.h>
#include <ntstrsafe.h>

#define RESOURCE_HUB_DEVICE_NAME L"\\Device\\RESOURCE_HUB"
#define RESOURCE_HUB_DEVICE_NAME_PREFIX L"\\Device\\RESOURCE_HUB\\"
/* The 64-bit connection ID in hex. */
#define RESOURCE_HUB_ID_CHARS 16
/* The whole path, its terminating NUL included. */
#define RESOURCE_HUB_PATH_CHARS (ARRAYSIZE(RESOURCE_HUB_DEVICE_NAME_PREFIX) - 1 + RESOURCE_HUB_ID_CHARS + 1)
#define RESOURCE_HUB_PATH_SIZE (RESOURCE_HUB_PATH_CHARS * sizeof(WCHAR))

/* STATUS_BUFFER_OVERFLOW when the string's buffer is too small for the path. */
FORCEINLINE NTSTATUS DvResourceHubCreatePathFromId(_Inout_ PUNICODE_STRING Path, _In_ ULONG IdLowPart, _In_ ULONG IdHighPart)
{
  return RtlUnicodeStringPrintf(Path, L"%ws%08x%08x", RESOURCE_HUB_DEVICE_NAME_PREFIX, IdHighPart, IdLowPart);
}
#define RESOURCE_HUB_CREATE_PATH_FROM_ID(Path, IdLowPart, IdHighPart) DvResourceHubCreatePathFromId((Path), (IdLowPart), (IdHighPart))

#endif /* DV_RESHUB_H */
