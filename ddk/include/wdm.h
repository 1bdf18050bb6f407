/*
 * wdm.h - the Windows Driver Model header for drivers built with `dv build` into wasm32 modules that
 * run in the simulated kernel. Our own text: declarations follow the DDI reference and
 * src/nt/layout.ts, not the WDK's headers.
 *
 * Every DDI is a wasm import from "ntoskrnl" under its NT name (DDI_IMPORT); `dv build` refuses a
 * driver that imports anything else. docs/ddi-support.md lists the DDIs the kernel exports.
 */
#ifndef DV_WDM_H
#define DV_WDM_H

#define _WDMDDK_

#include <ntdef.h>
#include <ntstatus.h>
#include <guiddef.h>
#include <string.h>

EXTERN_C_START
#include <dv/seh.h>
#include <dv/interlocked.h>
#include <dv/ke.h>
#include <dv/list.h>
#include <dv/rtl.h>
#include <dv/ex.h>
#include <dv/ob.h>
#include <dv/ps.h>
#include <dv/mm.h>
#include <dv/mmpages.h>
#include <dv/pnp.h>
#include <dv/io.h>
#include <dv/csq.h>
#include <dv/removelock.h>
#include <dv/iobuild.h>
#include <dv/csqex.h>
#include <dv/iodevice.h>
#include <dv/dbg.h>
#include <dv/exke.h>
#include <dv/cm.h>
#include <dv/tm.h>
#include <dv/cmcallback.h>
#include <dv/exver.h>
#include <dv/obcallback.h>
#include <dv/callers.h>
#include <dv/hal.h>
#include <dv/stacklimits.h>
#include <dv/iowmi.h>
#include <dv/devprop.h>
#include <dv/resources.h>
#include <dv/ioresource.h>
#include <dv/pnpnotify.h>
#include <dv/pnpbus.h>
#include <dv/queuedspin.h>
#include <dv/pofx.h>
#include <dv/etw.h>
#include <dv/wpprecorder.h>
#include <dv/zwfile.h>
#include <dv/posetting.h>
#include <dv/polimit.h>
#include <dv/iorelated.h>
#include <dv/vdbgprint.h>

EXTERN_C_END

#endif /* DV_WDM_H */
