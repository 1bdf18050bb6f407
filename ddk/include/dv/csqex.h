/*
 * dv/csqex.h - the Ex forms of the cancel-safe queue (src/kernel/io/csq-ex.ts): an insert routine
 * that takes a context and may refuse the IRP.
 */
#ifndef DV_CSQEX_H
#define DV_CSQEX_H

#define IO_TYPE_CSQ_EX 3

typedef NTSTATUS IO_CSQ_INSERT_IRP_EX(_In_ struct _IO_CSQ *Csq, _In_ PIRP Irp, _In_ PVOID InsertContext);
typedef IO_CSQ_INSERT_IRP_EX *PIO_CSQ_INSERT_IRP_EX;

DDI_IMPORT(IoCsqInitializeEx)
NTSTATUS NTAPI IoCsqInitializeEx(_Out_ PIO_CSQ Csq, _In_ PIO_CSQ_INSERT_IRP_EX CsqInsertIrp, _In_ PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                                 _In_ PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, _In_ PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                                 _In_ PIO_CSQ_RELEASE_LOCK CsqReleaseLock, _In_ PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
DDI_IMPORT(IoCsqInsertIrpEx)
NTSTATUS NTAPI IoCsqInsertIrpEx(_Inout_ PIO_CSQ Csq, _Inout_ PIRP Irp, _Out_opt_ PIO_CSQ_IRP_CONTEXT Context, _In_opt_ PVOID InsertContext);

#endif /* DV_CSQEX_H */
