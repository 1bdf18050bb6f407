/**
 * KMDF facts for the PnP/power half of the framework: the structures of wdfdevice.h's PnP and power
 * callbacks, wdftimer.h, wdfworkitem.h, wdfdpc.h and wdfrequest.h's sending (as the wasm32 C ABI lays
 * them out; test/wdf/Layout.test.ts checks them against ddk/include), and their enums. Values: the
 * KMDF 1.33 headers (see /work/shared/reference/kmdf-reference.md §4-§6).
 */
import { IO_STATUS_BLOCK, struct, union, type StructLayout } from './layout.ts';

export const WDF_PNPPOWER_EVENT_CALLBACKS = struct('WDF_PNPPOWER_EVENT_CALLBACKS', [
  ['Size', 'u32'],
  ['EvtDeviceD0Entry', 'ptr'],
  ['EvtDeviceD0EntryPostInterruptsEnabled', 'ptr'],
  ['EvtDeviceD0Exit', 'ptr'],
  ['EvtDeviceD0ExitPreInterruptsDisabled', 'ptr'],
  ['EvtDevicePrepareHardware', 'ptr'],
  ['EvtDeviceReleaseHardware', 'ptr'],
  ['EvtDeviceSelfManagedIoCleanup', 'ptr'],
  ['EvtDeviceSelfManagedIoFlush', 'ptr'],
  ['EvtDeviceSelfManagedIoInit', 'ptr'],
  ['EvtDeviceSelfManagedIoSuspend', 'ptr'],
  ['EvtDeviceSelfManagedIoRestart', 'ptr'],
  ['EvtDeviceSurpriseRemoval', 'ptr'],
  ['EvtDeviceQueryRemove', 'ptr'],
  ['EvtDeviceQueryStop', 'ptr'],
  ['EvtDeviceUsageNotification', 'ptr'],
  ['EvtDeviceRelationsQuery', 'ptr'],
  ['EvtDeviceUsageNotificationEx', 'ptr'],
]);

export const WDF_TIMER_CONFIG = struct('WDF_TIMER_CONFIG', [
  ['Size', 'u32'],
  ['EvtTimerFunc', 'ptr'],
  ['Period', 'u32'],
  ['AutomaticSerialization', 'u8'],
  ['TolerableDelay', 'u32'],
  ['UseHighResolutionTimer', 'u8'],
]);

export const WDF_WORKITEM_CONFIG = struct('WDF_WORKITEM_CONFIG', [
  ['Size', 'u32'],
  ['EvtWorkItemFunc', 'ptr'],
  ['AutomaticSerialization', 'u8'],
]);

export const WDF_DPC_CONFIG = struct('WDF_DPC_CONFIG', [
  ['Size', 'u32'],
  ['EvtDpcFunc', 'ptr'],
  ['AutomaticSerialization', 'u8'],
]);

export const WDF_REQUEST_SEND_OPTIONS = struct('WDF_REQUEST_SEND_OPTIONS', [
  ['Size', 'u32'],
  ['Flags', 'u32'],
  ['Timeout', 'i64'],
]);

const COMPLETION_PARAMETERS = union('WDF_REQUEST_COMPLETION_PARAMS_UNION', [
  ['Ioctl', struct('Ioctl', [['IoControlCode', 'u32'], ['Input', struct('Input', [['Buffer', 'ptr'], ['Offset', 'u32']])], ['Output', struct('Output', [['Buffer', 'ptr'], ['Offset', 'u32'], ['Length', 'u32']])]])],
  ['Others', struct('Others', ([1, 2, 3, 4] as const).map((n) => [`Argument${n}`, union(`Argument${n}`, [['Ptr', 'ptr'], ['Value', 'u32']])] as const))],
]);

export const WDF_REQUEST_COMPLETION_PARAMS = struct('WDF_REQUEST_COMPLETION_PARAMS', [
  ['Size', 'u32'],
  ['Type', 'u32'],
  ['IoStatus', IO_STATUS_BLOCK],
  ['Parameters', COMPLETION_PARAMETERS],
]);

export const WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS = struct('WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS', [
  ['Size', 'u32'],
  ['IdleCaps', 'u32'],
  ['DxState', 'u32'],
  ['IdleTimeout', 'u32'],
  ['UserControlOfIdleSettings', 'u32'],
  ['Enabled', 'u32'],
  ['PowerUpIdleDeviceOnSystemWake', 'u32'],
  ['IdleTimeoutType', 'u32'],
  ['ExcludeD3Cold', 'u32'],
]);

/** WDF_POWER_POLICY_S0_IDLE_CAPABILITIES. */
export const WDF_POWER_POLICY_S0_IDLE_CAPABILITIES = { Invalid: 0, CannotWakeFromS0: 1, CanWakeFromS0: 2, UsbSelectiveSuspend: 3 } as const;
/** WDF_POWER_POLICY_IDLE_TIMEOUT_TYPE. */
export const WDF_POWER_POLICY_IDLE_TIMEOUT_TYPE = { DriverManaged: 0, SystemManaged: 1, SystemManagedWithHint: 2 } as const;
/** IdleTimeout 0 means the framework's default, 5 s (fxpowerpolicystatemachine.hpp). */
export const IDLE_TIMEOUT_DEFAULT_MS = 5000;

export const WDF_INTERRUPT_CONFIG = struct('WDF_INTERRUPT_CONFIG', [
  ['Size', 'u32'],
  ['SpinLock', 'ptr'],
  ['ShareVector', 'u32'],
  ['FloatingSave', 'u8'],
  ['AutomaticSerialization', 'u8'],
  ['EvtInterruptIsr', 'ptr'],
  ['EvtInterruptDpc', 'ptr'],
  ['EvtInterruptEnable', 'ptr'],
  ['EvtInterruptDisable', 'ptr'],
  ['EvtInterruptWorkItem', 'ptr'],
  ['InterruptRaw', 'ptr'],
  ['InterruptTranslated', 'ptr'],
  ['WaitLock', 'ptr'],
  ['PassiveHandling', 'u8'],
  ['ReportInactiveOnPowerDown', 'u32'],
  ['CanWakeDevice', 'u8'],
]);

export const WDF_PNP_LAYOUTS: readonly StructLayout[] = [
  WDF_INTERRUPT_CONFIG,
  WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS,
  WDF_PNPPOWER_EVENT_CALLBACKS,
  WDF_TIMER_CONFIG,
  WDF_WORKITEM_CONFIG,
  WDF_DPC_CONFIG,
  WDF_REQUEST_SEND_OPTIONS,
  WDF_REQUEST_COMPLETION_PARAMS,
];

/** WDF_POWER_DEVICE_STATE: what EvtDeviceD0Entry's PreviousState and EvtDeviceD0Exit's TargetState say. */
export const WDF_POWER_DEVICE_STATE = { Invalid: 0, D0: 1, D1: 2, D2: 3, D3: 4, D3Final: 5, PrepareForHibernation: 6 } as const;

/** WDF_REQUEST_SEND_OPTIONS_FLAGS. */
export const WDF_REQUEST_SEND_OPTION = { Timeout: 0x1, Synchronous: 0x2, IgnoreTargetState: 0x4, SendAndForget: 0x8 } as const;

/** WDF_REQUEST_STOP_ACTION_FLAGS: EvtIoStop's ActionFlags. */
export const WDF_REQUEST_STOP_ACTION = { Suspend: 0x1, Purge: 0x2, RequestCancelable: 0x10000000 } as const;

/** Device PnP states: one table of the three machines' codes, in wdf-states.ts. */
export { WDF_DEVICE_PNP_STATE } from './wdf-states.ts';
