/* <wdfcollection.h>: WDFCOLLECTION: an ordered list of framework objects, each referenced while in it. */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFCOLLECTION_H_
#define _WDFCOLLECTION_H_

EXTERN_C_START

WDF_IMPORT(WdfCollectionCreate)
NTSTATUS WdfCollectionCreate(PWDF_OBJECT_ATTRIBUTES CollectionAttributes, WDFCOLLECTION *Collection);

WDF_IMPORT(WdfCollectionGetCount)
ULONG WdfCollectionGetCount(WDFCOLLECTION Collection);

WDF_IMPORT(WdfCollectionAdd)
NTSTATUS WdfCollectionAdd(WDFCOLLECTION Collection, WDFOBJECT Object);

WDF_IMPORT(WdfCollectionRemove)
VOID WdfCollectionRemove(WDFCOLLECTION Collection, WDFOBJECT Item);

WDF_IMPORT(WdfCollectionRemoveItem)
VOID WdfCollectionRemoveItem(WDFCOLLECTION Collection, ULONG Index);

WDF_IMPORT(WdfCollectionGetItem)
WDFOBJECT WdfCollectionGetItem(WDFCOLLECTION Collection, ULONG Index);

WDF_IMPORT(WdfCollectionGetFirstItem)
WDFOBJECT WdfCollectionGetFirstItem(WDFCOLLECTION Collection);

WDF_IMPORT(WdfCollectionGetLastItem)
WDFOBJECT WdfCollectionGetLastItem(WDFCOLLECTION Collection);

EXTERN_C_END

#endif /* _WDFCOLLECTION_H_ */
