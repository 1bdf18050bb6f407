/*
 * dv/posetting.h - power setting callbacks (src/kernel/po/setting.ts) and the reason context that
 * power requests and power limit requests carry. Declared in wdm.h in the WDK.
 */
#ifndef DV_POSETTING_H
#define DV_POSETTING_H

/* Why a power request or power limit update is made: a plain string, or a resource's strings. */
#define POWER_REQUEST_CONTEXT_VERSION 0
#define DIAGNOSTIC_REASON_VERSION 0
#define DIAGNOSTIC_REASON_SIMPLE_STRING 0x00000001
#define DIAGNOSTIC_REASON_DETAILED_STRING 0x00000002
#define DIAGNOSTIC_REASON_NOT_SPECIFIED 0x80000000
#define DIAGNOSTIC_REASON_INVALID_FLAGS (~0x80000007)

typedef struct _COUNTED_REASON_CONTEXT {
  ULONG Version;
  ULONG Flags;
  union {
    struct {
      UNICODE_STRING ResourceFileName;
      USHORT ResourceReasonId;
      ULONG StringCount;
      PUNICODE_STRING ReasonStrings;
    };
    UNICODE_STRING SimpleString;
  };
} COUNTED_REASON_CONTEXT, *PCOUNTED_REASON_CONTEXT;

/* Called with the setting's value when it changes (Value and ValueLength as the setting defines them). */
typedef _Function_class_(POWER_SETTING_CALLBACK) _IRQL_requires_same_ NTSTATUS
POWER_SETTING_CALLBACK(_In_ LPCGUID SettingGuid, _In_reads_bytes_(ValueLength) PVOID Value, _In_ ULONG ValueLength, _Inout_opt_ PVOID Context);
typedef POWER_SETTING_CALLBACK *PPOWER_SETTING_CALLBACK;

/* IRQL < DISPATCH_LEVEL. *Handle is what PoUnregisterPowerSettingCallback takes. */
DDI_IMPORT(PoRegisterPowerSettingCallback) NTSTATUS NTAPI PoRegisterPowerSettingCallback(_In_opt_ struct _DEVICE_OBJECT *DeviceObject, _In_ LPCGUID SettingGuid, _In_ PPOWER_SETTING_CALLBACK Callback, _In_opt_ PVOID Context, _Outptr_opt_ PVOID *Handle);
DDI_IMPORT(PoUnregisterPowerSettingCallback) NTSTATUS NTAPI PoUnregisterPowerSettingCallback(_Inout_ PVOID Handle);

#endif /* DV_POSETTING_H */
