/*
 * ntddscsi.h - the SCSI port's I/O controls (IOCTL_SCSI_*), the pass-through requests, the SCSI
 * address, capabilities and inquiry data, and the miniport control codes (SRB_IO_CONTROL, SMART).
 * Scoped to what the samples use.
 * wasm32: pointers and ULONG_PTR are 4 bytes, so the pass-through structures are smaller than on x64
 * (x86's sizes); each such structure says so.
 */
#ifndef DV_NTDDSCSI_H
#define DV_NTDDSCSI_H

#include <devioctl.h>

#define IOCTL_SCSI_BASE FILE_DEVICE_CONTROLLER
#define FILE_DEVICE_SCSI 0x0000001b
#define DV_SCSI_IOCTL(Function, Access) CTL_CODE(IOCTL_SCSI_BASE, (Function), METHOD_BUFFERED, (Access))
#define DV_SCSI_RW (FILE_READ_ACCESS | FILE_WRITE_ACCESS)

#define IOCTL_SCSI_PASS_THROUGH DV_SCSI_IOCTL(0x0401, DV_SCSI_RW)
#define IOCTL_SCSI_MINIPORT DV_SCSI_IOCTL(0x0402, DV_SCSI_RW)
#define IOCTL_SCSI_GET_INQUIRY_DATA DV_SCSI_IOCTL(0x0403, FILE_ANY_ACCESS)
#define IOCTL_SCSI_GET_CAPABILITIES DV_SCSI_IOCTL(0x0404, FILE_ANY_ACCESS)
#define IOCTL_SCSI_PASS_THROUGH_DIRECT DV_SCSI_IOCTL(0x0405, DV_SCSI_RW)
#define IOCTL_SCSI_GET_ADDRESS DV_SCSI_IOCTL(0x0406, FILE_ANY_ACCESS)
#define IOCTL_SCSI_RESCAN_BUS DV_SCSI_IOCTL(0x0407, FILE_ANY_ACCESS)
#define IOCTL_SCSI_GET_DUMP_POINTERS DV_SCSI_IOCTL(0x0408, FILE_ANY_ACCESS)
#define IOCTL_SCSI_FREE_DUMP_POINTERS DV_SCSI_IOCTL(0x0409, FILE_ANY_ACCESS)
#define IOCTL_IDE_PASS_THROUGH DV_SCSI_IOCTL(0x040a, DV_SCSI_RW)
#define IOCTL_ATA_PASS_THROUGH DV_SCSI_IOCTL(0x040b, DV_SCSI_RW)
#define IOCTL_ATA_PASS_THROUGH_DIRECT DV_SCSI_IOCTL(0x040c, DV_SCSI_RW)
#define IOCTL_SCSI_PASS_THROUGH_EX DV_SCSI_IOCTL(0x0411, DV_SCSI_RW)
#define IOCTL_SCSI_PASS_THROUGH_DIRECT_EX DV_SCSI_IOCTL(0x0412, DV_SCSI_RW)

/* Codes a class driver sends down its own stack, not CTL_CODEs: the device type in the high word */
#define IOCTL_SCSI_EXECUTE_IN ((FILE_DEVICE_SCSI << 16) + 0x0011)
#define IOCTL_SCSI_EXECUTE_OUT ((FILE_DEVICE_SCSI << 16) + 0x0012)
#define IOCTL_SCSI_EXECUTE_NONE ((FILE_DEVICE_SCSI << 16) + 0x0013)

