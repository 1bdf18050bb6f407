/*
 * ntddk.h - for kernel-mode drivers outside WDM: wdm.h, and what the WDK declares here only
 * (process, thread and image-load notify routines).
 */
#ifndef DV_NTDDK_H
#define DV_NTDDK_H

#define _NTDDK_
#include <wdm.h>
EXTERN_C_START
#include <dv/psnotify.h>
EXTERN_C_END

#endif /* DV_NTDDK_H */
