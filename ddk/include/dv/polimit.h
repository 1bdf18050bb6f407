/*
 * dv/polimit.h - power limit requests (src/kernel/po/powerlimit.ts): a policy driver's handle on a
 * device's power limits, which the power manager reaches through the device's
 * GUID_POWER_LIMIT_INTERFACE (POWER_LIMIT_INTERFACE, poclass.h). Declared in wdm.h in the WDK.
 */
#ifndef DV_POLIMIT_H
#define DV_POLIMIT_H

typedef enum _POWER_LIMIT_TYPES {
  PowerLimitContinuous = 0,
  PowerLimitBurst,
  PowerLimitRapid,
  PowerLimitPreemptive,
  PowerLimitPreemptiveOffset,
  PowerLimitTypeMax
} POWER_LIMIT_TYPES, *PPOWER_LIMIT_TYPES;

/* One limit of one domain: values in mW (power) or mA (current), times in microseconds. */
typedef struct _POWER_LIMIT_ATTRIBUTES {
  POWER_LIMIT_TYPES Type;
  ULONG DomainId;
  ULONG MaxValue;
  ULONG MinValue;
  ULONG MinTimeParameter;
  ULONG MaxTimeParameter;
  ULONG DefaultACValue;
  ULONG DefaultDCValue;
  union {
    struct {
      ULONG SupportTimeParameter : 1;
      ULONG Reserved : 31;
    };
    ULONG AsUlong;
  } Flags;
} POWER_LIMIT_ATTRIBUTES, *PPOWER_LIMIT_ATTRIBUTES;

typedef struct _POWER_LIMIT_VALUE {
  POWER_LIMIT_TYPES Type;
  ULONG DomainId;
  ULONG TargetValue;
  ULONG TimeParameter;
} POWER_LIMIT_VALUE, *PPOWER_LIMIT_VALUE;

/* A TargetValue that lifts the limit. */
#define POWER_LIMIT_VALUE_NO_CONTROL 0xFFFFFFFFUL

/* All at PASSIVE_LEVEL. PoCreatePowerLimitRequest queries TargetDeviceObject's stack for the interface. */
DDI_IMPORT(PoCreatePowerLimitRequest) NTSTATUS NTAPI PoCreatePowerLimitRequest(_Outptr_ PVOID *PowerLimitRequest, _In_ struct _DEVICE_OBJECT *TargetDeviceObject, _In_opt_ struct _DEVICE_OBJECT *PolicyDeviceObject, _In_ PCOUNTED_REASON_CONTEXT Context);
DDI_IMPORT(PoDeletePowerLimitRequest) NTSTATUS NTAPI PoDeletePowerLimitRequest(_Inout_ PVOID PowerLimitRequest);
DDI_IMPORT(PoQueryPowerLimitAttributes) NTSTATUS NTAPI PoQueryPowerLimitAttributes(_In_ PVOID PowerLimitRequest, _In_ ULONG BufferCount, _Out_writes_opt_(BufferCount) PPOWER_LIMIT_ATTRIBUTES Buffer, _Out_ PULONG AttributeCount);
DDI_IMPORT(PoSetPowerLimitValue) NTSTATUS NTAPI PoSetPowerLimitValue(_In_ PVOID PowerLimitRequest, _In_ PCOUNTED_REASON_CONTEXT Reason, _In_ ULONG ValueCount, _Inout_updates_(ValueCount) PPOWER_LIMIT_VALUE Values);
DDI_IMPORT(PoQueryPowerLimitValue) NTSTATUS NTAPI PoQueryPowerLimitValue(_In_ PVOID PowerLimitRequest, _In_ ULONG ValueCount, _Inout_updates_(ValueCount) PPOWER_LIMIT_VALUE Values);

#endif /* DV_POLIMIT_H */