/* SRB_IO_CONTROL.ControlCode values for SMART through IOCTL_SCSI_MINIPORT */
#define IOCTL_SCSI_MINIPORT_SMART_VERSION ((FILE_DEVICE_SCSI << 16) + 0x0500)
#define IOCTL_SCSI_MINIPORT_IDENTIFY ((FILE_DEVICE_SCSI << 16) + 0x0501)
#define IOCTL_SCSI_MINIPORT_READ_SMART_ATTRIBS ((FILE_DEVICE_SCSI << 16) + 0x0502)
#define IOCTL_SCSI_MINIPORT_READ_SMART_THRESHOLDS ((FILE_DEVICE_SCSI << 16) + 0x0503)
#define IOCTL_SCSI_MINIPORT_ENABLE_SMART ((FILE_DEVICE_SCSI << 16) + 0x0504)
#define IOCTL_SCSI_MINIPORT_DISABLE_SMART ((FILE_DEVICE_SCSI << 16) + 0x0505)
#define IOCTL_SCSI_MINIPORT_RETURN_STATUS ((FILE_DEVICE_SCSI << 16) + 0x0506)
#define IOCTL_SCSI_MINIPORT_ENABLE_DISABLE_AUTOSAVE ((FILE_DEVICE_SCSI << 16) + 0x0507)
#define IOCTL_SCSI_MINIPORT_SAVE_ATTRIBUTE_VALUES ((FILE_DEVICE_SCSI << 16) + 0x0508)
#define IOCTL_SCSI_MINIPORT_EXECUTE_OFFLINE_DIAGS ((FILE_DEVICE_SCSI << 16) + 0x0509)
#define IOCTL_SCSI_MINIPORT_ENABLE_DISABLE_AUTO_OFFLINE ((FILE_DEVICE_SCSI << 16) + 0x050a)
#define IOCTL_SCSI_MINIPORT_READ_SMART_LOG ((FILE_DEVICE_SCSI << 16) + 0x050b)
#define IOCTL_SCSI_MINIPORT_WRITE_SMART_LOG ((FILE_DEVICE_SCSI << 16) + 0x050c)

/* SCSI_PASS_THROUGH.DataIn, SCSI_PASS_THROUGH_EX.DataDirection */
#define SCSI_IOCTL_DATA_OUT 0
#define SCSI_IOCTL_DATA_IN 1
#define SCSI_IOCTL_DATA_UNSPECIFIED 2
#define SCSI_IOCTL_DATA_BIDIRECTIONAL 3

/* The data buffer follows the structure at DataBufferOffset. 44 bytes on wasm32 (56 on x64). */
typedef struct _SCSI_PASS_THROUGH {
  USHORT Length;
  UCHAR ScsiStatus;
  UCHAR PathId;
  UCHAR TargetId;
  UCHAR Lun;
  UCHAR CdbLength;
  UCHAR SenseInfoLength;
  UCHAR DataIn;
  ULONG DataTransferLength;
  ULONG TimeOutValue;
  ULONG_PTR DataBufferOffset;
  ULONG SenseInfoOffset;
  UCHAR Cdb[16];
} SCSI_PASS_THROUGH, *PSCSI_PASS_THROUGH;

/* The data buffer is the caller's, by pointer. 44 bytes on wasm32 (56 on x64). */
typedef struct _SCSI_PASS_THROUGH_DIRECT {
  USHORT Length;
  UCHAR ScsiStatus;
  UCHAR PathId;
  UCHAR TargetId;
  UCHAR Lun;
  UCHAR CdbLength;
  UCHAR SenseInfoLength;
  UCHAR DataIn;
  ULONG DataTransferLength;
  ULONG TimeOutValue;
  PVOID DataBuffer;
  ULONG SenseInfoOffset;
  UCHAR Cdb[16];
} SCSI_PASS_THROUGH_DIRECT, *PSCSI_PASS_THROUGH_DIRECT;

/* The extended forms: variable-length CDB, a STOR_ADDRESS, bidirectional data. 52 bytes on wasm32 (64 on x64). */
typedef struct _SCSI_PASS_THROUGH_EX {
  ULONG Version;
  ULONG Length;
  ULONG CdbLength;
  ULONG StorAddressLength;
  UCHAR ScsiStatus;
  UCHAR SenseInfoLength;
  UCHAR DataDirection;
  UCHAR Reserved;
  ULONG TimeOutValue;
  ULONG StorAddressOffset;
  ULONG SenseInfoOffset;
  ULONG DataOutTransferLength;
  ULONG DataInTransferLength;
  ULONG_PTR DataOutBufferOffset;
  ULONG_PTR DataInBufferOffset;
  UCHAR Cdb[ANYSIZE_ARRAY];
} SCSI_PASS_THROUGH_EX, *PSCSI_PASS_THROUGH_EX;

