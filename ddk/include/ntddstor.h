/*
 * ntddstor.h - the storage class's I/O controls (IOCTL_STORAGE_*) and the structures they carry:
 * property queries and their descriptors, device numbers, hotplug, media types, failure prediction.
 * Scoped to what the samples use. wasm32: no member is a pointer, so every size here is x64's too.
 */
#ifndef DV_NTDDSTOR_H
#define DV_NTDDSTOR_H

#include <devioctl.h>

#define IOCTL_STORAGE_BASE FILE_DEVICE_MASS_STORAGE
#define DV_STORAGE_IOCTL(Function, Access) CTL_CODE(IOCTL_STORAGE_BASE, (Function), METHOD_BUFFERED, (Access))

#define IOCTL_STORAGE_CHECK_VERIFY DV_STORAGE_IOCTL(0x0200, FILE_READ_ACCESS)
#define IOCTL_STORAGE_CHECK_VERIFY2 DV_STORAGE_IOCTL(0x0200, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_MEDIA_REMOVAL DV_STORAGE_IOCTL(0x0201, FILE_READ_ACCESS)
#define IOCTL_STORAGE_EJECT_MEDIA DV_STORAGE_IOCTL(0x0202, FILE_READ_ACCESS)
#define IOCTL_STORAGE_LOAD_MEDIA DV_STORAGE_IOCTL(0x0203, FILE_READ_ACCESS)
#define IOCTL_STORAGE_LOAD_MEDIA2 DV_STORAGE_IOCTL(0x0203, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_RESERVE DV_STORAGE_IOCTL(0x0204, FILE_READ_ACCESS)
#define IOCTL_STORAGE_RELEASE DV_STORAGE_IOCTL(0x0205, FILE_READ_ACCESS)
#define IOCTL_STORAGE_FIND_NEW_DEVICES DV_STORAGE_IOCTL(0x0206, FILE_READ_ACCESS)
#define IOCTL_STORAGE_EJECTION_CONTROL DV_STORAGE_IOCTL(0x0250, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_MCN_CONTROL DV_STORAGE_IOCTL(0x0251, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_GET_MEDIA_TYPES DV_STORAGE_IOCTL(0x0300, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_GET_MEDIA_TYPES_EX DV_STORAGE_IOCTL(0x0301, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_GET_MEDIA_SERIAL_NUMBER DV_STORAGE_IOCTL(0x0304, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_GET_HOTPLUG_INFO DV_STORAGE_IOCTL(0x0305, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_SET_HOTPLUG_INFO DV_STORAGE_IOCTL(0x0306, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
#define IOCTL_STORAGE_RESET_BUS DV_STORAGE_IOCTL(0x0400, FILE_READ_ACCESS)
#define IOCTL_STORAGE_RESET_DEVICE DV_STORAGE_IOCTL(0x0401, FILE_READ_ACCESS)
#define IOCTL_STORAGE_BREAK_RESERVATION DV_STORAGE_IOCTL(0x0405, FILE_READ_ACCESS)
#define IOCTL_STORAGE_PERSISTENT_RESERVE_IN DV_STORAGE_IOCTL(0x0406, FILE_READ_ACCESS)
#define IOCTL_STORAGE_PERSISTENT_RESERVE_OUT DV_STORAGE_IOCTL(0x0407, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
#define IOCTL_STORAGE_GET_DEVICE_NUMBER DV_STORAGE_IOCTL(0x0420, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_PREDICT_FAILURE DV_STORAGE_IOCTL(0x0440, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_FAILURE_PREDICTION_CONFIG DV_STORAGE_IOCTL(0x0441, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_READ_CAPACITY DV_STORAGE_IOCTL(0x0450, FILE_READ_ACCESS)
#define IOCTL_STORAGE_QUERY_PROPERTY DV_STORAGE_IOCTL(0x0500, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES DV_STORAGE_IOCTL(0x0501, FILE_WRITE_ACCESS)
#define IOCTL_STORAGE_GET_LB_PROVISIONING_MAP_RESOURCES DV_STORAGE_IOCTL(0x0502, FILE_READ_ACCESS)
#define IOCTL_STORAGE_CHECK_PRIORITY_HINT_SUPPORT DV_STORAGE_IOCTL(0x0620, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_FIRMWARE_GET_INFO DV_STORAGE_IOCTL(0x0700, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_FIRMWARE_DOWNLOAD DV_STORAGE_IOCTL(0x0701, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
#define IOCTL_STORAGE_FIRMWARE_ACTIVATE DV_STORAGE_IOCTL(0x0702, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
#define IOCTL_STORAGE_ENABLE_IDLE_POWER DV_STORAGE_IOCTL(0x0720, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_GET_IDLE_POWERUP_REASON DV_STORAGE_IOCTL(0x0721, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_POWER_ACTIVE DV_STORAGE_IOCTL(0x0722, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_POWER_IDLE DV_STORAGE_IOCTL(0x0723, FILE_ANY_ACCESS)
#define IOCTL_STORAGE_EVENT_NOTIFICATION DV_STORAGE_IOCTL(0x0724, FILE_ANY_ACCESS)

