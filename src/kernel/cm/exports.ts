/**
 * The Zw registry DDIs over the simulated registry (kernel/cm). Key handles are kernel handles of the
 * object manager: ZwClose (kernel/ps) closes them. DesiredAccess is accepted and not enforced (every
 * caller is kernel mode). The routines are documented for PASSIVE_LEVEL: the verifier's IRQL thunks
 * check that (IrqlZwPassive), the kernel itself does not.
 */
import {
  OBJECT_ATTRIBUTES,
  REG_CREATE_KEY_INFORMATION_V1,
  REG_DELETE_VALUE_KEY_INFORMATION,
  REG_ENUMERATE_KEY_INFORMATION,
  REG_ENUMERATE_VALUE_KEY_INFORMATION,
  REG_QUERY_KEY_INFORMATION,
  REG_QUERY_VALUE_KEY_INFORMATION,
  REG_SET_VALUE_KEY_INFORMATION,
  UNICODE_STRING,
  type StructLayout,
} from '../../nt/layout.ts';
import type { AddressSpace } from '../mm/address-space.ts';
import { exportedData } from '../exported-data.ts';
import { TAG } from '../tags.ts';
import { REG_CREATED_NEW_KEY, REG_OPENED_EXISTING_KEY, REG_OPTION } from '../../nt/registry.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { MAX_VALUE_DATA, type CmKey } from './hive.ts';
import { isAltitude, type Outcome } from './callbacks.ts';
import { keyRecord, returnRecord, valueRecord } from './records.ts';
import { deferDelete, handleTransaction, rootTransaction, transactionOfHandle, undoCreate, undoValue } from './transacted.ts';
import type { TmTransaction } from '../tm/ktm.ts';
import { userHandleTable } from '../ob/handle-table.ts';

/**
 * How a notification's REG_*_INFORMATION is filled: its fields by name, computed only when a callback
 * will see the notification (registry calls with no filter registered pay nothing).
 */
const recordFill = (as: AddressSpace, layout: StructLayout, fields: () => Readonly<Record<string, number>>) => (info: number): void => {
  for (const [name, value] of Object.entries(fields())) {
    const offset = layout.off[name];
    if (offset === undefined) throw new Error(`${layout.name} has no field ${name}`);
    as.setU32(info + offset, value);
  }
};

