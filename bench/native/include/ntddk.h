/*
 * A native stand-in for <ntddk.h>, with only what poolloop.c uses: enough to build the driver logic
 * as an ordinary program (stub.c implements the two DDIs on malloc/free). Not the WDK's header.
 */
#pragma once
#include <stddef.h>
#include <string.h>

typedef void VOID, *PVOID;
typedef unsigned char UCHAR, *PUCHAR;
typedef unsigned int ULONG, *PULONG; /* 32 bits, as on Windows */
typedef size_t SIZE_T;
typedef enum _POOL_TYPE { NonPagedPool = 0, PagedPool = 1, NonPagedPoolNx = 512 } POOL_TYPE;

#define _In_
#define _Inout_
#define RtlFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
VOID ExFreePoolWithTag(PVOID P, ULONG Tag);
