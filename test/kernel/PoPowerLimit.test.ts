/**
 * Power setting callbacks, power limit requests and IoGetRelatedDeviceObject, driven directly:
 * what poclass.h's policy and client samples (thermal/simsensor, powerlimit/plpolicy) ask of the
 * kernel. No verifier: only what the kernel does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetCurrentIrpStackLocation } from '../../ddk/ts/wdm.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { readGuid, writeGuid } from '../../src/kernel/pnp/interfaces.ts';
import { GUID_POWER_LIMIT_INTERFACE } from '../../src/kernel/po/powerlimit.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { FILE_OBJECT, IO_STACK_LOCATION, IRP, POWER_LIMIT_INTERFACE } from '../../src/nt/layout.ts';
import { IRP_MN_PNP } from '../../src/nt/pnp.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, routine, scratch } from './support.ts';

const S = IO_STACK_LOCATION.off;
const I = IRP.off;
const L = POWER_LIMIT_INTERFACE.off;
const GUID_ACDC_POWER_SOURCE = '{5D3E9A59-E9D5-4B00-A6BD-FF34FF516548}';

function guid(k: Kernel, text: string): number {
  const a = scratch(k, 16);
  writeGuid(k, a, text);
  return a;
}

test('a known power setting calls back once on registration with its value; an unknown one never; unregistering twice fails', () => {
  const k = new Kernel();
  const calls: Array<[string, number, number, number]> = [];
  const callback = routine(k, 1, (settingGuid, value, length, context) => {
    calls.push([readGuid(k, settingGuid), k.as.u32(value), length, context]);
    return STATUS.SUCCESS;
  });
  const handle = scratch(k, 4);
  assert.equal(k.ddi.PoRegisterPowerSettingCallback(0, guid(k, GUID_ACDC_POWER_SOURCE), callback, 0x1234, handle), STATUS.SUCCESS);
  assert.deepEqual(calls, [[GUID_ACDC_POWER_SOURCE, 0, 4, 0x1234]], 'PoAc, a ULONG, with the context');
  const first = k.as.u32(handle);
  assert.notEqual(first, 0);

  assert.equal(k.ddi.PoRegisterPowerSettingCallback(0, guid(k, '{8C6E1F6A-32B5-4B48-9A4C-1B2D3E4F5061}'), callback, 0, handle), STATUS.SUCCESS);
  assert.equal(calls.length, 1, 'a setting the machine does not have is never called');
  const second = k.as.u32(handle);
  assert.notEqual(second, first);

  assert.equal(k.ddi.PoRegisterPowerSettingCallback(0, 0, callback, 0, handle), STATUS.INVALID_PARAMETER);
  assert.equal(k.ddi.PoUnregisterPowerSettingCallback(first), STATUS.SUCCESS);
  assert.equal(k.ddi.PoUnregisterPowerSettingCallback(second), STATUS.SUCCESS);
  assert.equal(k.ddi.PoUnregisterPowerSettingCallback(first), STATUS.INVALID_PARAMETER);
});

/** A client device that answers GUID_POWER_LIMIT_INTERFACE (when `answers`), and the log of its routines' calls. */
function client(k: Kernel, answers: boolean) {
  const log: string[] = [];
  const CONTEXT = 0xc0de;
  const routines = {
    reference: routine(k, 10, (ctx) => log.push(`reference ${ctx.toString(16)}`)),
    dereference: routine(k, 11, (ctx) => log.push(`dereference ${ctx.toString(16)}`)),
    attributes: routine(k, 12, (ctx, count, _buffer, out) => {
      log.push(`attributes ${ctx.toString(16)} ${count}`);
      k.as.setU32(out, 2);
      return count < 2 ? STATUS.BUFFER_TOO_SMALL : STATUS.SUCCESS;
    }),
    set: routine(k, 13, (ctx, count, values) => {
      log.push(`set ${ctx.toString(16)} ${count} ${k.as.u32(values + 8)}`);
      return STATUS.SUCCESS;
    }),
  };
  const dispatch = routine(k, 2, (_dev, irp) => {
    const sp = IoGetCurrentIrpStackLocation(k.as, irp);
    const wanted = readGuid(k, k.as.u32(sp + S['Parameters.QueryInterface.InterfaceType']));
    if (answers && k.as.u8(sp + S.MinorFunction) === IRP_MN_PNP.QUERY_INTERFACE && wanted === GUID_POWER_LIMIT_INTERFACE) {
      log.push(`query size ${k.as.u16(sp + S['Parameters.QueryInterface.Size'])} version ${k.as.u16(sp + S['Parameters.QueryInterface.Version'])}`);
      const iface = k.as.u32(sp + S['Parameters.QueryInterface.Interface']);
      k.as.setU16(iface + L.Size, POWER_LIMIT_INTERFACE.size);
      k.as.setU16(iface + L.Version, 1);
      k.as.setU32(iface + L.Context, CONTEXT);
      k.as.setU32(iface + L.InterfaceReference, routines.reference);
      k.as.setU32(iface + L.InterfaceDereference, routines.dereference);
      k.as.setU32(iface + L.DomainCount, 1);
      k.as.setU32(iface + L.QueryAttributes, routines.attributes);
      k.as.setU32(iface + L.SetPowerLimit, routines.set);
      // QueryPowerLimit left NULL: the kernel says STATUS_NOT_SUPPORTED for it.
      k.as.setU32(irp + I['IoStatus.Status'], STATUS.SUCCESS);
    }
    const status = k.as.u32(irp + I['IoStatus.Status']);
    k.ddi.IoCompleteRequest(irp, 0);
    return status;
  });
  const { device } = createDevice(k, 'PlClient', 1, { [IRP_MJ.PNP]: dispatch });
  return { device, log };
}

