/*
 * ntifs.h - for file system and filter drivers. The simulated kernel exports no file system DDIs
 * yet, so this is ntddk.h and the device stack routines ntifs.h declares (dv/pnpifs.h): a driver that
 * includes it builds, and one that calls a routine the kernel lacks is told so by name.
 */
#ifndef DV_NTIFS_H
#define DV_NTIFS_H

#define _NTIFS_
#include <ntddk.h>

EXTERN_C_START
#include <dv/pnpifs.h>
EXTERN_C_END

#endif /* DV_NTIFS_H */
