/**
 * The KTM DDIs (ktm.ts): Zw routines that make and drive transactions, and the Tm routines a
 * resource manager calls. Handles are kernel handles (ZwClose closes them); DesiredAccess is accepted
 * and not enforced (every caller is kernel mode). Documented for PASSIVE_LEVEL.
 */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import type { ObjectKind } from '../ob/object.ts';
import { ktm, TRANSACTION_NOTIFY, type TmTransaction } from './ktm.ts';

/** TRANSACTION_MANAGER_VOLATILE: the only kind of transaction manager the model has (no log file). */
const TRANSACTION_MANAGER_VOLATILE = 0x1;
/** TRANSACTION_NOTIFY_MASK: every notification bit a mask may hold. */
const TRANSACTION_NOTIFY_MASK = 0x3fffffff;

export function tmExports(k: Kernel) {
  const as = k.as;
  const tm = () => ktm(k);

  /** The object of a handle if it is of `kind`; else the failure status (`{ status }`). */
  const objectOf = (Handle: number, kind: ObjectKind): { object: number } | { status: number } => {
    const object = k.ob.objectOfHandle(Handle >>> 0);
    if (object === undefined) return { status: STATUS.INVALID_HANDLE };
    return k.ob.kindOf(object) === kind ? { object } : { status: STATUS.OBJECT_TYPE_MISMATCH };
  };
  const handOut = (Handle: number, object: number | undefined): number => {
    if (object === undefined) return STATUS.INSUFFICIENT_RESOURCES;
    as.setU32(Handle >>> 0, k.ob.createHandle(object));
    return STATUS.SUCCESS;
  };

  /** What asking for an outcome again gets, by the transaction's state. */
  const AGAIN: Readonly<Record<Exclude<TmTransaction['state'], 'active'>, number>> = {
    committing: STATUS.TRANSACTION_REQUEST_NOT_VALID,
    rollingBack: STATUS.TRANSACTION_REQUEST_NOT_VALID,
    committed: STATUS.TRANSACTION_ALREADY_COMMITTED,
    rolledBack: STATUS.TRANSACTION_ALREADY_ABORTED,
  };

  /** Commit or roll back, once: STATUS_TRANSACTION_ALREADY_COMMITTED (ABORTED) after an outcome, REQUEST_NOT_VALID while one is delivered. */
  const finish = (TransactionHandle: number, commit: boolean): number => {
    const o = objectOf(TransactionHandle, 'TmTx');
    if ('status' in o) return o.status;
    const tx = tm().tx(o.object) as TmTransaction;
    if (tx.state !== 'active') return AGAIN[tx.state];
    // A resource manager that completes later (from another thread) is not waited for: STATUS_PENDING.
    return tm().finish(tx, commit) ? STATUS.SUCCESS : STATUS.PENDING;
  };

  return {
    ZwCreateTransactionManager(TmHandle: number, _DesiredAccess: number, _ObjectAttributes: number, LogFileName: number, CreateOptions: number, _CommitStrength: number): number {
      // A durable transaction manager needs a log file the model does not keep.
      if (LogFileName !== 0 || (CreateOptions & TRANSACTION_MANAGER_VOLATILE) === 0) return STATUS.NOT_SUPPORTED;
      return handOut(TmHandle, tm().createTm());
    },

    ZwCreateResourceManager(ResourceManagerHandle: number, _DesiredAccess: number, TmHandle: number, _ResourceManagerGuid: number, _ObjectAttributes: number, _CreateOptions: number, _Description: number): number {
      const o = objectOf(TmHandle, 'TmTm');
      if ('status' in o) return o.status;
      return handOut(ResourceManagerHandle, tm().createRm(o.object)?.address);
    },

    ZwCreateTransaction(TransactionHandle: number, _DesiredAccess: number, _ObjectAttributes: number, _Uow: number, TmHandle: number, _CreateOptions: number, _IsolationLevel: number, _IsolationFlags: number, _Timeout: number, _Description: number): number {
      if (TmHandle !== 0) {
        const o = objectOf(TmHandle, 'TmTm');
        if ('status' in o) return o.status;
      } else if (tm().kernelTm() === undefined) return STATUS.INSUFFICIENT_RESOURCES;
      return handOut(TransactionHandle, tm().createTx()?.address);
    },

    /** Enlist the resource manager in an active transaction; NotificationMask must ask for something. */
    ZwCreateEnlistment(EnlistmentHandle: number, _DesiredAccess: number, ResourceManagerHandle: number, TransactionHandle: number, _ObjectAttributes: number, _CreateOptions: number, NotificationMask: number, EnlistmentKey: number): number {
      const rm = objectOf(ResourceManagerHandle, 'TmRm');
      if ('status' in rm) return rm.status;
      const txo = objectOf(TransactionHandle, 'TmTx');
      if ('status' in txo) return txo.status;
      if ((NotificationMask >>> 0) === 0 || (NotificationMask & ~TRANSACTION_NOTIFY_MASK) !== 0) return STATUS.INVALID_PARAMETER;
      const tx = tm().tx(txo.object)!;
      if (tx.state !== 'active') return STATUS.TRANSACTION_NOT_ACTIVE;
      return handOut(EnlistmentHandle, tm().createEn(tm().rm(rm.object)!, tx, NotificationMask, EnlistmentKey)?.address);
    },

    ZwCommitTransaction(TransactionHandle: number, _Wait: number): number {
      return finish(TransactionHandle, true);
    },

    ZwRollbackTransaction(TransactionHandle: number, _Wait: number): number {
      return finish(TransactionHandle, false);
    },

    /** Register the routine that receives the resource manager's notifications (once per resource manager). */
    TmEnableCallbacks(ResourceManager: number, CallbackRoutine: number, RMKey: number): number {
      const rm = tm().rm(ResourceManager);
      if (!rm || CallbackRoutine === 0) return STATUS.INVALID_PARAMETER;
      if (rm.callback) return STATUS.INVALID_PARAMETER;
      rm.callback = { routine: CallbackRoutine >>> 0, key: RMKey >>> 0 };
      return STATUS.SUCCESS;
    },

    /** The enlistment finished its commit work: STATUS_TRANSACTION_NOT_REQUESTED if no commit was pending. */
    TmCommitComplete(Enlistment: number, _TmVirtualClock: number): number {
      const en = tm().en(Enlistment);
      if (!en) return STATUS.INVALID_PARAMETER;
      return tm().complete(en, TRANSACTION_NOTIFY.COMMIT) ? STATUS.SUCCESS : STATUS.TRANSACTION_NOT_REQUESTED;
    },

    TmRollbackComplete(Enlistment: number, _TmVirtualClock: number): number {
      const en = tm().en(Enlistment);
      if (!en) return STATUS.INVALID_PARAMETER;
      return tm().complete(en, TRANSACTION_NOTIFY.ROLLBACK) ? STATUS.SUCCESS : STATUS.TRANSACTION_NOT_REQUESTED;
    },
  };
}

