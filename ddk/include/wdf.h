/*
 * <wdf.h>: the Kernel-Mode Driver Framework, as drivers include it. Our own text over the KMDF DDI
 * reference (names, types, values; KMDF 1.15+ semantics, version 1.33 by default).
 *
 * Each WdfXxx DDI is a wasm import from module "Wdf01000" (WDF_IMPORT), with the WDK's prototype
 * minus the hidden PWDF_DRIVER_GLOBALS first parameter: the framework knows the calling driver from
 * the import binding (each image has its own bound imports), so no function table is needed. See
 * ddk/README.md, "KMDF", for why.
 */
#ifndef _WDF_H_
#define _WDF_H_

#include <ntddk.h>
#include <wdmsec.h>

#ifndef KMDF_VERSION_MAJOR
#define KMDF_VERSION_MAJOR 1
#endif
#ifndef KMDF_VERSION_MINOR
#define KMDF_VERSION_MINOR 33
#endif

/* A framework DDI: imported from Wdf01000 under its own name. */
#define WDF_IMPORT(Name) __attribute__((import_module("Wdf01000"), import_name(#Name)))

/* Every DDI this header declares is bound at load: a driver never needs to probe for one. */
#define WDF_IS_FUNCTION_AVAILABLE(FunctionName) TRUE
#define WDF_IS_STRUCTURE_AVAILABLE(StructureName) TRUE
#define WDF_STRUCTURE_SIZE(StructName) ((ULONG)sizeof(StructName))

#define WDF_EXTERN_C_START EXTERN_C_START
#define WDF_EXTERN_C_END EXTERN_C_END

#include <wdftypes.h>
#include <wdfglobals.h>
#include <wdffuncenum.h>
#include <wdfassert.h>
#include <wdfbugcodes.h>
#include <wdfobject.h>
#include <wdfcore.h>
#include <wdfdriver.h>
#include <wdfmemory.h>
#include <wdfstring.h>
#include <wdfcollection.h>
#include <wdfrequest.h>
#include <wdfdevice.h>
#include <wdfwake.h>
#include <wdfcontrol.h>
#include <wdffileobject.h>
#include <wdfio.h>
#include <wdfchildlist.h>
#include <wdffdo.h>
#include <wdfpdo.h>
#include <wdfqueryinterface.h>
#include <wdfresource.h>
#include <wdfiotarget.h>
#include <wdfsync.h>
#include <wdftimer.h>
#include <wdfworkitem.h>
#include <wdfdpc.h>
#include <wdfinterrupt.h>
#include <wdfwmi.h>
#include <wdfregistry.h>
#include <wdfdmaenabler.h>
#include <wdfcommonbuffer.h>
#include <wdfdmatransaction.h>

#endif /* _WDF_H_ */
