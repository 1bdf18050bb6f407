/**
 * KMDF's WMI structures (wdfwmi.h) as the wasm32 C ABI lays them out (test/wdf/Wmi.test.ts checks
 * them against ddk/include) and their enums.
 */
import { array, struct, type StructLayout } from './layout.ts';

const GUID = struct('GUID', [['Data1', 'u32'], ['Data2', 'u16'], ['Data3', 'u16'], ['Data4', array('u8', 8)]]);

export const WDF_WMI_PROVIDER_CONFIG = struct('WDF_WMI_PROVIDER_CONFIG', [
  ['Size', 'u32'],
  ['Guid', GUID],
  ['Flags', 'u32'],
  ['MinInstanceBufferSize', 'u32'],
  ['EvtWmiProviderFunctionControl', 'ptr'],
]);

export const WDF_WMI_INSTANCE_CONFIG = struct('WDF_WMI_INSTANCE_CONFIG', [
  ['Size', 'u32'],
  ['Provider', 'ptr'],
  ['ProviderConfig', 'ptr'],
  ['UseContextForQuery', 'u8'],
  ['Register', 'u8'],
  ['EvtWmiInstanceQueryInstance', 'ptr'],
  ['EvtWmiInstanceSetInstance', 'ptr'],
  ['EvtWmiInstanceSetItem', 'ptr'],
  ['EvtWmiInstanceExecuteMethod', 'ptr'],
]);

export const WDF_WMI_LAYOUTS: readonly StructLayout[] = [WDF_WMI_PROVIDER_CONFIG, WDF_WMI_INSTANCE_CONFIG];

/** WDF_WMI_PROVIDER_FLAGS. */
export const WDF_WMI_PROVIDER_FLAG = { EventOnly: 0x1, Expensive: 0x2, Tracing: 0x4, ValidFlags: 0x7 } as const;
/** WDF_WMI_PROVIDER_CONTROL: what EvtWmiProviderFunctionControl and WdfWmiProviderIsEnabled name. */
export const WDF_WMI_PROVIDER_CONTROL = { Invalid: 0, EventControl: 1, InstanceControl: 2 } as const;
