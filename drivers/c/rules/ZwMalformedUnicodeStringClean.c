/*
 * ZwMalformedUnicodeStringClean: reading its Threshold setting, the driver builds the value's name
 * by hand with its Length in bytes, as UNICODE_STRING counts it.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static const WCHAR ThresholdText[] = L"Threshold";

typedef struct _THRESHOLD_VALUE {
    KEY_VALUE_PARTIAL_INFORMATION Info;
    ULONG Data;
} THRESHOLD_VALUE;

/* Not inlined, as in the violating twin: ReadThreshold by name. */
static DECLSPEC_NOINLINE ULONG ReadThreshold(_In_ HANDLE key)
{
    UNICODE_STRING name;
    THRESHOLD_VALUE value;
    ULONG resultLength = 0;
    NTSTATUS status;

    name.Buffer = (PWCH)ThresholdText;
    name.MaximumLength = sizeof(ThresholdText);
    name.Length = (USHORT)(sizeof(ThresholdText) - sizeof(WCHAR)); /* bytes, without the terminator */
    DbgPrint("ZwMalformedUnicodeString: name=%p\n", &name);
    status = ZwQueryValueKey(key, &name, KeyValuePartialInformation, &value, sizeof(value), &resultLength);
    return NT_SUCCESS(status) && value.Info.DataLength == sizeof(ULONG) ? value.Data : 10;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    OBJECT_ATTRIBUTES attributes;
    HANDLE key;
    NTSTATUS status;
    ULONG threshold;

    InitializeObjectAttributes(&attributes, RegistryPath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&key, KEY_READ, &attributes);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    threshold = ReadThreshold(key);
    ZwClose(key);
    DbgPrint("ZwMalformedUnicodeString: threshold %u\n", threshold);
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
