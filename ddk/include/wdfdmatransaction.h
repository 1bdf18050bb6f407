/*
 * <wdfdmatransaction.h>: DMA transactions (WDFDMATRANSACTION): one transfer of an MDL's bytes, staged
 * in pieces of at most the enabler's maximum length, each mapped by the enabler's adapter and handed to
 * the driver's EVT_WDF_PROGRAM_DMA as a scatter/gather list (src/wdf/dma-transaction.ts). A call in the
 * wrong state (Execute before Initialize, DmaCompleted with no transfer under way) is 0x10D/0x8.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFDMATRANSACTION_H_
#define _WDFDMATRANSACTION_H_

EXTERN_C_START

typedef BOOLEAN EVT_WDF_PROGRAM_DMA(WDFDMATRANSACTION Transaction, WDFDEVICE Device, WDFCONTEXT Context, WDF_DMA_DIRECTION Direction,
                                    PSCATTER_GATHER_LIST SgList);
typedef EVT_WDF_PROGRAM_DMA *PFN_WDF_PROGRAM_DMA;

WDF_IMPORT(WdfDmaTransactionCreate)
NTSTATUS WdfDmaTransactionCreate(WDFDMAENABLER DmaEnabler, PWDF_OBJECT_ATTRIBUTES Attributes, WDFDMATRANSACTION *DmaTransaction);

WDF_IMPORT(WdfDmaTransactionInitialize)
NTSTATUS WdfDmaTransactionInitialize(WDFDMATRANSACTION DmaTransaction, PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction, WDF_DMA_DIRECTION DmaDirection,
                                     PMDL Mdl, PVOID VirtualAddress, size_t Length);

/* A read or write with direct I/O: its MDL's whole buffer. */
WDF_IMPORT(WdfDmaTransactionInitializeUsingRequest)
NTSTATUS WdfDmaTransactionInitializeUsingRequest(WDFDMATRANSACTION DmaTransaction, WDFREQUEST Request, PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction,
                                                 WDF_DMA_DIRECTION DmaDirection);

/* The first stage is programmed (EVT_WDF_PROGRAM_DMA called) before it returns. */
WDF_IMPORT(WdfDmaTransactionExecute)
NTSTATUS WdfDmaTransactionExecute(WDFDMATRANSACTION DmaTransaction, WDFCONTEXT Context);

/* TRUE: the transfer is over (*Status its end); FALSE: the next stage was programmed (*Status STATUS_MORE_PROCESSING_REQUIRED). */
WDF_IMPORT(WdfDmaTransactionDmaCompleted)
BOOLEAN WdfDmaTransactionDmaCompleted(WDFDMATRANSACTION DmaTransaction, NTSTATUS *Status);

WDF_IMPORT(WdfDmaTransactionDmaCompletedWithLength)
BOOLEAN WdfDmaTransactionDmaCompletedWithLength(WDFDMATRANSACTION DmaTransaction, size_t TransferredLength, NTSTATUS *Status);

WDF_IMPORT(WdfDmaTransactionDmaCompletedFinal)
BOOLEAN WdfDmaTransactionDmaCompletedFinal(WDFDMATRANSACTION DmaTransaction, size_t FinalTransferredLength, NTSTATUS *Status);

WDF_IMPORT(WdfDmaTransactionGetBytesTransferred)
size_t WdfDmaTransactionGetBytesTransferred(WDFDMATRANSACTION DmaTransaction);

WDF_IMPORT(WdfDmaTransactionGetCurrentDmaTransferLength)
size_t WdfDmaTransactionGetCurrentDmaTransferLength(WDFDMATRANSACTION DmaTransaction);

/* Before Execute; reset by Release. */
WDF_IMPORT(WdfDmaTransactionSetMaximumLength)
VOID WdfDmaTransactionSetMaximumLength(WDFDMATRANSACTION DmaTransaction, size_t MaximumLength);

/* Before Initialize; reset by Release. */
WDF_IMPORT(WdfDmaTransactionSetSingleTransferRequirement)
VOID WdfDmaTransactionSetSingleTransferRequirement(WDFDMATRANSACTION DmaTransaction, BOOLEAN RequireSingleTransfer);

WDF_IMPORT(WdfDmaTransactionGetRequest)
WDFREQUEST WdfDmaTransactionGetRequest(WDFDMATRANSACTION DmaTransaction);

WDF_IMPORT(WdfDmaTransactionGetDevice)
WDFDEVICE WdfDmaTransactionGetDevice(WDFDMATRANSACTION DmaTransaction);

WDF_IMPORT(WdfDmaTransactionRelease)
NTSTATUS WdfDmaTransactionRelease(WDFDMATRANSACTION DmaTransaction);

EXTERN_C_END

#endif /* _WDFDMATRANSACTION_H_ */
