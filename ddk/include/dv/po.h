/*
 * dv/po.h - power management (src/kernel/po): system and device power states, the IRP_MJ_POWER
 * parameters, and the power manager's routines (PoCallDriver, PoRequestPowerIrp, PoSetPowerState,
 * idle detection). Included by dv/io.h before IO_STACK_LOCATION, whose Parameters.Power uses these
 * types, as wdm.h declares them ahead of it. Values follow src/nt/power.ts.
 */
#ifndef DV_PO_H
#define DV_PO_H

typedef enum _SYSTEM_POWER_STATE {
  PowerSystemUnspecified = 0,
  PowerSystemWorking = 1,
  PowerSystemSleeping1 = 2,
  PowerSystemSleeping2 = 3,
  PowerSystemSleeping3 = 4,
  PowerSystemHibernate = 5,
  PowerSystemShutdown = 6,
  PowerSystemMaximum = 7
} SYSTEM_POWER_STATE, *PSYSTEM_POWER_STATE;

#define POWER_SYSTEM_MAXIMUM 7

typedef enum _DEVICE_POWER_STATE {
  PowerDeviceUnspecified = 0,
  PowerDeviceD0,
  PowerDeviceD1,
  PowerDeviceD2,
  PowerDeviceD3,
  PowerDeviceMaximum
} DEVICE_POWER_STATE, *PDEVICE_POWER_STATE;

typedef enum _POWER_STATE_TYPE {
  SystemPowerState = 0,
  DevicePowerState
} POWER_STATE_TYPE, *PPOWER_STATE_TYPE;

typedef union _POWER_STATE {
  SYSTEM_POWER_STATE SystemState;
  DEVICE_POWER_STATE DeviceState;
} POWER_STATE, *PPOWER_STATE;

typedef enum _POWER_ACTION {
  PowerActionNone = 0,
  PowerActionReserved,
  PowerActionSleep,
  PowerActionHibernate,
  PowerActionShutdown,
  PowerActionShutdownReset,
  PowerActionShutdownOff,
  PowerActionWarmEject,
  PowerActionDisplayOff
} POWER_ACTION, *PPOWER_ACTION;

/* What an S-IRP's Parameters.Power.SystemPowerStateContext says about the transition. */
typedef struct _SYSTEM_POWER_STATE_CONTEXT {
  union {
    struct {
      ULONG Reserved1 : 8;
      ULONG TargetSystemState : 4;
      ULONG EffectiveSystemState : 4;
      ULONG CurrentSystemState : 4;
      ULONG IgnoreHibernationPath : 1;
      ULONG PseudoTransition : 1;
      ULONG KernelSoftReboot : 1;
      ULONG DirectedDripsTransition : 1;
      ULONG Reserved2 : 8;
    };
    ULONG ContextAsUlong;
  };
} SYSTEM_POWER_STATE_CONTEXT, *PSYSTEM_POWER_STATE_CONTEXT;

typedef struct _POWER_SEQUENCE {
  ULONG SequenceD1;
  ULONG SequenceD2;
  ULONG SequenceD3;
} POWER_SEQUENCE, *PPOWER_SEQUENCE;

/* PoRequestPowerIrp's completion callback: called once the requested IRP has completed, before it is freed. */
typedef VOID REQUEST_POWER_COMPLETE(_In_ struct _DEVICE_OBJECT *DeviceObject, _In_ UCHAR MinorFunction, _In_ POWER_STATE PowerState,
                                    _In_opt_ PVOID Context, _In_ PIO_STATUS_BLOCK IoStatus);
typedef REQUEST_POWER_COMPLETE *PREQUEST_POWER_COMPLETE;

/*
 * IoRegisterPlugPlayNotification's callback (the type; the routine belongs to the PnP manager). In C it is
 * left unprototyped: drivers declare their callback with this type and define it taking the notification
 * structure they registered for (PDEVICE_INTERFACE_CHANGE_NOTIFICATION...), which MSVC accepts with warning
 * C4028 and clang would refuse as conflicting types. Each definition still fixes the routine's signature.
 */
#ifdef __cplusplus
typedef NTSTATUS DRIVER_NOTIFICATION_CALLBACK_ROUTINE(_In_ PVOID NotificationStructure, _Inout_opt_ PVOID Context);
#else
typedef NTSTATUS DRIVER_NOTIFICATION_CALLBACK_ROUTINE();
#endif
typedef DRIVER_NOTIFICATION_CALLBACK_ROUTINE *PDRIVER_NOTIFICATION_CALLBACK_ROUTINE;

DDI_IMPORT(PoCallDriver) NTSTATUS NTAPI PoCallDriver(_In_ struct _DEVICE_OBJECT *DeviceObject, _Inout_ struct _IRP *Irp);
DDI_IMPORT(PoStartNextPowerIrp) VOID NTAPI PoStartNextPowerIrp(_Inout_ struct _IRP *Irp);
DDI_IMPORT(PoSetPowerState) POWER_STATE NTAPI PoSetPowerState(_In_ struct _DEVICE_OBJECT *DeviceObject, _In_ POWER_STATE_TYPE Type, _In_ POWER_STATE State);
DDI_IMPORT(PoRequestPowerIrp)
NTSTATUS NTAPI PoRequestPowerIrp(_In_ struct _DEVICE_OBJECT *DeviceObject, _In_ UCHAR MinorFunction, _In_ POWER_STATE PowerState,
                                 _In_opt_ PREQUEST_POWER_COMPLETE CompletionFunction, _In_opt_ PVOID Context, _Outptr_opt_ struct _IRP **Irp);
DDI_IMPORT(PoRegisterDeviceForIdleDetection)
PULONG NTAPI PoRegisterDeviceForIdleDetection(_In_ struct _DEVICE_OBJECT *DeviceObject, _In_ ULONG ConservationIdleTime,
                                              _In_ ULONG PerformanceIdleTime, _In_ DEVICE_POWER_STATE State);
DDI_IMPORT(PoSetDeviceBusyEx) VOID NTAPI PoSetDeviceBusyEx(_Inout_ PULONG IdlePointer);
DDI_IMPORT(PoStartDeviceBusy) VOID NTAPI PoStartDeviceBusy(_Inout_ PULONG IdlePointer);
DDI_IMPORT(PoEndDeviceBusy) VOID NTAPI PoEndDeviceBusy(_Inout_ PULONG IdlePointer);

/* The idle counter back to zero: the idle countdown starts again. */
#define PoSetDeviceBusy(IdlePointer) ((void)(*(IdlePointer) = 0))

#endif /* DV_PO_H */