/* IOCTL_STORAGE_GET_HOTPLUG_INFO / SET_HOTPLUG_INFO */
typedef struct _STORAGE_HOTPLUG_INFO {
  ULONG Size;
  BOOLEAN MediaRemovable;
  BOOLEAN MediaHotplug;
  BOOLEAN DeviceHotplug;
  BOOLEAN WriteCacheEnableOverride;
} STORAGE_HOTPLUG_INFO, *PSTORAGE_HOTPLUG_INFO;

/* IOCTL_STORAGE_GET_DEVICE_NUMBER: PartitionNumber is (ULONG)-1 for a device that cannot be partitioned */
typedef struct _STORAGE_DEVICE_NUMBER {
  DEVICE_TYPE DeviceType;
  ULONG DeviceNumber;
  ULONG PartitionNumber;
} STORAGE_DEVICE_NUMBER, *PSTORAGE_DEVICE_NUMBER;

typedef struct _STORAGE_BUS_RESET_REQUEST {
  UCHAR PathId;
} STORAGE_BUS_RESET_REQUEST, *PSTORAGE_BUS_RESET_REQUEST;

/* IOCTL_STORAGE_MEDIA_REMOVAL, IOCTL_STORAGE_EJECTION_CONTROL */
typedef struct _PREVENT_MEDIA_REMOVAL {
  BOOLEAN PreventMediaRemoval;
} PREVENT_MEDIA_REMOVAL, *PPREVENT_MEDIA_REMOVAL;

/* IOCTL_STORAGE_READ_CAPACITY */
typedef struct _STORAGE_READ_CAPACITY {
  ULONG Version;
  ULONG Size;
  ULONG BlockLength;
  LARGE_INTEGER NumberOfBlocks;
  LARGE_INTEGER DiskLength;
} STORAGE_READ_CAPACITY, *PSTORAGE_READ_CAPACITY;

/* IOCTL_STORAGE_PREDICT_FAILURE */
typedef struct _STORAGE_PREDICT_FAILURE {
  ULONG PredictFailure;
  UCHAR VendorSpecific[512];
} STORAGE_PREDICT_FAILURE, *PSTORAGE_PREDICT_FAILURE;

/* IOCTL_STORAGE_FAILURE_PREDICTION_CONFIG */
#define STORAGE_FAILURE_PREDICTION_CONFIG_V1 1
typedef struct _STORAGE_FAILURE_PREDICTION_CONFIG {
  ULONG Version;
  ULONG Size;
  BOOLEAN Set;
  BOOLEAN Enabled;
  USHORT Reserved;
} STORAGE_FAILURE_PREDICTION_CONFIG, *PSTORAGE_FAILURE_PREDICTION_CONFIG;

/* The media a device reports through IOCTL_STORAGE_GET_MEDIA_TYPES_EX: after MEDIA_TYPE's values */
typedef enum _STORAGE_MEDIA_TYPE {
  DDS_4mm = 0x20, MiniQic, Travan, QIC, MP_8mm, AME_8mm, AIT1_8mm, DLT, NCTP, IBM_3480, IBM_3490E,
  IBM_Magstar_3590, IBM_Magstar_MP, STK_DATA_D3, SONY_DTF, DV_6mm, DMI, SONY_D2, CLEANER_CARTRIDGE,
  CD_ROM, CD_R, CD_RW, DVD_ROM, DVD_R, DVD_RW, MO_3_RW, MO_5_WO, MO_5_RW, MO_5_LIMDOW, PC_5_WO, PC_5_RW,
  PD_5_RW, ABL_5_WO, PINNACLE_APEX_5_RW, SONY_12_WO, PHILIPS_12_WO, HITACHI_12_WO, CYGNET_12_WO,
  KODAK_14_WO, MO_NFR_525, NIKON_12_RW, IOMEGA_ZIP, IOMEGA_JAZ, SYQUEST_EZ135, SYQUEST_EZFLYER,
  SYQUEST_SYJET, AVATAR_F2, MP2_8mm, DST_S, DST_M, DST_L, VXATape_1, VXATape_2, STK_9840, LTO_Ultrium,
  LTO_Accelis, DVD_RAM, AIT_8mm, ADR_1, ADR_2, STK_9940, SAIT, VXATape
} STORAGE_MEDIA_TYPE, *PSTORAGE_MEDIA_TYPE;

