/*
 * KernelStackOverflowClean: the same alias table with the same cycle; the recursion stops at a depth
 * limit and fails with STATUS_TOO_MANY_LINKS, which DriverEntry traces (the driver runs without its
 * data file).
 */
#include <ntddk.h>

#define NAME_CHARS 48
#define MAX_ALIAS_DEPTH 8
#ifndef STATUS_TOO_MANY_LINKS
#define STATUS_TOO_MANY_LINKS ((NTSTATUS)0xC0000265L)
#endif

typedef struct _ALIAS {
    PCWSTR Name;
    PCWSTR Target;
} ALIAS;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static const ALIAS Aliases[] = {
    { L"DataFile", L"Current" },
    { L"Current", L"Previous" },
    { L"Previous", L"Current" }, /* should name the file itself */
};

static PCWSTR FindAlias(_In_ PCWSTR Name)
{
    ULONG i;

    for (i = 0; i < ARRAYSIZE(Aliases); i++) {
        if (wcscmp(Aliases[i].Name, Name) == 0) {
            return Aliases[i].Target;
        }
    }
    return NULL;
}

/* Not inlined, as in KernelStackOverflow.c. */
static DECLSPEC_NOINLINE NTSTATUS Resolve(_In_ PCWSTR Name, _In_ ULONG Level, _Out_ PULONG Depth)
{
    WCHAR name[NAME_CHARS];
    PCWSTR target;
    NTSTATUS status;
    ULONG i;

    if (Level > MAX_ALIAS_DEPTH) {
        return STATUS_TOO_MANY_LINKS;
    }
    for (i = 0; Name[i] != L'\0'; i++) {
        if (i == NAME_CHARS - 1) {
            return STATUS_NAME_TOO_LONG;
        }
        name[i] = Name[i];
    }
    name[i] = L'\0';
    target = FindAlias(name);
    if (target == NULL) {
        *Depth = 0;
        return STATUS_SUCCESS;
    }
    status = Resolve(target, Level + 1, Depth);
    if (NT_SUCCESS(status)) {
        *Depth += 1;
    }
    return status;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    ULONG depth;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    depth = 0;
    status = Resolve(L"DataFile", 0, &depth);
    DbgPrint("KernelStackOverflowClean: resolved through %lu aliases: 0x%08lx\n", depth, status);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
