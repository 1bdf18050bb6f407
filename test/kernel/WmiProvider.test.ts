/**
 * The kernel's WMI (src/kernel/io/wmi-service.ts) with a WDM provider written here: registration
 * (IoWMIRegistrationControl's actions and refusals), the IRP_MN_REGINFO_EX it asks for (sent again
 * with the size a too-small buffer asked for), a query answered with WNODE_TOO_SMALL first, and an
 * event written (IoWMIWriteEvent takes and frees the WNODE).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wmiService } from '../../src/kernel/io/wmi-service.ts';
import { writeGuid } from '../../src/kernel/pnp/interfaces.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { IO_STACK_LOCATION, IRP } from '../../src/nt/layout.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';
import { IRP_MN_WMI, WMIREG_ACTION, WMIREGGUIDW, WMIREGINFOW, WNODE_ALL_DATA, WNODE_FLAG, WNODE_HEADER, WNODE_SINGLE_INSTANCE, WNODE_TOO_SMALL } from '../../src/nt/wmi.ts';
import { TAG, createDevice, routine } from './support.ts';
import { TAG as KTAG } from '../../src/kernel/tags.ts';

const GUID = '{0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9}';
const S = IO_STACK_LOCATION.off;

function provider(k: Kernel) {
  const seen: number[] = [];
  const dispatch = routine(k, 1, (_device: number, irp: number) => {
    const as = k.as;
    const sp = as.u32(irp + IRP.off['Tail.CurrentStackLocation']!);
    const minor = as.u8(sp + S.MinorFunction!);
    const size = as.u32(sp + S['Parameters.Others.Argument3']!);
    const buffer = as.u32(sp + S['Parameters.Others.Argument4']!);
    seen.push(minor);
    let status: number = STATUS.SUCCESS;
    let information = 0;
    if (minor === IRP_MN_WMI.REGINFO_EX) {
      // A registration larger than WMI's first buffer (as a long registry path would make it).
      const need = 0x400;
      if (size < need) {
        as.setU32(buffer, need);
        [status, information] = [STATUS.BUFFER_TOO_SMALL, 4];
      } else {
        as.zero(buffer, need);
        as.setU32(buffer + WMIREGINFOW.off.BufferSize!, need);
        as.setU32(buffer + WMIREGINFOW.off.GuidCount!, 1);
        writeGuid(k, buffer + WMIREGINFOW.off.WmiRegGuid!, GUID);
        as.setU32(buffer + WMIREGINFOW.off.WmiRegGuid! + WMIREGGUIDW.off.InstanceCount!, 1);
        information = need;
      }
    } else if (minor === IRP_MN_WMI.QUERY_ALL_DATA) {
      // 0x300 bytes of data: more than WMI's first buffer holds.
      const at = (WNODE_ALL_DATA.off.FixedInstanceSize! + 8 + 7) & ~7;
      if (size < at + 0x300) {
        as.setU32(buffer + WNODE_HEADER.off.Flags!, as.u32(buffer + WNODE_HEADER.off.Flags!) | WNODE_FLAG.TOO_SMALL);
        as.setU32(buffer + WNODE_TOO_SMALL.off.SizeNeeded!, at + 0x300);
        information = WNODE_TOO_SMALL.size;
      } else {
        as.setU32(buffer + WNODE_ALL_DATA.off.InstanceCount!, 1);
        as.setU32(buffer + WNODE_ALL_DATA.off.DataBlockOffset!, at);
        as.setU32(buffer + WNODE_ALL_DATA.off.FixedInstanceSize!, at);
        as.setU32(buffer + WNODE_ALL_DATA.off.FixedInstanceSize! + 4, 0x300);
        as.zero(buffer + at, 0x300);
        as.setU8(buffer + at + 0x2ff, 0x5a);
        information = at + 0x300;
      }
    } else status = STATUS.WMI_GUID_NOT_FOUND;
    as.setU32(irp + IRP.off['IoStatus.Status']!, status);
    as.setU32(irp + IRP.off['IoStatus.Information']!, information);
    k.ddi.IofCompleteRequest(irp, 0);
    return status;
  });
  const { device } = createDevice(k, 'WmiProvider', 1, { [IRP_MJ.SYSTEM_CONTROL]: dispatch });
  return { device, seen };
}

test('IoWMIRegistrationControl: register once, deregister a registered device; other actions and devices refused', () => {
  const k = new Kernel();
  const { device } = provider(k);
  const wmi = wmiService(k);
  assert.equal(k.ddi.IoWMIRegistrationControl(device, WMIREG_ACTION.DEREGISTER), STATUS.INVALID_PARAMETER);
  assert.equal(k.ddi.IoWMIRegistrationControl(device, WMIREG_ACTION.REGISTER), STATUS.SUCCESS);
  assert.equal(k.ddi.IoWMIRegistrationControl(device, WMIREG_ACTION.REGISTER), STATUS.INVALID_PARAMETER);
  assert.equal(k.ddi.IoWMIRegistrationControl(device, 0x77), STATUS.INVALID_PARAMETER);
  assert.deepEqual(wmi.registered, [device]);
  assert.equal(k.ddi.IoWMIRegistrationControl(device, WMIREG_ACTION.DEREGISTER), STATUS.SUCCESS);
  assert.deepEqual(wmi.registered, []);
});

test('a WDM provider: REGINFO_EX and QUERY_ALL_DATA sent again with the size asked for; the WNODEs go back to the pool', () => {
  const k = new Kernel();
  const { device, seen } = provider(k);
  const wmi = wmiService(k);
  k.ddi.IoWMIRegistrationControl(device, WMIREG_ACTION.REGISTER);
  const reg = wmi.registration(device)!;
  assert.deepEqual(reg.guids.map((g) => [g.guid, g.instanceCount]), [[GUID, 1]]);
  const all = wmi.queryAllData(GUID);
  assert.equal(all.status, STATUS.SUCCESS);
  assert.equal(all.instances[0]!.length, 0x300);
  assert.equal(all.instances[0]![0x2ff], 0x5a);
  assert.deepEqual(seen, [IRP_MN_WMI.REGINFO_EX, IRP_MN_WMI.REGINFO_EX, IRP_MN_WMI.QUERY_ALL_DATA, IRP_MN_WMI.QUERY_ALL_DATA]);
  // The provider answers no single-instance request: its status comes back.
  assert.equal(wmi.querySingleInstance(GUID, 0).status, STATUS.WMI_GUID_NOT_FOUND);
  assert.deepEqual([...k.pool.liveBlocks()].filter((b) => b.tag === KTAG.Wmi), []);
});

test('IoWMIWriteEvent: the event is delivered and its WNODE freed', () => {
  const k = new Kernel();
  const size = WNODE_SINGLE_INSTANCE.off.VariableData! + 4;
  const wnode = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, size, TAG) >>> 0;
  k.as.zero(wnode, size);
  k.as.setU32(wnode + WNODE_HEADER.off.BufferSize!, size);
  k.as.setU32(wnode + WNODE_HEADER.off.ProviderId!, 0x1234);
  writeGuid(k, wnode + WNODE_HEADER.off.Guid!, GUID);
  k.as.setU32(wnode + WNODE_HEADER.off.Flags!, WNODE_FLAG.EVENT_ITEM | WNODE_FLAG.SINGLE_INSTANCE);
  k.as.setU32(wnode + WNODE_SINGLE_INSTANCE.off.InstanceIndex!, 2);
  k.as.setU32(wnode + WNODE_SINGLE_INSTANCE.off.DataBlockOffset!, WNODE_SINGLE_INSTANCE.off.VariableData!);
  k.as.setU32(wnode + WNODE_SINGLE_INSTANCE.off.SizeDataBlock!, 4);
  k.as.setU32(wnode + WNODE_SINGLE_INSTANCE.off.VariableData!, 0xcafe);
  assert.equal(k.ddi.IoWMIWriteEvent(wnode), STATUS.SUCCESS);
  assert.deepEqual(wmiService(k).events.map((e) => [e.guid, e.providerId, e.instanceIndex, [...e.data]]), [[GUID, 0x1234, 2, [0xfe, 0xca, 0, 0]]]);
  assert.ok(![...k.pool.liveBlocks()].some((b) => b.address === wnode || b.tag === TAG));
});
