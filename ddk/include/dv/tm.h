/*
 * dv/tm.h - the Kernel Transaction Manager (src/kernel/tm): transaction managers, resource managers,
 * transactions and enlistments, and the TM_RM_NOTIFICATION a resource manager receives. The model is
 * volatile only (no log file). Every routine runs at PASSIVE_LEVEL. Handles are kernel handles: close
 * them with ZwClose.
 */
#ifndef DV_TM_H
#define DV_TM_H

typedef struct _KTM *PKTM;
typedef struct _KTRANSACTION *PKTRANSACTION;
typedef struct _KRESOURCEMANAGER *PKRESOURCEMANAGER;
typedef struct _KENLISTMENT *PKENLISTMENT;

/* A bitwise OR of TRANSACTION_NOTIFY_* (ktmtypes.h). */
typedef ULONG NOTIFICATION_MASK;
#define TRANSACTION_NOTIFY_MASK 0x3FFFFFFF
#define TRANSACTION_NOTIFY_PREPREPARE 0x00000001
#define TRANSACTION_NOTIFY_PREPARE 0x00000002
#define TRANSACTION_NOTIFY_COMMIT 0x00000004
#define TRANSACTION_NOTIFY_ROLLBACK 0x00000008
#define TRANSACTION_NOTIFY_PREPREPARE_COMPLETE 0x00000010
#define TRANSACTION_NOTIFY_PREPARE_COMPLETE 0x00000020
#define TRANSACTION_NOTIFY_COMMIT_COMPLETE 0x00000040
#define TRANSACTION_NOTIFY_ROLLBACK_COMPLETE 0x00000080
#define TRANSACTION_NOTIFY_RECOVER 0x00000100
#define TRANSACTION_NOTIFY_SINGLE_PHASE_COMMIT 0x00000200
#define TRANSACTION_NOTIFY_DELEGATE_COMMIT 0x00000400
#define TRANSACTION_NOTIFY_RECOVER_QUERY 0x00000800
#define TRANSACTION_NOTIFY_ENLIST_PREPREPARE 0x00001000
#define TRANSACTION_NOTIFY_LAST_RECOVER 0x00002000
#define TRANSACTION_NOTIFY_INDOUBT 0x00004000
#define TRANSACTION_NOTIFY_TM_ONLINE 0x02000000
#define TRANSACTION_NOTIFY_REQUEST_OUTCOME 0x20000000
#define TRANSACTION_NOTIFY_COMMIT_FINALIZE 0x40000000

/* CreateOptions */
#define TRANSACTION_MANAGER_VOLATILE 0x00000001
#define TRANSACTION_MANAGER_COMMIT_DEFAULT 0x00000000
#define RESOURCE_MANAGER_VOLATILE 0x00000001
#define RESOURCE_MANAGER_COMMUNICATION 0x00000002
#define TRANSACTION_DO_NOT_PROMOTE 0x00000001
#define ENLISTMENT_SUPERIOR 0x00000001

/* Access rights (accepted, not enforced: every caller is kernel mode). */
#define TRANSACTIONMANAGER_QUERY_INFORMATION 0x0001
#define TRANSACTIONMANAGER_SET_INFORMATION 0x0002
#define TRANSACTIONMANAGER_RECOVER 0x0004
#define TRANSACTIONMANAGER_RENAME 0x0008
#define TRANSACTIONMANAGER_CREATE_RM 0x0010
#define TRANSACTIONMANAGER_BIND_TRANSACTION 0x0020
#define TRANSACTIONMANAGER_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | 0x003F)
#define TRANSACTION_QUERY_INFORMATION 0x0001
#define TRANSACTION_SET_INFORMATION 0x0002
#define TRANSACTION_ENLIST 0x0004
#define TRANSACTION_COMMIT 0x0008
#define TRANSACTION_ROLLBACK 0x0010
#define TRANSACTION_PROPAGATE 0x0020
#define TRANSACTION_RIGHT_RESERVED1 0x0040
#define TRANSACTION_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x007F)
#define RESOURCEMANAGER_QUERY_INFORMATION 0x0001
#define RESOURCEMANAGER_SET_INFORMATION 0x0002
#define RESOURCEMANAGER_RECOVER 0x0004
#define RESOURCEMANAGER_ENLIST 0x0008
#define RESOURCEMANAGER_GET_NOTIFICATION 0x0010
#define RESOURCEMANAGER_REGISTER_PROTOCOL 0x0020
#define RESOURCEMANAGER_COMPLETE_PROPAGATION 0x0040
#define RESOURCEMANAGER_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x007F)
#define ENLISTMENT_QUERY_INFORMATION 0x0001
#define ENLISTMENT_SET_INFORMATION 0x0002
#define ENLISTMENT_RECOVER 0x0004
#define ENLISTMENT_SUBORDINATE_RIGHTS 0x0008
#define ENLISTMENT_SUPERIOR_RIGHTS 0x0010
#define ENLISTMENT_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | 0x001F)

