/*
 * The allocation-heavy loop of figure 5, written as a WDM driver writes it: the same file builds
 * natively (against include/ntddk.h, malloc/free) and, with poolloop-driver.c, with `dv build` for the
 * simulator. Sizes come from a fixed xorshift sequence, so every build makes the same requests.
 */
#include "poolloop.h"

ULONG PoolLoopRun(ULONG Count, ULONG MinSize, ULONG MaxSize)
{
    ULONG span = MaxSize - MinSize + 1;
    ULONG state = 0x2545F491UL;
    ULONG sum = 0;
    ULONG i, j;

    for (i = 0; i < Count; i++) {
        ULONG size;
        PUCHAR block;

        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        size = MinSize + state % span;
        block = (PUCHAR)ExAllocatePoolWithTag(NonPagedPoolNx, size, POOL_LOOP_TAG);
        if (block == NULL) {
            return (ULONG)-1;
        }
        RtlFillMemory(block, size, (UCHAR)i);
        sum += block[i % size];
        /* Walk the block as a checksum or a copy would: a load per ULONG. */
        for (j = 0; j + sizeof(ULONG) <= size; j += sizeof(ULONG)) {
            sum += *(PULONG)(block + j);
        }
        ExFreePoolWithTag(block, POOL_LOOP_TAG);
    }
    return sum;
}
