/* The two DDIs poolloop.c calls, natively: the pool is malloc/free; type and tag are not kept. */
#include <stdlib.h>
#include <ntddk.h>

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    (void)PoolType;
    (void)Tag;
    return malloc(NumberOfBytes);
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    (void)Tag;
    free(P);
}
