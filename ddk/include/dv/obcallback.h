/*
 * dv/obcallback.h - object callbacks on process and thread handles (src/kernel/ob/callbacks.ts),
 * and ObOpenObjectByPointer, which runs them.
 */
#ifndef DV_OBCALLBACK_H
#define DV_OBCALLBACK_H

typedef struct _ACCESS_STATE *PACCESS_STATE;

#define OBJ_KERNEL_HANDLE 0x00000200L

#define OB_FLT_REGISTRATION_VERSION_0100 0x0100
#define OB_FLT_REGISTRATION_VERSION OB_FLT_REGISTRATION_VERSION_0100

typedef ULONG OB_OPERATION;
#define OB_OPERATION_HANDLE_CREATE 0x00000001
#define OB_OPERATION_HANDLE_DUPLICATE 0x00000002

typedef enum _OB_PREOP_CALLBACK_STATUS { OB_PREOP_SUCCESS } OB_PREOP_CALLBACK_STATUS, *POB_PREOP_CALLBACK_STATUS;

typedef struct _OB_PRE_CREATE_HANDLE_INFORMATION {
  ACCESS_MASK DesiredAccess;
  ACCESS_MASK OriginalDesiredAccess;
} OB_PRE_CREATE_HANDLE_INFORMATION, *POB_PRE_CREATE_HANDLE_INFORMATION;

typedef struct _OB_PRE_DUPLICATE_HANDLE_INFORMATION {
  ACCESS_MASK DesiredAccess;
  ACCESS_MASK OriginalDesiredAccess;
  PVOID SourceProcess;
  PVOID TargetProcess;
} OB_PRE_DUPLICATE_HANDLE_INFORMATION, *POB_PRE_DUPLICATE_HANDLE_INFORMATION;

typedef union _OB_PRE_OPERATION_PARAMETERS {
  OB_PRE_CREATE_HANDLE_INFORMATION CreateHandleInformation;
  OB_PRE_DUPLICATE_HANDLE_INFORMATION DuplicateHandleInformation;
} OB_PRE_OPERATION_PARAMETERS, *POB_PRE_OPERATION_PARAMETERS;

/* KernelHandle: the handle is a kernel handle (OBJ_KERNEL_HANDLE). */
typedef struct _OB_PRE_OPERATION_INFORMATION {
  OB_OPERATION Operation;
  union {
    ULONG Flags;
    struct {
      ULONG KernelHandle : 1;
      ULONG Reserved : 31;
    };
  };
  PVOID Object;
  POBJECT_TYPE ObjectType;
  PVOID CallContext;
  POB_PRE_OPERATION_PARAMETERS Parameters;
} OB_PRE_OPERATION_INFORMATION, *POB_PRE_OPERATION_INFORMATION;

typedef struct _OB_POST_CREATE_HANDLE_INFORMATION {
  ACCESS_MASK GrantedAccess;
} OB_POST_CREATE_HANDLE_INFORMATION, *POB_POST_CREATE_HANDLE_INFORMATION;

typedef struct _OB_POST_DUPLICATE_HANDLE_INFORMATION {
  ACCESS_MASK GrantedAccess;
} OB_POST_DUPLICATE_HANDLE_INFORMATION, *POB_POST_DUPLICATE_HANDLE_INFORMATION;

typedef union _OB_POST_OPERATION_PARAMETERS {
  OB_POST_CREATE_HANDLE_INFORMATION CreateHandleInformation;
  OB_POST_DUPLICATE_HANDLE_INFORMATION DuplicateHandleInformation;
} OB_POST_OPERATION_PARAMETERS, *POB_POST_OPERATION_PARAMETERS;

typedef struct _OB_POST_OPERATION_INFORMATION {
  OB_OPERATION Operation;
  union {
    ULONG Flags;
    struct {
      ULONG KernelHandle : 1;
      ULONG Reserved : 31;
    };
  };
  PVOID Object;
  POBJECT_TYPE ObjectType;
  PVOID CallContext;
  NTSTATUS ReturnStatus;
  POB_POST_OPERATION_PARAMETERS Parameters;
} OB_POST_OPERATION_INFORMATION, *POB_POST_OPERATION_INFORMATION;

typedef OB_PREOP_CALLBACK_STATUS (*POB_PRE_OPERATION_CALLBACK)(_In_ PVOID RegistrationContext,
                                                               _Inout_ POB_PRE_OPERATION_INFORMATION OperationInformation);
typedef VOID (*POB_POST_OPERATION_CALLBACK)(_In_ PVOID RegistrationContext, _In_ POB_POST_OPERATION_INFORMATION OperationInformation);

/* ObjectType holds the exported variable's value: PsProcessType or PsThreadType. */
typedef struct _OB_OPERATION_REGISTRATION {
  POBJECT_TYPE *ObjectType;
  OB_OPERATION Operations;
  POB_PRE_OPERATION_CALLBACK PreOperation;
  POB_POST_OPERATION_CALLBACK PostOperation;
} OB_OPERATION_REGISTRATION, *POB_OPERATION_REGISTRATION;

typedef struct _OB_CALLBACK_REGISTRATION {
  USHORT Version;
  USHORT OperationRegistrationCount;
  UNICODE_STRING Altitude;
  PVOID RegistrationContext;
  OB_OPERATION_REGISTRATION *OperationRegistration;
} OB_CALLBACK_REGISTRATION, *POB_CALLBACK_REGISTRATION;

/* --- DDIs --- */

/* STATUS_FLT_INSTANCE_ALTITUDE_COLLISION when another registration has the same Altitude. */
DDI_IMPORT(ObRegisterCallbacks)
NTSTATUS NTAPI ObRegisterCallbacks(_In_ POB_CALLBACK_REGISTRATION CallbackRegistration, _Outptr_ PVOID *RegistrationHandle);
DDI_IMPORT(ObUnRegisterCallbacks) VOID NTAPI ObUnRegisterCallbacks(_In_ PVOID RegistrationHandle);
DDI_IMPORT(ObGetFilterVersion) USHORT NTAPI ObGetFilterVersion(VOID);
DDI_IMPORT(ObOpenObjectByPointer)
NTSTATUS NTAPI ObOpenObjectByPointer(_In_ PVOID Object, _In_ ULONG HandleAttributes, _In_opt_ PACCESS_STATE PassedAccessState,
                                     _In_ ACCESS_MASK DesiredAccess, _In_opt_ POBJECT_TYPE ObjectType,
                                     _In_ KPROCESSOR_MODE AccessMode, _Out_ PHANDLE Handle);

#endif /* DV_OBCALLBACK_H */
