/**
 * The Kernel Transaction Manager ("Tm"), as a small volatile model: transaction managers (TmTm),
 * resource managers (TmRm), transactions (TmTx) and enlistments (TmEn) are objects of the object
 * manager, reached through kernel handles. A resource manager that called TmEnableCallbacks is
 * notified, through each of its enlistments, of the outcomes the enlistment's mask asks for:
 * TRANSACTION_NOTIFY_COMMIT at ZwCommitTransaction, TRANSACTION_NOTIFY_ROLLBACK at
 * ZwRollbackTransaction. The outcome is final once every notified enlistment completed
 * (TmCommitComplete / TmRollbackComplete). No log, no recovery, no prepare phase, no timeouts.
 *
 * The registry's transacted work (cm/transacted.ts) is kept on the transaction as undo and
 * deferred actions: undone at rollback, the deferred ones done at commit.
 */
import type { Kernel } from '../kernel.ts';
import type { ObjectKind } from '../ob/object.ts';
import { TAG } from '../tags.ts';

/** TRANSACTION_NOTIFY_* of ktmtypes.h that the model raises. */
export const TRANSACTION_NOTIFY = { COMMIT: 0x4, ROLLBACK: 0x8 } as const;

/** Room for each object's body: opaque to drivers, the address is what they hold. */
const OBJECT_SIZE = 0x40;

export interface TmResourceManager {
  readonly address: number;
  readonly tm: number;
  callback?: { routine: number; key: number };
}

export interface TmEnlistment {
  readonly address: number;
  readonly rm: TmResourceManager;
  readonly tx: TmTransaction;
  readonly mask: number;
  readonly key: number;
  /** The notification sent and not completed yet. */
  pending: number;
}

export type TxState = 'active' | 'committing' | 'committed' | 'rollingBack' | 'rolledBack';

export interface TmTransaction {
  readonly address: number;
  state: TxState;
  readonly enlistments: TmEnlistment[];
  /** Undo actions of work done under the transaction, run newest first at rollback. */
  readonly undo: (() => void)[];
  /** Work the transaction applies at commit. */
  readonly atCommit: (() => void)[];
}

export class TransactionManager {
  private readonly tms = new Set<number>();
  private readonly rms = new Map<number, TmResourceManager>();
  private readonly txs = new Map<number, TmTransaction>();
  private readonly ens = new Map<number, TmEnlistment>();
  /** The kernel's own transaction manager, for transactions made with TmHandle NULL. */
  private defaultTm = 0;
  /** The virtual clock passed to notifications: one tick per outcome. */
  private clock = 0n;

  constructor(private readonly k: Kernel) {}

  private newObject(kind: ObjectKind, onDelete: () => void): number | undefined {
    const address = this.k.tryAllocateKernelObject(OBJECT_SIZE, TAG.TmObject);
    if (address === 0) return undefined;
    this.k.as.zero(address, OBJECT_SIZE);
    // Created with no reference: the first handle takes one, its close frees the object.
    this.k.ob.create(address, kind, () => {
      onDelete();
      this.k.freeKernelObject(address);
    }, 0);
    return address;
  }

  createTm(): number | undefined {
    const a = this.newObject('TmTm', () => this.tms.delete(a!));
    if (a !== undefined) this.tms.add(a);
    return a;
  }

  isTm(address: number): boolean {
    return this.tms.has(address >>> 0);
  }

  /** The transaction manager of transactions made without one, made on first use (it is never deleted). */
  kernelTm(): number | undefined {
    if (this.defaultTm === 0) {
      const a = this.createTm();
      if (a === undefined) return undefined;
      this.k.ob.reference(a);
      this.defaultTm = a;
    }
    return this.defaultTm;
  }

  createRm(tm: number): TmResourceManager | undefined {
    const a = this.newObject('TmRm', () => {
      this.rms.delete(a!);
      this.k.ob.dereference(tm);
    });
    if (a === undefined) return undefined;
    // The resource manager keeps its transaction manager alive.
    this.k.ob.reference(tm);
    const rm: TmResourceManager = { address: a, tm };
    this.rms.set(a, rm);
    return rm;
  }

