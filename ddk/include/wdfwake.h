/*
 * <wdfwake.h>: power policy and wake, which the WDK declares in wdfdevice.h: setting the
 * power-policy callbacks (arming the device to wake from S0 idle or from a system sleep, the wake
 * signal, the disarming), power policy ownership, the system-wake settings, a bus driver's wake status.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFWAKE_H_
#define _WDFWAKE_H_

EXTERN_C_START

/* The callbacks and WDF_POWER_POLICY_EVENT_CALLBACKS are wdfdevice.h's. */

typedef enum _WDF_POWER_POLICY_SX_WAKE_USER_CONTROL {
  WakeUserControlInvalid = 0,
  WakeDoNotAllowUserControl,
  WakeAllowUserControl,
} WDF_POWER_POLICY_SX_WAKE_USER_CONTROL;

/* How the device wakes the system: the Dx it sleeps in (PowerDeviceMaximum: the bus's DeviceWake), on or off. */
typedef struct _WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS {
  ULONG Size;
  DEVICE_POWER_STATE DxState;
  WDF_POWER_POLICY_SX_WAKE_USER_CONTROL UserControlOfWakeSettings;
  WDF_TRI_STATE Enabled;
  BOOLEAN ArmForWakeIfChildrenAreArmedForWake;
  BOOLEAN IndicateChildWakeOnParentWake;
} WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS, *PWDF_DEVICE_POWER_POLICY_WAKE_SETTINGS;

FORCEINLINE VOID WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT(PWDF_DEVICE_POWER_POLICY_WAKE_SETTINGS Settings) {
  RtlZeroMemory(Settings, sizeof(WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS));
  Settings->Size = sizeof(WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS);
  Settings->Enabled = WdfUseDefault;
  Settings->DxState = PowerDeviceMaximum;
  Settings->UserControlOfWakeSettings = WakeAllowUserControl;
}

WDF_IMPORT(WdfDeviceInitSetPowerPolicyEventCallbacks)
VOID WdfDeviceInitSetPowerPolicyEventCallbacks(PWDFDEVICE_INIT DeviceInit, PWDF_POWER_POLICY_EVENT_CALLBACKS PowerPolicyEventCallbacks);

WDF_IMPORT(WdfDeviceInitSetPowerPolicyOwnership)
VOID WdfDeviceInitSetPowerPolicyOwnership(PWDFDEVICE_INIT DeviceInit, BOOLEAN IsPowerPolicyOwner);

WDF_IMPORT(WdfDeviceAssignSxWakeSettings)
NTSTATUS WdfDeviceAssignSxWakeSettings(WDFDEVICE Device, PWDF_DEVICE_POWER_POLICY_WAKE_SETTINGS Settings);

WDF_IMPORT(WdfDeviceIndicateWakeStatus)
NTSTATUS WdfDeviceIndicateWakeStatus(WDFDEVICE Device, NTSTATUS WaitWakeStatus);

EXTERN_C_END

#endif
