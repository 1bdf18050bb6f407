/*
 * FreeWithActiveResource: a context block carries the ERESOURCE that guards it. The teardown frees
 * the block without deleting the resource first, so the kernel's list of resources keeps a pointer
 * into freed pool.
 *
 * Driver Verifier (Miscellaneous checks), at the free: 0xC4 / 0xD2, Parameter 2 = the ERESOURCE,
 * 3 = the pool block, 4 = its size.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

typedef struct _CONTEXT_BLOCK {
    ULONG Generation;
    ERESOURCE Lock;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined: the stop blames FreeContext by name. */
static DECLSPEC_NOINLINE VOID FreeContext(PCONTEXT_BLOCK ctx)
{
    ExFreePoolWithTag(ctx, RULE_TAG); // VIOLATION: the ERESOURCE in it was never deleted
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