typedef struct _SCSI_PASS_THROUGH_DIRECT_EX {
  ULONG Version;
  ULONG Length;
  ULONG CdbLength;
  ULONG StorAddressLength;
  UCHAR ScsiStatus;
  UCHAR SenseInfoLength;
  UCHAR DataDirection;
  UCHAR Reserved;
  ULONG TimeOutValue;
  ULONG StorAddressOffset;
  ULONG SenseInfoOffset;
  ULONG DataOutTransferLength;
  ULONG DataInTransferLength;
  PVOID DataOutBuffer;
  PVOID DataInBuffer;
  UCHAR Cdb[ANYSIZE_ARRAY];
} SCSI_PASS_THROUGH_DIRECT_EX, *PSCSI_PASS_THROUGH_DIRECT_EX;

/* The address an extended pass-through names; srb.h declares the same, so either may come first */
#ifndef DV_STOR_ADDRESS_DEFINED
#define DV_STOR_ADDRESS_DEFINED
#define STOR_ADDRESS_TYPE_UNKNOWN 0x0
#define STOR_ADDRESS_TYPE_BTL8 0x1
#define STOR_ADDRESS_TYPE_MAX 0xffff
#define STOR_ADDR_BTL8_ADDRESS_LENGTH 4
/* x64 aligns these to 8 (DECLSPEC_ALIGN(8)); wasm32, like x86, does not: 12 bytes */
typedef struct _STOR_ADDRESS {
  USHORT Type;
  USHORT Port;
  ULONG AddressLength;
  UCHAR AddressData[ANYSIZE_ARRAY];
} STOR_ADDRESS, *PSTOR_ADDRESS;

typedef struct _STOR_ADDR_BTL8 {
  USHORT Type;
  USHORT Port;
  ULONG AddressLength;
  UCHAR Path;
  UCHAR Target;
  UCHAR Lun;
  UCHAR Reserved;
} STOR_ADDR_BTL8, *PSTOR_ADDR_BTL8;
#endif

/* IOCTL_SCSI_GET_ADDRESS */
typedef struct _SCSI_ADDRESS {
  ULONG Length;
  UCHAR PortNumber;
  UCHAR PathId;
  UCHAR TargetId;
  UCHAR Lun;
} SCSI_ADDRESS, *PSCSI_ADDRESS;

/* IOCTL_SCSI_GET_CAPABILITIES */
typedef struct _IO_SCSI_CAPABILITIES {
  ULONG Length;
  ULONG MaximumTransferLength;
  ULONG MaximumPhysicalPages;
  ULONG SupportedAsynchronousEvents;
  ULONG AlignmentMask;
  BOOLEAN TaggedQueuing;
  BOOLEAN AdapterScansDown;
  BOOLEAN AdapterUsesPio;
} IO_SCSI_CAPABILITIES, *PIO_SCSI_CAPABILITIES;

/* IOCTL_SCSI_GET_INQUIRY_DATA: per bus, a chain of inquiry records by offset */
typedef struct _SCSI_BUS_DATA {
  UCHAR NumberOfLogicalUnits;
  UCHAR InitiatorBusId;
  ULONG InquiryDataOffset;
} SCSI_BUS_DATA, *PSCSI_BUS_DATA;

typedef struct _SCSI_ADAPTER_BUS_INFO {
  UCHAR NumberOfBuses;
  SCSI_BUS_DATA BusData[1];
} SCSI_ADAPTER_BUS_INFO, *PSCSI_ADAPTER_BUS_INFO;

typedef struct _SCSI_INQUIRY_DATA {
  UCHAR PathId;
  UCHAR TargetId;
  UCHAR Lun;
  BOOLEAN DeviceClaimed;
  ULONG InquiryDataLength;
  ULONG NextInquiryDataOffset;
  UCHAR InquiryData[1];
} SCSI_INQUIRY_DATA, *PSCSI_INQUIRY_DATA;

/* IOCTL_SCSI_MINIPORT: this header, then the miniport's own data */
typedef struct _SRB_IO_CONTROL {
  ULONG HeaderLength;
  UCHAR Signature[8];
  ULONG Timeout;
  ULONG ControlCode;
  ULONG ReturnCode;
  ULONG Length;
} SRB_IO_CONTROL, *PSRB_IO_CONTROL;

#endif /* DV_NTDDSCSI_H */
