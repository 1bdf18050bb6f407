/**
 * Registry work inside a KTM transaction (ZwCreateKeyTransacted, ZwOpenKeyTransacted, and keys
 * opened relative to such a handle). A simple model, not isolation: the work is done at once and
 * visible to every handle, and the transaction keeps how to undo it. A rollback removes the keys
 * created and restores the values set or deleted (newest first); a commit keeps them. Deleting a
 * key is the one operation deferred: the key stays until the commit deletes it. Once the outcome is
 * decided, a handle bound to the transaction fails with STATUS_TRANSACTION_NOT_ACTIVE.
 */
import { OBJECT_ATTRIBUTES } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { ktm, type TmTransaction } from '../tm/ktm.ts';
import type { CmKey } from './hive.ts';

/** The active transaction a handle names: STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH or STATUS_TRANSACTION_NOT_ACTIVE otherwise. */
export function transactionOfHandle(k: Kernel, TransactionHandle: number): TmTransaction | number {
  const object = k.ob.objectOfHandle(TransactionHandle >>> 0);
  if (object === undefined) return STATUS.INVALID_HANDLE;
  const tx = ktm(k).tx(object);
  if (!tx) return STATUS.OBJECT_TYPE_MISMATCH;
  return tx.state === 'active' ? tx : STATUS.TRANSACTION_NOT_ACTIVE;
}

/**
 * The transaction of the key handle: undefined if it has none, STATUS_TRANSACTION_NOT_ACTIVE once its
 * transaction's outcome is decided (the handle can do nothing more).
 */
export function handleTransaction(k: Kernel, KeyHandle: number): TmTransaction | number | undefined {
  const bound = k.cm.transactionOfBody(k.cm.bodyOfHandle(KeyHandle));
  if (bound === 0) return undefined;
  const tx = ktm(k).tx(bound);
  return tx?.state === 'active' ? tx : STATUS.TRANSACTION_NOT_ACTIVE;
}

/** The transaction of OBJECT_ATTRIBUTES.RootDirectory's key handle, as handleTransaction says. */
export function rootTransaction(k: Kernel, ObjectAttributes: number): TmTransaction | number | undefined {
  const root = k.as.u32((ObjectAttributes >>> 0) + OBJECT_ATTRIBUTES.off.RootDirectory);
  return root === 0 ? undefined : handleTransaction(k, root);
}

export function undoCreate(k: Kernel, tx: TmTransaction, key: CmKey): void {
  // Subkeys made later in the transaction are undone first (newest first), so the key is empty by then.
  tx.undo.push(() => void k.cm.hive.deleteTree(key.path));
}

/** Remember a value as it is now, to put back at rollback. */
export function undoValue(k: Kernel, tx: TmTransaction, key: CmKey, name: string): void {
  const before = key.value(name);
  const saved = before ? { name: before.name, type: before.type, data: before.data.slice() } : undefined;
  tx.undo.push(() => {
    if (key.deleted) return;
    if (saved) k.cm.hive.setValue(key, saved.name, saved.type, saved.data);
    else k.cm.hive.deleteValue(key, name);
  });
}

export function deferDelete(k: Kernel, tx: TmTransaction, key: CmKey): void {
  tx.atCommit.push(() => void (key.deleted || k.cm.hive.deleteKey(key)));
}