/* What TmEnableCallbacks registers: called once per notification in the enlistment's mask. */
typedef NTSTATUS NTAPI TM_RM_NOTIFICATION(_In_ PKENLISTMENT EnlistmentObject, _In_ PVOID RMContext, _In_ PVOID TransactionContext,
                                         _In_ ULONG TransactionNotification, _Inout_ PLARGE_INTEGER TmVirtualClock,
                                         _In_ ULONG ArgumentLength, _In_ PVOID Argument);
typedef TM_RM_NOTIFICATION *PTM_RM_NOTIFICATION;

extern DDI_DATA_IMPORT POBJECT_TYPE *TmTransactionObjectType;

/* Only volatile transaction managers (TRANSACTION_MANAGER_VOLATILE, LogFileName NULL). */
DDI_IMPORT(ZwCreateTransactionManager)
NTSTATUS NTAPI ZwCreateTransactionManager(_Out_ PHANDLE TmHandle, _In_ ACCESS_MASK DesiredAccess, _In_opt_ POBJECT_ATTRIBUTES ObjectAttributes,
                                          _In_opt_ PUNICODE_STRING LogFileName, _In_opt_ ULONG CreateOptions, _In_opt_ ULONG CommitStrength);
DDI_IMPORT(ZwCreateResourceManager)
NTSTATUS NTAPI ZwCreateResourceManager(_Out_ PHANDLE ResourceManagerHandle, _In_ ACCESS_MASK DesiredAccess, _In_ HANDLE TmHandle,
                                       _In_opt_ PGUID ResourceManagerGuid, _In_opt_ POBJECT_ATTRIBUTES ObjectAttributes,
                                       _In_opt_ ULONG CreateOptions, _In_opt_ PUNICODE_STRING Description);
/* A transaction of the kernel's own transaction manager when TmHandle is NULL. */
DDI_IMPORT(ZwCreateTransaction)
NTSTATUS NTAPI ZwCreateTransaction(_Out_ PHANDLE TransactionHandle, _In_ ACCESS_MASK DesiredAccess, _In_opt_ POBJECT_ATTRIBUTES ObjectAttributes,
                                   _In_opt_ PGUID Uow, _In_opt_ HANDLE TmHandle, _In_opt_ ULONG CreateOptions, _In_opt_ ULONG IsolationLevel,
                                   _In_opt_ ULONG IsolationFlags, _In_opt_ PLARGE_INTEGER Timeout, _In_opt_ PUNICODE_STRING Description);
DDI_IMPORT(ZwCreateEnlistment)
NTSTATUS NTAPI ZwCreateEnlistment(_Out_ PHANDLE EnlistmentHandle, _In_ ACCESS_MASK DesiredAccess, _In_ HANDLE ResourceManagerHandle,
                                  _In_ HANDLE TransactionHandle, _In_opt_ POBJECT_ATTRIBUTES ObjectAttributes, _In_opt_ ULONG CreateOptions,
                                  _In_ NOTIFICATION_MASK NotificationMask, _In_opt_ PVOID EnlistmentKey);
/* Each enlistment asking TRANSACTION_NOTIFY_COMMIT (ROLLBACK) is notified; the outcome is final when all complete
   (until then STATUS_PENDING, and asking again STATUS_TRANSACTION_REQUEST_NOT_VALID). Once final, asking again is
   STATUS_TRANSACTION_ALREADY_COMMITTED (ALREADY_ABORTED). */
DDI_IMPORT(ZwCommitTransaction) NTSTATUS NTAPI ZwCommitTransaction(_In_ HANDLE TransactionHandle, _In_ BOOLEAN Wait);
DDI_IMPORT(ZwRollbackTransaction) NTSTATUS NTAPI ZwRollbackTransaction(_In_ HANDLE TransactionHandle, _In_ BOOLEAN Wait);
DDI_IMPORT(TmEnableCallbacks)
NTSTATUS NTAPI TmEnableCallbacks(_In_ PKRESOURCEMANAGER ResourceManager, _In_ PTM_RM_NOTIFICATION CallbackRoutine, _In_opt_ PVOID RMKey);
DDI_IMPORT(TmCommitComplete) NTSTATUS NTAPI TmCommitComplete(_In_ PKENLISTMENT Enlistment, _In_opt_ PLARGE_INTEGER TmVirtualClock);
DDI_IMPORT(TmRollbackComplete) NTSTATUS NTAPI TmRollbackComplete(_In_ PKENLISTMENT Enlistment, _In_opt_ PLARGE_INTEGER TmVirtualClock);

#endif /* DV_TM_H */