#define MEDIA_ERASEABLE 0x00000001
#define MEDIA_WRITE_ONCE 0x00000002
#define MEDIA_READ_ONLY 0x00000004
#define MEDIA_READ_WRITE 0x00000008
#define MEDIA_WRITE_PROTECTED 0x00000100
#define MEDIA_CURRENTLY_MOUNTED 0x80000000

typedef enum _STORAGE_BUS_TYPE {
  BusTypeUnknown = 0x00, BusTypeScsi, BusTypeAtapi, BusTypeAta, BusType1394, BusTypeSsa, BusTypeFibre,
  BusTypeUsb, BusTypeRAID, BusTypeiScsi, BusTypeSas, BusTypeSata, BusTypeSd, BusTypeMmc, BusTypeVirtual,
  BusTypeFileBackedVirtual, BusTypeSpaces, BusTypeNvme, BusTypeSCM, BusTypeUfs, BusTypeNvmeof,
  BusTypeMax, BusTypeMaxReserved = 0x7F
} STORAGE_BUS_TYPE, *PSTORAGE_BUS_TYPE;

typedef struct _DEVICE_MEDIA_INFO {
  union {
    struct {
      LARGE_INTEGER Cylinders;
      STORAGE_MEDIA_TYPE MediaType;
      ULONG TracksPerCylinder;
      ULONG SectorsPerTrack;
      ULONG BytesPerSector;
      ULONG NumberMediaSides;
      ULONG MediaCharacteristics;
    } DiskInfo;
    struct {
      LARGE_INTEGER Cylinders;
      STORAGE_MEDIA_TYPE MediaType;
      ULONG TracksPerCylinder;
      ULONG SectorsPerTrack;
      ULONG BytesPerSector;
      ULONG NumberMediaSides;
      ULONG MediaCharacteristics;
    } RemovableDiskInfo;
    struct {
      STORAGE_MEDIA_TYPE MediaType;
      ULONG MediaCharacteristics;
      ULONG CurrentBlockSize;
      STORAGE_BUS_TYPE BusType;
      union {
        struct {
          UCHAR MediumType;
          UCHAR DensityCode;
        } ScsiInformation;
      } BusSpecificData;
    } TapeInfo;
  } DeviceSpecific;
} DEVICE_MEDIA_INFO, *PDEVICE_MEDIA_INFO;

/* IOCTL_STORAGE_GET_MEDIA_TYPES_EX */
typedef struct _GET_MEDIA_TYPES {
  ULONG DeviceType;
  ULONG MediaInfoCount;
  DEVICE_MEDIA_INFO MediaInfo[1];
} GET_MEDIA_TYPES, *PGET_MEDIA_TYPES;

/* IOCTL_STORAGE_QUERY_PROPERTY: which property, and whether to read it or only ask if it exists */
typedef enum _STORAGE_PROPERTY_ID {
  StorageDeviceProperty = 0,
  StorageAdapterProperty,
  StorageDeviceIdProperty,
  StorageDeviceUniqueIdProperty,
  StorageDeviceWriteCacheProperty,
  StorageMiniportProperty,
  StorageAccessAlignmentProperty,
  StorageDeviceSeekPenaltyProperty,
  StorageDeviceTrimProperty,
  StorageDeviceWriteAggregationProperty,
  StorageDeviceDeviceTelemetryProperty,
  StorageDeviceLBProvisioningProperty,
  StorageDevicePowerProperty,
  StorageDeviceCopyOffloadProperty,
  StorageDeviceResiliencyProperty,
  StorageDeviceMediumProductType,
  StorageAdapterRpmbProperty,
  StorageAdapterCryptoProperty,
  StorageDeviceIoCapabilityProperty = 48,
  StorageAdapterProtocolSpecificProperty,
  StorageDeviceProtocolSpecificProperty,
  StorageAdapterTemperatureProperty,
  StorageDeviceTemperatureProperty,
  StorageAdapterPhysicalTopologyProperty,
  StorageDevicePhysicalTopologyProperty,
  StorageDeviceAttributesProperty
} STORAGE_PROPERTY_ID, *PSTORAGE_PROPERTY_ID;

typedef enum _STORAGE_QUERY_TYPE {
  PropertyStandardQuery = 0,
  PropertyExistsQuery,
  PropertyMaskQuery,
  PropertyQueryMaxDefined
} STORAGE_QUERY_TYPE, *PSTORAGE_QUERY_TYPE;

