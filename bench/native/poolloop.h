/*
 * The pool loop shared by the native build (main.c) and the driver build (poolloop-driver.c).
 */
#pragma once
#include <ntddk.h>

/* Pool tag 'Lool' as kd prints it (the bytes L o o l, little-endian). */
#define POOL_LOOP_TAG 0x6c6f6f4cUL

/* CTL_CODE(FILE_DEVICE_UNKNOWN, 0x903, METHOD_BUFFERED, FILE_ANY_ACCESS); input POOL_LOOP_INPUT, output ULONG. */
#define IOCTL_POOL_LOOP 0x0022240CUL

typedef struct _POOL_LOOP_INPUT {
    ULONG Count;
    ULONG MinSize;
    ULONG MaxSize;
} POOL_LOOP_INPUT, *PPOOL_LOOP_INPUT;

/* Count times: allocate NonPagedPoolNx of MinSize..MaxSize bytes, write every byte, read it back a
   ULONG at a time, free.
   Returns a checksum of what was read back, or (ULONG)-1 when an allocation failed. */
ULONG PoolLoopRun(ULONG Count, ULONG MinSize, ULONG MaxSize);