export function cmExports(k: Kernel) {
  const as = k.as;
  const cm = () => k.cm;

  /** The key of a handle, or the failure status. */
  const keyOf = (KeyHandle: number): CmKey | number => cm().keyOfHandle(KeyHandle >>> 0);

  /** A value name from a UNICODE_STRING pointer: '' (the default value) for an empty one. */
  const valueName = (ValueName: number): string | undefined => (ValueName === 0 ? '' : cm().readUnicodeString(ValueName >>> 0));

  /**
   * Run a create or open between its RegNtPre/PostCreateKeyEx (OpenKeyEx) notifications and hand
   * the resulting key body out as a handle. `perform` returns the new body (one reference) or a status.
   */
  const createOrOpen = (kind: 'CreateKeyEx' | 'OpenKeyEx', KeyHandle: number, ObjectAttributes: number, tx: TmTransaction | undefined, args: { Class: number; Options: number; Disposition: number; DesiredAccess: number }, perform: () => Outcome): number => {
    const A = OBJECT_ATTRIBUTES.off;
    const oa = ObjectAttributes >>> 0;
    const root = as.u32(oa + A.RootDirectory);
    // Without a filter to tell, nothing is allocated for the notification (the pool stays as it was).
    const listening = cm().callbacks.listening;
    const rootBody = !listening ? 0 : root === 0 ? cm().rootBody() : cm().bodyOfHandle(root);
    const fill = recordFill(as, REG_CREATE_KEY_INFORMATION_V1, () => ({
      CompleteName: as.u32(oa + A.ObjectName),
      ObjectType: exportedData(k).objectType('Key'),
      Options: args.Options,
      Class: args.Class,
      SecurityDescriptor: as.u32(oa + A.SecurityDescriptor),
      SecurityQualityOfService: as.u32(oa + A.SecurityQualityOfService),
      DesiredAccess: args.DesiredAccess,
      Disposition: args.Disposition,
      Transaction: tx?.address ?? 0,
      Version: 1,
      RemainingName: as.u32(oa + A.ObjectName),
      Attributes: as.u32(oa + A.Attributes),
    }));
    // RemainingName is the name below RootObject: for an absolute name, the part after \REGISTRY\.
    const remaining = listening && root === 0 ? remainingName(as.u32(oa + A.ObjectName)) : 0;
    let outcome: Outcome;
    try {
      outcome = cm().callbacks.aroundObject(kind, rootBody, (info) => {
        fill(info);
        if (remaining !== 0) as.setU32(info + REG_CREATE_KEY_INFORMATION_V1.off.RemainingName, remaining);
      }, perform);
    } finally {
      if (remaining !== 0) k.freeKernelObject(remaining);
    }
    if (outcome.status !== STATUS.SUCCESS || outcome.object === 0) return outcome.status === STATUS.SUCCESS ? STATUS.UNSUCCESSFUL : outcome.status;
    // The body's reference (from the operation or the filter that supplied it) becomes the handle's.
    as.setU32(KeyHandle, k.ob.createHandle(outcome.object, undefined, userHandleTable(k, as.u32(oa + A.Attributes))));
    k.ob.dereference(outcome.object);
    return STATUS.SUCCESS;
  };

  /** A UNICODE_STRING over the part of an absolute name after its first component (\REGISTRY\); 0 if none or no memory. */
  const remainingName = (name: number): number => {
    if (name === 0) return 0;
    const text = cm().readUnicodeString(name);
    const skip = text === undefined ? -1 : text.indexOf('\\', 1);
    if (skip < 0) return 0;
    const us = k.tryAllocateKernelObject(UNICODE_STRING.size, TAG.RegistryNotify);
    if (us === 0) return 0;
    const U = UNICODE_STRING.off;
    const bytes = 2 * (skip + 1);
    as.setU16(us + U.Length, as.u16(name + U.Length) - bytes);
    as.setU16(us + U.MaximumLength, as.u16(name + U.MaximumLength) - bytes);
    as.setU32(us + U.Buffer, as.u32(name + U.Buffer) + bytes);
    return us;
  };

  /** A new body for `key`, as an Outcome. */
  const bodyOutcome = (key: CmKey, tx: TmTransaction | undefined): Outcome => {
    const body = cm().newBody(key, tx?.address ?? 0);
    return body === undefined ? { status: STATUS.INSUFFICIENT_RESOURCES, object: 0 } : { status: STATUS.SUCCESS, object: body };
  };

  /** ZwCreateKey(Transacted): a key below a transacted root, or made with `tx`, is in that transaction. */
  const createKey = (KeyHandle: number, DesiredAccess: number, ObjectAttributes: number, Class: number, CreateOptions: number, Disposition: number, explicitTx: TmTransaction | undefined): number => {
    const at = cm().readObjectAttributes(ObjectAttributes >>> 0);
    if (typeof at === 'number') return at;
    const tx = explicitTx ?? rootTransaction(k, ObjectAttributes);
    if (typeof tx === 'number') return tx;
    const hive = cm().hive;
    const args = { Class, Options: CreateOptions, Disposition, DesiredAccess };
    return createOrOpen('CreateKeyEx', KeyHandle, ObjectAttributes, tx, args, () => {
      if (at.names.length === 0) {
        if (Disposition !== 0) as.setU32(Disposition, REG_OPENED_EXISTING_KEY);
        return bodyOutcome(at.base, tx);
      }
      const parent = hive.descend(at.base, at.names.slice(0, -1));
      if (!parent) return { status: STATUS.OBJECT_NAME_NOT_FOUND, object: 0 };
      const name = at.names[at.names.length - 1]!;
      const volatile = (CreateOptions & REG_OPTION.VOLATILE) !== 0;
      const existing = parent.subkey(name);
      if (!existing && parent.volatile && !volatile) return { status: STATUS.CHILD_MUST_BE_VOLATILE, object: 0 };
      const className = Class === 0 ? '' : cm().readUnicodeString(Class >>> 0);
      if (className === undefined) return { status: STATUS.INVALID_PARAMETER, object: 0 };
      const { key, created } = hive.createKey(parent, name, volatile, className);
      const outcome = bodyOutcome(key, tx);
      if (outcome.status !== STATUS.SUCCESS) {
        if (created) hive.deleteKey(key);
        return outcome;
      }
      if (created && tx) undoCreate(k, tx, key);
      if (Disposition !== 0) as.setU32(Disposition, created ? REG_CREATED_NEW_KEY : REG_OPENED_EXISTING_KEY);
      return outcome;
    });
  };

  const openKey = (KeyHandle: number, DesiredAccess: number, ObjectAttributes: number, explicitTx: TmTransaction | undefined): number => {
    const at = cm().readObjectAttributes(ObjectAttributes >>> 0);
    if (typeof at === 'number') return at;
    const tx = explicitTx ?? rootTransaction(k, ObjectAttributes);
    if (typeof tx === 'number') return tx;
    return createOrOpen('OpenKeyEx', KeyHandle, ObjectAttributes, tx, { Class: 0, Options: 0, Disposition: 0, DesiredAccess }, () => {
      const key = cm().hive.descend(at.base, at.names);
      return key ? bodyOutcome(key, tx) : { status: STATUS.OBJECT_NAME_NOT_FOUND, object: 0 };
    });
  };

  return {
    /** Open an existing key named by ObjectAttributes; *KeyHandle receives a handle to it. */
    ZwOpenKey(KeyHandle: number, DesiredAccess: number, ObjectAttributes: number): number {
      return openKey(KeyHandle, DesiredAccess, ObjectAttributes, undefined);
    },

    /** ZwOpenKey in a transaction: the handle is bound to it (transacted.ts). */
    ZwOpenKeyTransacted(KeyHandle: number, DesiredAccess: number, ObjectAttributes: number, TransactionHandle: number): number {
      const tx = transactionOfHandle(k, TransactionHandle);
      return typeof tx === 'number' ? tx : openKey(KeyHandle, DesiredAccess, ObjectAttributes, tx);
    },

    ZwCreateKeyTransacted(KeyHandle: number, DesiredAccess: number, ObjectAttributes: number, _TitleIndex: number, Class: number, CreateOptions: number, TransactionHandle: number, Disposition: number): number {
      const tx = transactionOfHandle(k, TransactionHandle);
      return typeof tx === 'number' ? tx : createKey(KeyHandle, DesiredAccess, ObjectAttributes, Class, CreateOptions, Disposition, tx);
    },

    /**
     * Open a key, creating its last name if missing (the keys above it must exist). *Disposition
     * (optional) says which: REG_CREATED_NEW_KEY or REG_OPENED_EXISTING_KEY. A volatile key holds
     * only volatile subkeys.
     */
    ZwCreateKey(KeyHandle: number, DesiredAccess: number, ObjectAttributes: number, _TitleIndex: number, Class: number, CreateOptions: number, Disposition: number): number {
      return createKey(KeyHandle, DesiredAccess, ObjectAttributes, Class, CreateOptions, Disposition, undefined);
    },

    /** Delete the key the handle names; it must have no subkeys. The handle stays open (ZwClose it). */
    ZwDeleteKey(KeyHandle: number): number {
      const key = keyOf(KeyHandle);
      if (typeof key === 'number') return key;
      const tx = handleTransaction(k, KeyHandle);
      if (typeof tx === 'number') return tx;
      return cm().callbacks.around('DeleteKey', cm().bodyOfHandle(KeyHandle), () => {}, () => {
        if (key.subkeys.size > 0 || !key.parent) return STATUS.CANNOT_DELETE;
        if (tx) deferDelete(k, tx, key);
        else cm().hive.deleteKey(key);
        return STATUS.SUCCESS;
      });
    },

    ZwQueryValueKey(KeyHandle: number, ValueName: number, KeyValueInformationClass: number, KeyValueInformation: number, Length: number, ResultLength: number): number {
      const key = keyOf(KeyHandle);
      if (typeof key === 'number') return key;
      const name = valueName(ValueName);
      if (name === undefined) return STATUS.OBJECT_NAME_INVALID;
      const fill = recordFill(as, REG_QUERY_VALUE_KEY_INFORMATION, () => ({ ValueName, KeyValueInformationClass, KeyValueInformation, Length, ResultLength }));
      return cm().callbacks.around('QueryValueKey', cm().bodyOfHandle(KeyHandle), fill, () => {
        const value = key.value(name);
        if (!value) return STATUS.OBJECT_NAME_NOT_FOUND;
        const record = valueRecord(value, KeyValueInformationClass);
        if (!record) return STATUS.INVALID_PARAMETER;
        return returnRecord(as, record, KeyValueInformation >>> 0, Length >>> 0, ResultLength >>> 0);
      });
    },

    /** Create or replace a value. An empty (or NULL) ValueName is the key's default value. */
    ZwSetValueKey(KeyHandle: number, ValueName: number, TitleIndex: number, Type: number, Data: number, DataSize: number): number {
      const key = keyOf(KeyHandle);
      if (typeof key === 'number') return key;
      const name = valueName(ValueName);
      if (name === undefined) return STATUS.OBJECT_NAME_INVALID;
      if (DataSize >>> 0 > MAX_VALUE_DATA) return STATUS.INSUFFICIENT_RESOURCES;
      const fill = recordFill(as, REG_SET_VALUE_KEY_INFORMATION, () => ({ ValueName, TitleIndex, Type, Data, DataSize }));
      return cm().callbacks.around('SetValueKey', cm().bodyOfHandle(KeyHandle), fill, () => {
        const data = DataSize === 0 ? new Uint8Array(0) : as.read(Data >>> 0, DataSize >>> 0);
        const tx = handleTransaction(k, KeyHandle);
        if (typeof tx === 'number') return tx;
        if (tx) undoValue(k, tx, key, name);
        cm().hive.setValue(key, name, Type >>> 0, data);
        return STATUS.SUCCESS;
      });
    },

    ZwDeleteValueKey(KeyHandle: number, ValueName: number): number {
      const key = keyOf(KeyHandle);
      if (typeof key === 'number') return key;
      const name = valueName(ValueName);
      if (name === undefined) return STATUS.OBJECT_NAME_INVALID;
      const fill = recordFill(as, REG_DELETE_VALUE_KEY_INFORMATION, () => ({ ValueName }));
      return cm().callbacks.around('DeleteValueKey', cm().bodyOfHandle(KeyHandle), fill, () => {
        const tx = handleTransaction(k, KeyHandle);
        if (typeof tx === 'number') return tx;
        if (tx && key.value(name)) undoValue(k, tx, key, name);
        return cm().hive.deleteValue(key, name) ? STATUS.SUCCESS : STATUS.OBJECT_NAME_NOT_FOUND;
      });
    },

    /** The Index-th subkey (in name order); STATUS_NO_MORE_ENTRIES past the last. */
    ZwEnumerateKey(KeyHandle: number, Index: number, KeyInformationClass: number, KeyInformation: number, Length: number, ResultLength: number): number {
      const key = keyOf(KeyHandle);
      if (typeof key === 'number') return key;
      const fill = recordFill(as, REG_ENUMERATE_KEY_INFORMATION, () => ({ Index, KeyInformationClass, KeyInformation, Length, ResultLength }));
      return cm().callbacks.around('EnumerateKey', cm().bodyOfHandle(KeyHandle), fill, () => {
        const sub = key.sortedSubkeys()[Index >>> 0];
        if (!sub) return STATUS.NO_MORE_ENTRIES;
        const record = keyRecord(sub, KeyInformationClass);
        if (!record) return STATUS.INVALID_PARAMETER;
        return returnRecord(as, record, KeyInformation >>> 0, Length >>> 0, ResultLength >>> 0);
      });
    },

    /** The Index-th value (in creation order); STATUS_NO_MORE_ENTRIES past the last. */
    ZwEnumerateValueKey(KeyHandle: number, Index: number, KeyValueInformationClass: number, KeyValueInformation: number, Length: number, ResultLength: number): number {
      const key = keyOf(KeyHandle);
      if (typeof key === 'number') return key;
      const fill = recordFill(as, REG_ENUMERATE_VALUE_KEY_INFORMATION, () => ({ Index, KeyValueInformationClass, KeyValueInformation, Length, ResultLength }));
      return cm().callbacks.around('EnumerateValueKey', cm().bodyOfHandle(KeyHandle), fill, () => {
        const value = [...key.values.values()][Index >>> 0];
        if (!value) return STATUS.NO_MORE_ENTRIES;
        const record = valueRecord(value, KeyValueInformationClass);
        if (!record) return STATUS.INVALID_PARAMETER;
        return returnRecord(as, record, KeyValueInformation >>> 0, Length >>> 0, ResultLength >>> 0);
      });
    },

    ZwQueryKey(KeyHandle: number, KeyInformationClass: number, KeyInformation: number, Length: number, ResultLength: number): number {
      const key = keyOf(KeyHandle);
      if (typeof key === 'number') return key;
      const fill = recordFill(as, REG_QUERY_KEY_INFORMATION, () => ({ KeyInformationClass, KeyInformation, Length, ResultLength }));
      return cm().callbacks.around('QueryKey', cm().bodyOfHandle(KeyHandle), fill, () => {
        const record = keyRecord(key, KeyInformationClass);
        if (!record) return STATUS.INVALID_PARAMETER;
        return returnRecord(as, record, KeyInformation >>> 0, Length >>> 0, ResultLength >>> 0);
      });
    },

    /**
     * Register a registry filtering callback at Altitude (decimal digits, an optional fraction);
     * *Cookie receives what CmUnRegisterCallback takes. An altitude already taken is
     * STATUS_FLT_INSTANCE_ALTITUDE_COLLISION.
     */
    CmRegisterCallbackEx(Function: number, Altitude: number, _Driver: number, Context: number, Cookie: number, _Reserved: number): number {
      const altitude = Altitude === 0 ? undefined : cm().readUnicodeString(Altitude >>> 0);
      if (Function === 0 || altitude === undefined || !isAltitude(altitude)) return STATUS.INVALID_PARAMETER;
      const cb = cm().callbacks.register(Function >>> 0, Context >>> 0, altitude, undefined);
      if (!cb) return STATUS.FLT_INSTANCE_ALTITUDE_COLLISION;
      as.setU64(Cookie >>> 0, cb.cookie);
      return STATUS.SUCCESS;
    },
    /** The older form: no altitude, called after every CmRegisterCallbackEx callback. */
    CmRegisterCallback(Function: number, Context: number, Cookie: number): number {
      if (Function === 0) return STATUS.INVALID_PARAMETER;
      const cb = cm().callbacks.register(Function >>> 0, Context >>> 0, '', undefined)!;
      as.setU64(Cookie >>> 0, cb.cookie);
      return STATUS.SUCCESS;
    },
    CmUnRegisterCallback(Cookie: bigint): number {
      return cm().callbacks.unregister(BigInt.asUintN(64, BigInt(Cookie))) ? STATUS.SUCCESS : STATUS.INVALID_PARAMETER;
    },

    /** Nothing is on disk to write: the key only has to be valid. */
    ZwFlushKey(KeyHandle: number): number {
      const key = keyOf(KeyHandle);
      return typeof key === 'number' ? key : STATUS.SUCCESS;
    },
  };
}