typedef struct _STORAGE_PROPERTY_QUERY {
  STORAGE_PROPERTY_ID PropertyId;
  STORAGE_QUERY_TYPE QueryType;
  UCHAR AdditionalParameters[1];
} STORAGE_PROPERTY_QUERY, *PSTORAGE_PROPERTY_QUERY;

/* Every descriptor starts so: a caller reads the header first to learn the Size to allocate */
typedef struct _STORAGE_DESCRIPTOR_HEADER {
  ULONG Version;
  ULONG Size;
} STORAGE_DESCRIPTOR_HEADER, *PSTORAGE_DESCRIPTOR_HEADER;

/* StorageDeviceProperty: the strings are at byte offsets from the start, 0 when absent */
typedef struct _STORAGE_DEVICE_DESCRIPTOR {
  ULONG Version;
  ULONG Size;
  UCHAR DeviceType;
  UCHAR DeviceTypeModifier;
  BOOLEAN RemovableMedia;
  BOOLEAN CommandQueueing;
  ULONG VendorIdOffset;
  ULONG ProductIdOffset;
  ULONG ProductRevisionOffset;
  ULONG SerialNumberOffset;
  STORAGE_BUS_TYPE BusType;
  ULONG RawPropertiesLength;
  UCHAR RawDeviceProperties[1];
} STORAGE_DEVICE_DESCRIPTOR, *PSTORAGE_DEVICE_DESCRIPTOR;

/* StorageAdapterProperty */
typedef struct _STORAGE_ADAPTER_DESCRIPTOR {
  ULONG Version;
  ULONG Size;
  ULONG MaximumTransferLength;
  ULONG MaximumPhysicalPages;
  ULONG AlignmentMask;
  BOOLEAN AdapterUsesPio;
  BOOLEAN AdapterScansDown;
  BOOLEAN CommandQueueing;
  BOOLEAN AcceleratedTransfer;
  UCHAR BusType;
  USHORT BusMajorVersion;
  USHORT BusMinorVersion;
  UCHAR SrbType;
  UCHAR AddressType;
} STORAGE_ADAPTER_DESCRIPTOR, *PSTORAGE_ADAPTER_DESCRIPTOR;

#define NO_SRBTYPE_ADAPTER_DESCRIPTOR_SIZE UFIELD_OFFSET(STORAGE_ADAPTER_DESCRIPTOR, SrbType)
#define SRB_TYPE_SCSI_REQUEST_BLOCK 0
#define SRB_TYPE_STORAGE_REQUEST_BLOCK 1
#define STORAGE_ADDRESS_TYPE_BTL8 0

/* StorageAccessAlignmentProperty */
typedef struct _STORAGE_ACCESS_ALIGNMENT_DESCRIPTOR {
  ULONG Version;
  ULONG Size;
  ULONG BytesPerCacheLine;
  ULONG BytesOffsetForCacheAlignment;
  ULONG BytesPerLogicalSector;
  ULONG BytesPerPhysicalSector;
  ULONG BytesOffsetForSectorAlignment;
} STORAGE_ACCESS_ALIGNMENT_DESCRIPTOR, *PSTORAGE_ACCESS_ALIGNMENT_DESCRIPTOR;

/* StorageDeviceMediumProductType */
typedef struct _STORAGE_MEDIUM_PRODUCT_TYPE_DESCRIPTOR {
  ULONG Version;
  ULONG Size;
  ULONG MediumProductType;
} STORAGE_MEDIUM_PRODUCT_TYPE_DESCRIPTOR, *PSTORAGE_MEDIUM_PRODUCT_TYPE_DESCRIPTOR;

/* StorageMiniportProperty */
typedef enum _STORAGE_PORT_CODE_SET {
  StoragePortCodeSetReserved = 0,
  StoragePortCodeSetStorport,
  StoragePortCodeSetSCSIport,
  StoragePortCodeSetSpaceport,
  StoragePortCodeSetATAport,
  StoragePortCodeSetUSBport,
  StoragePortCodeSetSBP2port,
  StoragePortCodeSetSDport
} STORAGE_PORT_CODE_SET, *PSTORAGE_PORT_CODE_SET;

