/* <wdfstring.h>: WDFSTRING objects: a UNICODE_STRING the framework owns. */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFSTRING_H_
#define _WDFSTRING_H_

EXTERN_C_START

WDF_IMPORT(WdfStringCreate)
NTSTATUS WdfStringCreate(PCUNICODE_STRING UnicodeString, PWDF_OBJECT_ATTRIBUTES StringAttributes, WDFSTRING *String);

WDF_IMPORT(WdfStringGetUnicodeString)
VOID WdfStringGetUnicodeString(WDFSTRING String, PUNICODE_STRING UnicodeString);

EXTERN_C_END

#endif /* _WDFSTRING_H_ */
