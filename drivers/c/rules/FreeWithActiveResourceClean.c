/*
 * FreeWithActiveResourceClean: a context block carries the ERESOURCE that guards it. The teardown
 * deletes the resource (ExDeleteResourceLite) and then frees the block: nothing points into freed pool.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

typedef struct _CONTEXT_BLOCK {
    ULONG Generation;
    ERESOURCE Lock;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined, as in the violating twin. */
static DECLSPEC_NOINLINE VOID FreeContext(PCONTEXT_BLOCK ctx)
{
    ExDeleteResourceLite(&ctx->Lock);
    ExFreePoolWithTag(ctx, RULE_TAG);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PCONTEXT_BLOCK ctx;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    ctx = (PCONTEXT_BLOCK)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), RULE_TAG);
    if (ctx == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ExInitializeResourceLite(&ctx->Lock);
    DbgPrint("FreeWithActiveResource: block=%p resource=%p\n", ctx, &ctx->Lock);
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&ctx->Lock, TRUE);
    ctx->Generation++;
    ExReleaseResourceLite(&ctx->Lock);
    KeLeaveCriticalRegion();
    FreeContext(ctx);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
