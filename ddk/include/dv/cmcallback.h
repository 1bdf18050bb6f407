/*
 * dv/cmcallback.h - what a registry filter needs beyond dv/cm.h (src/kernel/cm/callback-exports.ts,
 * src/kernel/cm/transacted.ts): the REG_*_INFORMATION of the create, open, close, query and
 * enumerate notifications, the object identifiers and contexts a callback asks for, and the
 * transacted key routines.
 */
#ifndef DV_CMCALLBACK_H
#define DV_CMCALLBACK_H

/* RegNtPreCreateKeyEx / RegNtPreOpenKeyEx (and their post's PreInformation). Version is 1: the
   fields after Transaction are there. RootObject is the key the name is relative to (\REGISTRY for
   an absolute name); a pre callback that returns STATUS_CALLBACK_BYPASS sets *ResultObject. */
typedef struct _REG_CREATE_KEY_INFORMATION {
  PUNICODE_STRING CompleteName;
  PVOID RootObject;
  PVOID ObjectType;
  ULONG CreateOptions;
  PUNICODE_STRING Class;
  PVOID SecurityDescriptor;
  PVOID SecurityQualityOfService;
  ACCESS_MASK DesiredAccess;
  ACCESS_MASK GrantedAccess;
  PULONG Disposition;
  PVOID *ResultObject;
  PVOID CallContext;
  PVOID RootObjectContext;
  PVOID Transaction;
  PVOID Reserved;
} REG_CREATE_KEY_INFORMATION, REG_OPEN_KEY_INFORMATION, *PREG_CREATE_KEY_INFORMATION, *PREG_OPEN_KEY_INFORMATION;

typedef struct _REG_CREATE_KEY_INFORMATION_V1 {
  PUNICODE_STRING CompleteName;
  PVOID RootObject;
  PVOID ObjectType;
  ULONG Options;
  PUNICODE_STRING Class;
  PVOID SecurityDescriptor;
  PVOID SecurityQualityOfService;
  ACCESS_MASK DesiredAccess;
  ACCESS_MASK GrantedAccess;
  PULONG Disposition;
  PVOID *ResultObject;
  PVOID CallContext;
  PVOID RootObjectContext;
  PVOID Transaction;
  ULONG_PTR Version;
  PUNICODE_STRING RemainingName;
  ULONG Wow64Flags;
  ULONG Attributes;
  KPROCESSOR_MODE CheckAccessMode;
} REG_CREATE_KEY_INFORMATION_V1, REG_OPEN_KEY_INFORMATION_V1, *PREG_CREATE_KEY_INFORMATION_V1, *PREG_OPEN_KEY_INFORMATION_V1;

typedef struct _REG_KEY_HANDLE_CLOSE_INFORMATION {
  PVOID Object;
  PVOID CallContext;
  PVOID ObjectContext;
  PVOID Reserved;
} REG_KEY_HANDLE_CLOSE_INFORMATION, *PREG_KEY_HANDLE_CLOSE_INFORMATION;

typedef struct _REG_QUERY_VALUE_KEY_INFORMATION {
  PVOID Object;
  PUNICODE_STRING ValueName;
  KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass;
  PVOID KeyValueInformation;
  ULONG Length;
  PULONG ResultLength;
  PVOID CallContext;
  PVOID ObjectContext;
  PVOID Reserved;
} REG_QUERY_VALUE_KEY_INFORMATION, *PREG_QUERY_VALUE_KEY_INFORMATION;

typedef struct _REG_ENUMERATE_KEY_INFORMATION {
  PVOID Object;
  ULONG Index;
  KEY_INFORMATION_CLASS KeyInformationClass;
  PVOID KeyInformation;
  ULONG Length;
  PULONG ResultLength;
  PVOID CallContext;
  PVOID ObjectContext;
  PVOID Reserved;
} REG_ENUMERATE_KEY_INFORMATION, *PREG_ENUMERATE_KEY_INFORMATION;

typedef struct _REG_ENUMERATE_VALUE_KEY_INFORMATION {
  PVOID Object;
  ULONG Index;
  KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass;
  PVOID KeyValueInformation;
  ULONG Length;
  PULONG ResultLength;
  PVOID CallContext;
  PVOID ObjectContext;
  PVOID Reserved;
} REG_ENUMERATE_VALUE_KEY_INFORMATION, *PREG_ENUMERATE_VALUE_KEY_INFORMATION;

