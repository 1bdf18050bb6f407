/*
 * KmdfPnpWake's power policy: the power-policy callbacks (each says so with DbgPrint) and the
 * system-wake settings (WdfDeviceAssignSxWakeSettings: the bus's DeviceWake, on by default). With
 * KMDFPNP_IDLE's S0 idle settings asking IdleCanWakeFromS0, the idle device is armed to wake too.
 */
#define KMDFPNP_WAKE
#include "../KmdfPnp/kmdfpnp.h"

static EVT_WDF_DEVICE_ARM_WAKE_FROM_S0 KmdfPnpEvtDeviceArmWakeFromS0;
static EVT_WDF_DEVICE_DISARM_WAKE_FROM_S0 KmdfPnpEvtDeviceDisarmWakeFromS0;
static EVT_WDF_DEVICE_WAKE_FROM_S0_TRIGGERED KmdfPnpEvtDeviceWakeFromS0Triggered;
static EVT_WDF_DEVICE_ARM_WAKE_FROM_SX_WITH_REASON KmdfPnpEvtDeviceArmWakeFromSxWithReason;
static EVT_WDF_DEVICE_DISARM_WAKE_FROM_SX KmdfPnpEvtDeviceDisarmWakeFromSx;
static EVT_WDF_DEVICE_WAKE_FROM_SX_TRIGGERED KmdfPnpEvtDeviceWakeFromSxTriggered;

VOID KmdfPnpWakeInit(PWDFDEVICE_INIT DeviceInit) {
  WDF_POWER_POLICY_EVENT_CALLBACKS policy;

  WDF_POWER_POLICY_EVENT_CALLBACKS_INIT(&policy);
  policy.EvtDeviceArmWakeFromS0 = KmdfPnpEvtDeviceArmWakeFromS0;
  policy.EvtDeviceDisarmWakeFromS0 = KmdfPnpEvtDeviceDisarmWakeFromS0;
  policy.EvtDeviceWakeFromS0Triggered = KmdfPnpEvtDeviceWakeFromS0Triggered;
  policy.EvtDeviceArmWakeFromSxWithReason = KmdfPnpEvtDeviceArmWakeFromSxWithReason;
  policy.EvtDeviceDisarmWakeFromSx = KmdfPnpEvtDeviceDisarmWakeFromSx;
  policy.EvtDeviceWakeFromSxTriggered = KmdfPnpEvtDeviceWakeFromSxTriggered;
  WdfDeviceInitSetPowerPolicyEventCallbacks(DeviceInit, &policy);
  /* A function driver owns its stack's power policy anyway; said here as a bus-filter pair would. */
  WdfDeviceInitSetPowerPolicyOwnership(DeviceInit, TRUE);
}

NTSTATUS KmdfPnpWakeAssign(WDFDEVICE Device) {
  WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS wake;
  NTSTATUS status;

  WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT(&wake);
  status = WdfDeviceAssignSxWakeSettings(Device, &wake);
  DbgPrint("KmdfPnp: WdfDeviceAssignSxWakeSettings 0x%08x\n", status);
  return status;
}

static NTSTATUS KmdfPnpEvtDeviceArmWakeFromS0(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceArmWakeFromS0\n");
  return STATUS_SUCCESS;
}

static VOID KmdfPnpEvtDeviceDisarmWakeFromS0(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceDisarmWakeFromS0\n");
}

static VOID KmdfPnpEvtDeviceWakeFromS0Triggered(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceWakeFromS0Triggered\n");
}

static NTSTATUS KmdfPnpEvtDeviceArmWakeFromSxWithReason(WDFDEVICE Device, BOOLEAN DeviceWakeEnabled, BOOLEAN ChildrenArmedForWake) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceArmWakeFromSxWithReason (device %d, children %d)\n", DeviceWakeEnabled, ChildrenArmedForWake);
  return STATUS_SUCCESS;
}

static VOID KmdfPnpEvtDeviceDisarmWakeFromSx(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceDisarmWakeFromSx\n");
}

static VOID KmdfPnpEvtDeviceWakeFromSxTriggered(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceWakeFromSxTriggered\n");
}
