/**
 * KMDF facts for bus drivers: wdfpdo.h, wdfchildlist.h and wdfqueryinterface.h's structures (as the
 * wasm32 C ABI lays them out; test/wdf/BusLayout.test.ts checks them against ddk/include) and enums.
 * Values: the KMDF 1.33 headers as the DDI reference documents them.
 */
import { struct, type StructLayout } from './layout.ts';

export const WDF_CHILD_LIST_CONFIG = struct('WDF_CHILD_LIST_CONFIG', [
  ['Size', 'u32'],
  ['IdentificationDescriptionSize', 'u32'],
  ['AddressDescriptionSize', 'u32'],
  ['EvtChildListCreateDevice', 'ptr'],
  ['EvtChildListScanForChildren', 'ptr'],
  ['EvtChildListIdentificationDescriptionCopy', 'ptr'],
  ['EvtChildListIdentificationDescriptionDuplicate', 'ptr'],
  ['EvtChildListIdentificationDescriptionCleanup', 'ptr'],
  ['EvtChildListIdentificationDescriptionCompare', 'ptr'],
  ['EvtChildListAddressDescriptionCopy', 'ptr'],
  ['EvtChildListAddressDescriptionDuplicate', 'ptr'],
  ['EvtChildListAddressDescriptionCleanup', 'ptr'],
  ['EvtChildListDeviceReenumerated', 'ptr'],
]);

export const WDF_CHILD_RETRIEVE_INFO = struct('WDF_CHILD_RETRIEVE_INFO', [
  ['Size', 'u32'],
  ['IdentificationDescription', 'ptr'],
  ['AddressDescription', 'ptr'],
  ['Status', 'u32'],
  ['EvtChildListIdentificationDescriptionCompare', 'ptr'],
]);

export const WDF_CHILD_LIST_ITERATOR = struct('WDF_CHILD_LIST_ITERATOR', [
  ['Size', 'u32'],
  ['Flags', 'u32'],
  ['Reserved', { array: 'ptr', count: 4 }],
]);

export const WDF_PDO_EVENT_CALLBACKS = struct('WDF_PDO_EVENT_CALLBACKS', [
  ['Size', 'u32'],
  ['EvtDeviceResourcesQuery', 'ptr'],
  ['EvtDeviceResourceRequirementsQuery', 'ptr'],
  ['EvtDeviceEject', 'ptr'],
  ['EvtDeviceSetLock', 'ptr'],
  ['EvtDeviceEnableWakeAtBus', 'ptr'],
  ['EvtDeviceDisableWakeAtBus', 'ptr'],
  ['EvtDeviceReportedMissing', 'ptr'],
]);

export const WDF_QUERY_INTERFACE_CONFIG = struct('WDF_QUERY_INTERFACE_CONFIG', [
  ['Size', 'u32'],
  ['Interface', 'ptr'],
  ['InterfaceType', 'ptr'],
  ['SendQueryToParentStack', 'u8'],
  ['EvtDeviceProcessQueryInterfaceRequest', 'ptr'],
  ['ImportInterface', 'u8'],
]);

export const WDF_BUS_LAYOUTS: readonly StructLayout[] = [WDF_CHILD_LIST_CONFIG, WDF_CHILD_RETRIEVE_INFO, WDF_CHILD_LIST_ITERATOR, WDF_PDO_EVENT_CALLBACKS, WDF_QUERY_INTERFACE_CONFIG];

/** WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS. */
export const WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS = { Undefined: 0, Success: 1, NotYetCreated: 2, NoSuchDevice: 3 } as const;

/** WDF_RETRIEVE_CHILD_FLAGS: which children an iteration (or WdfFdoRetrieveNextStaticChild) returns. */
export const WDF_RETRIEVE_CHILD_FLAGS = { Unspecified: 0, PresentChildren: 1, MissingChildren: 2, PendingChildren: 4, AddedChildren: 5, AllChildren: 7 } as const;