typedef struct _STORAGE_MINIPORT_DESCRIPTOR {
  ULONG Version;
  ULONG Size;
  STORAGE_PORT_CODE_SET Portdriver;
  BOOLEAN LUNResetSupported;
  BOOLEAN TargetResetSupported;
  USHORT IoTimeoutValue;
  BOOLEAN ExtraIoInfoSupported;
  union {
    struct {
      UCHAR LogicalPoFxForDisk : 1;
      UCHAR Reserved : 7;
    };
    UCHAR AsBYTE;
  } Flags;
  UCHAR Reserved0[2];
  ULONG Reserved1;
} STORAGE_MINIPORT_DESCRIPTOR, *PSTORAGE_MINIPORT_DESCRIPTOR;

/* StorageDeviceWriteCacheProperty */
typedef enum _WRITE_CACHE_TYPE { WriteCacheTypeUnknown, WriteCacheTypeNone, WriteCacheTypeWriteBack, WriteCacheTypeWriteThrough } WRITE_CACHE_TYPE;
typedef enum _WRITE_CACHE_ENABLE { WriteCacheEnableUnknown, WriteCacheDisabled, WriteCacheEnabled } WRITE_CACHE_ENABLE;
typedef enum _WRITE_CACHE_CHANGE { WriteCacheChangeUnknown, WriteCacheNotChangeable, WriteCacheChangeable } WRITE_CACHE_CHANGE;
typedef enum _WRITE_THROUGH { WriteThroughUnknown, WriteThroughNotSupported, WriteThroughSupported } WRITE_THROUGH;

typedef struct _STORAGE_WRITE_CACHE_PROPERTY {
  ULONG Version;
  ULONG Size;
  WRITE_CACHE_TYPE WriteCacheType;
  WRITE_CACHE_ENABLE WriteCacheEnabled;
  WRITE_CACHE_CHANGE WriteCacheChangeable;
  WRITE_THROUGH WriteThroughSupported;
  BOOLEAN FlushCacheSupported;
  BOOLEAN UserDefinedPowerProtection;
  BOOLEAN NVCacheEnabled;
} STORAGE_WRITE_CACHE_PROPERTY, *PSTORAGE_WRITE_CACHE_PROPERTY;

/* IOCTL_STORAGE_GET_LB_PROVISIONING_MAP_RESOURCES */
typedef struct _STORAGE_LB_PROVISIONING_MAP_RESOURCES {
  ULONG Size;
  ULONG Version;
  UCHAR AvailableMappingResourcesValid : 1;
  UCHAR UsedMappingResourcesValid : 1;
  UCHAR Reserved0 : 6;
  UCHAR Reserved1[3];
  UCHAR AvailableMappingResourcesScope : 2;
  UCHAR UsedMappingResourcesScope : 2;
  UCHAR Reserved2 : 4;
  UCHAR Reserved3[3];
  ULONGLONG AvailableMappingResources;
  ULONGLONG UsedMappingResources;
} STORAGE_LB_PROVISIONING_MAP_RESOURCES, *PSTORAGE_LB_PROVISIONING_MAP_RESOURCES;

/* IOCTL_STORAGE_CHECK_PRIORITY_HINT_SUPPORT */
#define STORAGE_PRIORITY_HINT_SUPPORTED 0x0001
typedef struct _STORAGE_PRIORITY_HINT_SUPPORT {
  ULONG SupportFlags;
} STORAGE_PRIORITY_HINT_SUPPORT, *PSTORAGE_PRIORITY_HINT_SUPPORT;

/* IOCTL_STORAGE_ENABLE_IDLE_POWER */
typedef struct _STORAGE_IDLE_POWER {
  ULONG Version;
  ULONG Size;
  ULONG WakeCapableHint : 1;
  ULONG D3ColdSupported : 1;
  ULONG Reserved : 30;
  ULONG D3IdleTimeout;
} STORAGE_IDLE_POWER, *PSTORAGE_IDLE_POWER;

/* IOCTL_STORAGE_EVENT_NOTIFICATION */
#define STORAGE_EVENT_NOTIFICATION_VERSION_V1 1
#define STORAGE_EVENT_MEDIA_STATUS 0x0000000000000001ULL
#define STORAGE_EVENT_DEVICE_STATUS 0x0000000000000002ULL
#define STORAGE_EVENT_DEVICE_OPERATION 0x0000000000000004ULL
#define STORAGE_EVENT_ALL (STORAGE_EVENT_MEDIA_STATUS | STORAGE_EVENT_DEVICE_STATUS | STORAGE_EVENT_DEVICE_OPERATION)
typedef struct _STORAGE_EVENT_NOTIFICATION {
  ULONG Version;
  ULONG Size;
  ULONGLONG Events;
} STORAGE_EVENT_NOTIFICATION, *PSTORAGE_EVENT_NOTIFICATION;

#endif /* DV_NTDDSTOR_H */
