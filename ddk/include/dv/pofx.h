/*
 * dv/pofx.h - the runtime power framework (PoFx, src/kernel/po/pofx.ts): a device's components, their
 * activation references and Fx states, and the callbacks through which the framework tells the driver
 * what changes. Version 1 of PO_FX_DEVICE. Declared in wdm.h in the WDK.
 */
#ifndef DV_POFX_H
#define DV_POFX_H

/* The registration PoFxRegisterDevice returns: opaque. */
typedef struct _PO_FX_DEVICE_REGISTRATION *POHANDLE;

#define PO_FX_VERSION_V1 0x00000001
#define PO_FX_VERSION PO_FX_VERSION_V1

/* A PO_FX_COMPONENT_IDLE_STATE's NominalPower or latency the driver does not know. */
#define PO_FX_UNKNOWN_POWER 0xFFFFFFFF
#define PO_FX_UNKNOWN_TIME 0xFFFFFFFFFFFFFFFFULL

/* PoFxActivateComponent / PoFxIdleComponent Flags (mutually exclusive). */
#define PO_FX_FLAG_BLOCKING 0x00000001
#define PO_FX_FLAG_ASYNC_ONLY 0x00000002

/* One Fx state: latency and residency in 100 ns units, power in microwatts. */
typedef struct _PO_FX_COMPONENT_IDLE_STATE {
  ULONGLONG TransitionLatency;
  ULONGLONG ResidencyRequirement;
  ULONG NominalPower;
} PO_FX_COMPONENT_IDLE_STATE, *PPO_FX_COMPONENT_IDLE_STATE;

/* A component: IdleStates[0] is F0, IdleStates[IdleStateCount - 1] the deepest. */
typedef struct _PO_FX_COMPONENT_V1 {
  GUID Id;
  ULONG IdleStateCount;
  ULONG DeepestWakeableIdleState;
  PPO_FX_COMPONENT_IDLE_STATE IdleStates;
} PO_FX_COMPONENT_V1, *PPO_FX_COMPONENT_V1;

typedef VOID PO_FX_COMPONENT_ACTIVE_CONDITION_CALLBACK(_In_ PVOID Context, _In_ ULONG Component);
typedef PO_FX_COMPONENT_ACTIVE_CONDITION_CALLBACK *PPO_FX_COMPONENT_ACTIVE_CONDITION_CALLBACK;
typedef VOID PO_FX_COMPONENT_IDLE_CONDITION_CALLBACK(_In_ PVOID Context, _In_ ULONG Component);
typedef PO_FX_COMPONENT_IDLE_CONDITION_CALLBACK *PPO_FX_COMPONENT_IDLE_CONDITION_CALLBACK;
typedef VOID PO_FX_COMPONENT_IDLE_STATE_CALLBACK(_In_ PVOID Context, _In_ ULONG Component, _In_ ULONG State);
typedef PO_FX_COMPONENT_IDLE_STATE_CALLBACK *PPO_FX_COMPONENT_IDLE_STATE_CALLBACK;
typedef VOID PO_FX_DEVICE_POWER_REQUIRED_CALLBACK(_In_ PVOID Context);
typedef PO_FX_DEVICE_POWER_REQUIRED_CALLBACK *PPO_FX_DEVICE_POWER_REQUIRED_CALLBACK;
typedef VOID PO_FX_DEVICE_POWER_NOT_REQUIRED_CALLBACK(_In_ PVOID Context);
typedef PO_FX_DEVICE_POWER_NOT_REQUIRED_CALLBACK *PPO_FX_DEVICE_POWER_NOT_REQUIRED_CALLBACK;
typedef NTSTATUS PO_FX_POWER_CONTROL_CALLBACK(_In_ PVOID DeviceContext, _In_ LPCGUID PowerControlCode, _In_opt_ PVOID InBuffer,
                                              _In_ SIZE_T InBufferSize, _Out_opt_ PVOID OutBuffer, _In_ SIZE_T OutBufferSize,
                                              _Out_opt_ PSIZE_T BytesReturned);