typedef struct _REG_QUERY_KEY_INFORMATION {
  PVOID Object;
  KEY_INFORMATION_CLASS KeyInformationClass;
  PVOID KeyInformation;
  ULONG Length;
  PULONG ResultLength;
  PVOID CallContext;
  PVOID ObjectContext;
  PVOID Reserved;
} REG_QUERY_KEY_INFORMATION, *PREG_QUERY_KEY_INFORMATION;

/* RegNtCallbackObjectContextCleanup: the key body with a context (CmSetCallbackObjectContext) is
   going away, or the callback is being unregistered. */
typedef struct _REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION {
  PVOID Object;
  PVOID ObjectContext;
  PVOID Reserved;
} REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION, *PREG_CALLBACK_CONTEXT_CLEANUP_INFORMATION;

/* 1.0 before Windows 8's capture of every REG_*_INFORMATION buffer; this kernel reports 1.1. */
DDI_IMPORT(CmGetCallbackVersion) VOID NTAPI CmGetCallbackVersion(_Out_opt_ PULONG Major, _Out_opt_ PULONG Minor);
/* Attach a context to a key body for the callback of Cookie; *OldContext receives the previous one. */
DDI_IMPORT(CmSetCallbackObjectContext)
NTSTATUS NTAPI CmSetCallbackObjectContext(_Inout_ PVOID Object, _In_ PLARGE_INTEGER Cookie, _In_ PVOID NewContext, _Out_opt_ PVOID *OldContext);
/* The key's unique ID and full name (\REGISTRY\...). The Ex form's name is the caller's to release with
   CmCallbackReleaseKeyObjectIDEx; the old form's name lives as long as the key body. */
DDI_IMPORT(CmCallbackGetKeyObjectID)
NTSTATUS NTAPI CmCallbackGetKeyObjectID(_In_ PLARGE_INTEGER Cookie, _In_ PVOID Object, _Out_opt_ PULONG_PTR ObjectID,
                                        _Outptr_opt_ PCUNICODE_STRING *ObjectName);
DDI_IMPORT(CmCallbackGetKeyObjectIDEx)
NTSTATUS NTAPI CmCallbackGetKeyObjectIDEx(_In_ PLARGE_INTEGER Cookie, _In_ PVOID Object, _Out_opt_ PULONG_PTR ObjectID,
                                          _Outptr_opt_ PCUNICODE_STRING *ObjectName, _In_ ULONG Flags);
DDI_IMPORT(CmCallbackReleaseKeyObjectIDEx) VOID NTAPI CmCallbackReleaseKeyObjectIDEx(_In_ PCUNICODE_STRING ObjectName);
/* The transaction a key body was opened in (ZwCreateKeyTransacted/ZwOpenKeyTransacted), or NULL. */
DDI_IMPORT(CmGetBoundTransaction) PVOID NTAPI CmGetBoundTransaction(_In_ PLARGE_INTEGER Cookie, _In_ PVOID Object);

/* A key opened in a transaction: what is done through it (keys created, values set or deleted) is
   undone if the transaction rolls back; deleting the key waits for the commit. Until then the work
   is visible to every handle (this model does not isolate transactions). Keys opened relative to a
   transacted handle are in its transaction too. */
DDI_IMPORT(ZwCreateKeyTransacted)
NTSTATUS NTAPI ZwCreateKeyTransacted(_Out_ PHANDLE KeyHandle, _In_ ACCESS_MASK DesiredAccess, _In_ POBJECT_ATTRIBUTES ObjectAttributes,
                                     _Reserved_ ULONG TitleIndex, _In_opt_ PUNICODE_STRING Class, _In_ ULONG CreateOptions,
                                     _In_ HANDLE TransactionHandle, _Out_opt_ PULONG Disposition);
DDI_IMPORT(ZwOpenKeyTransacted)
NTSTATUS NTAPI ZwOpenKeyTransacted(_Out_ PHANDLE KeyHandle, _In_ ACCESS_MASK DesiredAccess, _In_ POBJECT_ATTRIBUTES ObjectAttributes,
                                   _In_ HANDLE TransactionHandle);

#endif /* DV_CMCALLBACK_H */
