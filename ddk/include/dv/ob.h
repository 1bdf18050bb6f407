/*
 * dv/ob.h - object manager (src/kernel/ob): reference counts.
 */
#ifndef DV_OB_H
#define DV_OB_H

/* Object types are opaque. The exported type objects (*PsThreadType...) are data, which a wasm
   import cannot be: pass NULL for ObjectType (the kernel does not check types yet). */
typedef struct _OBJECT_TYPE *POBJECT_TYPE;
typedef struct _OBJECT_HANDLE_INFORMATION {
  ULONG HandleAttributes;
  ACCESS_MASK GrantedAccess;
} OBJECT_HANDLE_INFORMATION, *POBJECT_HANDLE_INFORMATION;

DDI_IMPORT(ObfReferenceObject) LONG_PTR FASTCALL ObfReferenceObject(_In_ PVOID Object);
DDI_IMPORT(ObReferenceObject) LONG_PTR NTAPI ObReferenceObject(_In_ PVOID Object);
DDI_IMPORT(ObfDereferenceObject) LONG_PTR FASTCALL ObfDereferenceObject(_In_ PVOID Object);
DDI_IMPORT(ObDereferenceObject) LONG_PTR NTAPI ObDereferenceObject(_In_ PVOID Object);

DDI_IMPORT(ObReferenceObjectByPointer)
NTSTATUS NTAPI ObReferenceObjectByPointer(_In_ PVOID Object, _In_ ACCESS_MASK DesiredAccess, _In_opt_ POBJECT_TYPE ObjectType,
                                          _In_ KPROCESSOR_MODE AccessMode);
/* *Object receives the object, referenced: release it with ObDereferenceObject. */
DDI_IMPORT(ObReferenceObjectByHandle)
NTSTATUS NTAPI ObReferenceObjectByHandle(_In_ HANDLE Handle, _In_ ACCESS_MASK DesiredAccess, _In_opt_ POBJECT_TYPE ObjectType,
                                         _In_ KPROCESSOR_MODE AccessMode, _Out_ PVOID *Object,
                                         _Out_opt_ POBJECT_HANDLE_INFORMATION HandleInformation);

/* As in wdm.h, the macros call the fastcall forms. */
#define ObReferenceObject(Object) ObfReferenceObject(Object)
#define ObDereferenceObject(Object) ObfDereferenceObject(Object)

#endif /* DV_OB_H */