  rm(address: number): TmResourceManager | undefined {
    return this.rms.get(address >>> 0);
  }

  createTx(): TmTransaction | undefined {
    const a = this.newObject('TmTx', () => this.txs.delete(a!));
    if (a === undefined) return undefined;
    const tx: TmTransaction = { address: a, state: 'active', enlistments: [], undo: [], atCommit: [] };
    this.txs.set(a, tx);
    return tx;
  }

  tx(address: number): TmTransaction | undefined {
    return this.txs.get(address >>> 0);
  }

  createEn(rm: TmResourceManager, tx: TmTransaction, mask: number, key: number): TmEnlistment | undefined {
    const a = this.newObject('TmEn', () => {
      this.ens.delete(a!);
      tx.enlistments.splice(tx.enlistments.indexOf(en), 1);
      this.k.ob.dereference(tx.address);
      this.k.ob.dereference(rm.address);
    });
    if (a === undefined) return undefined;
    // The enlistment keeps its transaction and resource manager alive.
    this.k.ob.reference(tx.address);
    this.k.ob.reference(rm.address);
    const en: TmEnlistment = { address: a, rm, tx, mask: mask >>> 0, key: key >>> 0, pending: 0 };
    this.ens.set(a, en);
    tx.enlistments.push(en);
    return en;
  }

  en(address: number): TmEnlistment | undefined {
    return this.ens.get(address >>> 0);
  }

  /**
   * Decide the outcome: do (or undo) the transaction's work, then notify each enlistment that asked
   * for it. True when every notified enlistment completed during its notification.
   */
  finish(tx: TmTransaction, commit: boolean): boolean {
    const notify = commit ? TRANSACTION_NOTIFY.COMMIT : TRANSACTION_NOTIFY.ROLLBACK;
    tx.state = commit ? 'committing' : 'rollingBack';
    if (commit) for (const apply of tx.atCommit.splice(0)) apply();
    else for (const undo of tx.undo.splice(0).reverse()) undo();
    tx.atCommit.length = 0;
    tx.undo.length = 0;
    this.clock += 1n;
    for (const en of [...tx.enlistments]) {
      const cb = en.rm.callback;
      if ((en.mask & notify) === 0 || !cb) continue;
      en.pending = notify;
      // Keep the enlistment while its resource manager handles the notification (it may close its handle).
      this.k.ob.reference(en.address);
      const clockCell = this.k.allocateKernelObject(8, TAG.TmObject);
      try {
        this.k.as.setU64(clockCell, this.clock);
        this.k.callRoutine(cb.routine, [en.address, cb.key, en.key, notify, clockCell, 0, 0]);
      } finally {
        this.k.freeKernelObject(clockCell);
        this.k.ob.dereference(en.address);
      }
    }
    this.settle(tx);
    return decided(tx);
  }

  /** An enlistment completed the notification it was sent: false if none was pending of that kind. */
  complete(en: TmEnlistment, notify: number): boolean {
    if (en.pending !== notify) return false;
    en.pending = 0;
    this.settle(en.tx);
    return true;
  }

  private settle(tx: TmTransaction): void {
    if (tx.enlistments.some((e) => e.pending !== 0)) return;
    if (tx.state === 'committing') tx.state = 'committed';
    if (tx.state === 'rollingBack') tx.state = 'rolledBack';
  }
}

/** The outcome is final: every notified enlistment completed (a function: settle() changes the state behind TS's narrowing). */
function decided(tx: TmTransaction): boolean {
  return tx.state === 'committed' || tx.state === 'rolledBack';
}

const machines = new WeakMap<Kernel, TransactionManager>();

/** The machine's transaction manager state. */
export function ktm(k: Kernel): TransactionManager {
  let t = machines.get(k);
  if (!t) machines.set(k, (t = new TransactionManager(k)));
  return t;
}
