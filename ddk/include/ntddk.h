/*
 * ntddk.h - for kernel-mode drivers outside WDM. Everything the simulated kernel exports is in
 * wdm.h, so this adds nothing.
 */
#ifndef DV_NTDDK_H
#define DV_NTDDK_H

#define _NTDDK_
#include <wdm.h>

#endif /* DV_NTDDK_H */
