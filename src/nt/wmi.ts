/**
 * WMI's structures as drivers see them in IRP_MJ_SYSTEM_CONTROL (wmistr.h: the WNODEs and the
 * registration block a provider returns for IRP_MN_REGINFO_EX), laid out as the wasm32 C ABI does
 * (test/wdf/Wmi.test.ts checks them against ddk/include), and the constants of wdm.h's
 * WMI registration.
 */
import { array, struct, type Field, type StructLayout } from './layout.ts';

const GUID = struct('GUID', [['Data1', 'u32'], ['Data2', 'u16'], ['Data3', 'u16'], ['Data4', array('u8', 8)]]);

export const WNODE_HEADER = struct('WNODE_HEADER', [
  ['BufferSize', 'u32'],
  ['ProviderId', 'u32'],
  ['HistoricalContext', 'u64'],
  ['TimeStamp', 'i64'],
  ['Guid', GUID],
  ['ClientContext', 'u32'],
  ['Flags', 'u32'],
]);

const OFFSETINSTANCEDATAANDLENGTH = struct('OFFSETINSTANCEDATAANDLENGTH', [['OffsetInstanceData', 'u32'], ['LengthInstanceData', 'u32']]);

const ALL_DATA_HEAD = struct('WNODE_ALL_DATA', [
  ['WnodeHeader', WNODE_HEADER],
  ['DataBlockOffset', 'u32'],
  ['InstanceCount', 'u32'],
  ['OffsetInstanceNameOffsets', 'u32'],
]);

/** The head, then an anonymous union (C names its members directly): FixedInstanceSize or OffsetInstanceDataAndLength[]. */
export const WNODE_ALL_DATA: StructLayout = (() => {
  const at = ALL_DATA_HEAD.off.OffsetInstanceNameOffsets! + 4;
  const fields: Field[] = [
    ...ALL_DATA_HEAD.fields,
    { name: 'FixedInstanceSize', offset: at, size: 4, type: 'u32' },
    { name: 'OffsetInstanceDataAndLength', offset: at, size: OFFSETINSTANCEDATAANDLENGTH.size, type: { array: OFFSETINSTANCEDATAANDLENGTH, count: 1 } },
  ];
  const size = (at + OFFSETINSTANCEDATAANDLENGTH.size + 7) & ~7;
  return { name: 'WNODE_ALL_DATA', size, align: 8, fields, off: { ...ALL_DATA_HEAD.off, FixedInstanceSize: at, OffsetInstanceDataAndLength: at } };
})();

/** Where OffsetInstanceDataAndLength[0] is (the union's offset), and the size of one entry. */
export const ALL_DATA_OFFSETS = WNODE_ALL_DATA.off.FixedInstanceSize!;
export const ALL_DATA_OFFSET_ENTRY = OFFSETINSTANCEDATAANDLENGTH.size;

export const WNODE_SINGLE_INSTANCE = struct('WNODE_SINGLE_INSTANCE', [
  ['WnodeHeader', WNODE_HEADER],
  ['OffsetInstanceName', 'u32'],
  ['InstanceIndex', 'u32'],
  ['DataBlockOffset', 'u32'],
  ['SizeDataBlock', 'u32'],
  ['VariableData', array('u8', 1)],
]);

export const WNODE_SINGLE_ITEM = struct('WNODE_SINGLE_ITEM', [
  ['WnodeHeader', WNODE_HEADER],
  ['OffsetInstanceName', 'u32'],
  ['InstanceIndex', 'u32'],
  ['ItemId', 'u32'],
  ['DataBlockOffset', 'u32'],
  ['SizeDataItem', 'u32'],
  ['VariableData', array('u8', 1)],
]);

export const WNODE_METHOD_ITEM = struct('WNODE_METHOD_ITEM', [
  ['WnodeHeader', WNODE_HEADER],
  ['OffsetInstanceName', 'u32'],
  ['InstanceIndex', 'u32'],
  ['MethodId', 'u32'],
  ['DataBlockOffset', 'u32'],
  ['SizeDataBlock', 'u32'],
  ['VariableData', array('u8', 1)],
]);

export const WNODE_TOO_SMALL = struct('WNODE_TOO_SMALL', [
  ['WnodeHeader', WNODE_HEADER],
  ['SizeNeeded', 'u32'],
]);

/** One GUID of a registration; InstanceInfo is the PDO with WMIREG_FLAG_INSTANCE_PDO. */
export const WMIREGGUIDW = struct('WMIREGGUIDW', [
  ['Guid', GUID],
  ['Flags', 'u32'],
  ['InstanceCount', 'u32'],
  ['InstanceInfo', 'u32'],
]);

/** A provider's registration: RegistryPath and MofResourceName are offsets of counted strings (USHORT length in bytes, then the characters). */
export const WMIREGINFOW = struct('WMIREGINFOW', [
  ['BufferSize', 'u32'],
  ['NextWmiRegInfo', 'u32'],
  ['RegistryPath', 'u32'],
  ['MofResourceName', 'u32'],
  ['GuidCount', 'u32'],
  ['WmiRegGuid', array(WMIREGGUIDW, 1)],
]);

export const WMI_LAYOUTS: readonly StructLayout[] = [WNODE_HEADER, WNODE_ALL_DATA, WNODE_SINGLE_INSTANCE, WNODE_SINGLE_ITEM, WNODE_METHOD_ITEM, WNODE_TOO_SMALL, WMIREGGUIDW, WMIREGINFOW];

/** IRP_MJ_SYSTEM_CONTROL's minor functions (wdm.h). */
export const IRP_MN_WMI = {
  QUERY_ALL_DATA: 0x00,
  QUERY_SINGLE_INSTANCE: 0x01,
  CHANGE_SINGLE_INSTANCE: 0x02,
  CHANGE_SINGLE_ITEM: 0x03,
  ENABLE_EVENTS: 0x04,
  DISABLE_EVENTS: 0x05,
  ENABLE_COLLECTION: 0x06,
  DISABLE_COLLECTION: 0x07,
  REGINFO: 0x08,
  EXECUTE_METHOD: 0x09,
  REGINFO_EX: 0x0b,
} as const;

export const WNODE_FLAG = {
  ALL_DATA: 0x1,
  SINGLE_INSTANCE: 0x2,
  SINGLE_ITEM: 0x4,
  EVENT_ITEM: 0x8,
  FIXED_INSTANCE_SIZE: 0x10,
  TOO_SMALL: 0x20,
  STATIC_INSTANCE_NAMES: 0x80,
  METHOD_ITEM: 0x8000,
  PDO_INSTANCE_NAMES: 0x10000,
} as const;

export const WMIREG_FLAG = {
  EXPENSIVE: 0x1,
  INSTANCE_PDO: 0x20,
  EVENT_ONLY_GUID: 0x40,
  TRACE_CONTROL_GUID: 0x1000,
  TRACED_GUID: 0x80000,
} as const;

/** IoWMIRegistrationControl's actions (wdm.h). */
export const WMIREG_ACTION = { REGISTER: 1, DEREGISTER: 2, REREGISTER: 3, UPDATE_GUIDS: 4, BLOCK_IRPS: 5 } as const;
/** IRP_MN_REGINFO(_EX)'s Parameters.WMI.DataPath: a first registration or an update. */
export const WMIREGISTER = 0;
export const WMIUPDATE = 1;