typedef PO_FX_POWER_CONTROL_CALLBACK *PPO_FX_POWER_CONTROL_CALLBACK;

/* What PoFxRegisterDevice is given: the callbacks, the context they receive, and ComponentCount components. */
typedef struct _PO_FX_DEVICE_V1 {
  ULONG Version;
  ULONG ComponentCount;
  PPO_FX_COMPONENT_ACTIVE_CONDITION_CALLBACK ComponentActiveConditionCallback;
  PPO_FX_COMPONENT_IDLE_CONDITION_CALLBACK ComponentIdleConditionCallback;
  PPO_FX_COMPONENT_IDLE_STATE_CALLBACK ComponentIdleStateCallback;
  PPO_FX_DEVICE_POWER_REQUIRED_CALLBACK DevicePowerRequiredCallback;
  PPO_FX_DEVICE_POWER_NOT_REQUIRED_CALLBACK DevicePowerNotRequiredCallback;
  PPO_FX_POWER_CONTROL_CALLBACK PowerControlCallback;
  PVOID DeviceContext;
  PO_FX_COMPONENT_V1 Components[ANYSIZE_ARRAY];
} PO_FX_DEVICE_V1, *PPO_FX_DEVICE_V1;

typedef PO_FX_COMPONENT_V1 PO_FX_COMPONENT, *PPO_FX_COMPONENT;
typedef PO_FX_DEVICE_V1 PO_FX_DEVICE, *PPO_FX_DEVICE;

DDI_IMPORT(PoFxRegisterDevice) NTSTATUS NTAPI PoFxRegisterDevice(_In_ struct _DEVICE_OBJECT *Pdo, _In_ PPO_FX_DEVICE Device, _Out_ POHANDLE *Handle);
DDI_IMPORT(PoFxStartDevicePowerManagement) VOID NTAPI PoFxStartDevicePowerManagement(_In_ POHANDLE Handle);
DDI_IMPORT(PoFxUnregisterDevice) VOID NTAPI PoFxUnregisterDevice(_In_ POHANDLE Handle);
DDI_IMPORT(PoFxActivateComponent) VOID NTAPI PoFxActivateComponent(_In_ POHANDLE Handle, _In_ ULONG Component, _In_ ULONG Flags);
DDI_IMPORT(PoFxIdleComponent) VOID NTAPI PoFxIdleComponent(_In_ POHANDLE Handle, _In_ ULONG Component, _In_ ULONG Flags);
DDI_IMPORT(PoFxCompleteIdleCondition) VOID NTAPI PoFxCompleteIdleCondition(_In_ POHANDLE Handle, _In_ ULONG Component);
DDI_IMPORT(PoFxCompleteIdleState) VOID NTAPI PoFxCompleteIdleState(_In_ POHANDLE Handle, _In_ ULONG Component);
DDI_IMPORT(PoFxCompleteDevicePowerNotRequired) VOID NTAPI PoFxCompleteDevicePowerNotRequired(_In_ POHANDLE Handle);
DDI_IMPORT(PoFxReportDevicePoweredOn) VOID NTAPI PoFxReportDevicePoweredOn(_In_ POHANDLE Handle);
DDI_IMPORT(PoFxSetComponentLatency) VOID NTAPI PoFxSetComponentLatency(_In_ POHANDLE Handle, _In_ ULONG Component, _In_ ULONGLONG Latency);
DDI_IMPORT(PoFxSetComponentResidency) VOID NTAPI PoFxSetComponentResidency(_In_ POHANDLE Handle, _In_ ULONG Component, _In_ ULONGLONG Residency);
DDI_IMPORT(PoFxSetDeviceIdleTimeout) VOID NTAPI PoFxSetDeviceIdleTimeout(_In_ POHANDLE Handle, _In_ ULONGLONG IdleTimeout);

#endif