test('a power limit request queries the target for its interface, then calls its routines with its Context; delete dereferences', () => {
  const k = new Kernel();
  const { device, log } = client(k, true);
  const out = scratch(k, 4);
  const reason = scratch(k, 32);
  assert.equal(k.ddi.PoCreatePowerLimitRequest(out, device, 0, reason), STATUS.SUCCESS);
  const request = k.as.u32(out);
  assert.notEqual(request, 0);
  assert.deepEqual(log, [`query size ${POWER_LIMIT_INTERFACE.size} version 1`]);

  const count = scratch(k, 4);
  assert.equal(k.ddi.PoQueryPowerLimitAttributes(request, 0, 0, count), STATUS.BUFFER_TOO_SMALL);
  assert.equal(k.as.u32(count), 2);
  const values = scratch(k, 16);
  k.as.setU32(values + 8, 15000);
  assert.equal(k.ddi.PoSetPowerLimitValue(request, reason, 1, values), STATUS.SUCCESS);
  assert.equal(k.ddi.PoQueryPowerLimitValue(request, 1, values), STATUS.NOT_SUPPORTED);
  assert.equal(k.ddi.PoDeletePowerLimitRequest(request), STATUS.SUCCESS);
  assert.deepEqual(log.slice(1), ['attributes c0de 0', 'set c0de 1 15000', 'dereference c0de']);
  assert.equal(k.ddi.PoDeletePowerLimitRequest(request), STATUS.INVALID_PARAMETER, 'deleted already');
  assert.equal(k.ddi.PoSetPowerLimitValue(request, reason, 1, values), STATUS.INVALID_PARAMETER);
});

test('a target that does not answer the query: its status, and no request', () => {
  const k = new Kernel();
  const { device } = client(k, false);
  const out = scratch(k, 4);
  k.as.setU32(out, 0xdeadbeef);
  assert.equal(k.ddi.PoCreatePowerLimitRequest(out, device, 0, scratch(k, 32)), STATUS.NOT_SUPPORTED);
  assert.equal(k.as.u32(out), 0);
  assert.equal(k.ddi.PoCreatePowerLimitRequest(out, 0, 0, 0), STATUS.INVALID_PARAMETER);
});

test('IoGetRelatedDeviceObject: the top of the stack the file object was opened on', () => {
  const k = new Kernel();
  const lower = createDevice(k, 'Lower', 1).device;
  const upper = createDevice(k, 'Upper', 1).device;
  const file = scratch(k, FILE_OBJECT.size);
  k.as.setU32(file + FILE_OBJECT.off.DeviceObject, lower);
  assert.equal(k.ddi.IoGetRelatedDeviceObject(file), lower);
  assert.notEqual(k.ddi.IoAttachDeviceToDeviceStack(upper, lower), 0);
  assert.equal(k.ddi.IoGetRelatedDeviceObject(file), upper);
});
