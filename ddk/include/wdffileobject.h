/* <wdffileobject.h>: WDFFILEOBJECT: the framework's object for each FILE_OBJECT opened on a device. */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFFILEOBJECT_H_
#define _WDFFILEOBJECT_H_

EXTERN_C_START

WDF_IMPORT(WdfFileObjectGetFileName)
PUNICODE_STRING WdfFileObjectGetFileName(WDFFILEOBJECT FileObject);

WDF_IMPORT(WdfFileObjectGetFlags)
ULONG WdfFileObjectGetFlags(WDFFILEOBJECT FileObject);

WDF_IMPORT(WdfFileObjectGetDevice)
WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT FileObject);

WDF_IMPORT(WdfFileObjectWdmGetFileObject)
PFILE_OBJECT WdfFileObjectWdmGetFileObject(WDFFILEOBJECT FileObject);

EXTERN_C_END

#endif /* _WDFFILEOBJECT_H_ */
