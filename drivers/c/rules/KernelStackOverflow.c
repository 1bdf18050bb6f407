/*
 * KernelStackOverflow: DriverEntry resolves the name of its data file through a table of aliases, one
 * recursive call per alias, each with the name it resolves in a buffer on the stack. The table is
 * misconfigured (two aliases name each other) and the recursion has no depth limit: it runs until
 * the 12 KiB kernel stack is used up.
 *
 * The first touch of the guard page below the stack is a double fault: 0x7F
 * UNEXPECTED_KERNEL_MODE_TRAP, Parameter 1 = 8 (EXCEPTION_DOUBLE_FAULT), 2-4 = 0. The line marked is
 * where it happens: the copy into the local buffer of the frame that no longer fits. C only: a
 * TypeScript driver has no stack of its own on the kernel stack (its frames are the host's).
 */
#include <ntddk.h>

#define NAME_CHARS 48

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

/* Not inlined: the verifier blames Resolve by name (KernelStackOverflow!Resolve). */
static DECLSPEC_NOINLINE NTSTATUS Resolve(_In_ PCWSTR Name, _Out_ PULONG Depth)
{
    WCHAR name[NAME_CHARS];
    PCWSTR target;
    NTSTATUS status;
    ULONG i;

    for (i = 0; Name[i] != L'\0'; i++) {
        if (i == NAME_CHARS - 1) {
            return STATUS_NAME_TOO_LONG;
        }
        name[i] = Name[i]; // VIOLATION: the first write to a frame below the stack
    }
    name[i] = L'\0';
    target = FindAlias(name);
    if (target == NULL) {
        *Depth = 0;
        return STATUS_SUCCESS;
    }
    status = Resolve(target, Depth); /* the bug: no depth limit, and the aliases form a cycle */
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
    status = Resolve(L"DataFile", &depth);
    DbgPrint("KernelStackOverflow: resolved through %lu aliases: 0x%08lx\n", depth, status);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
