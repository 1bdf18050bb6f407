/**
 * The storage IOCTL headers (ntddstor.h, ntdddisk.h, ntddscsi.h, ntddvol.h, ntddcdrm.h, mountdev.h):
 * each compiles alone with the driver flags, and its IOCTL codes and structure sizes are the WDK's
 * (values from the DDI reference), checked by static asserts on wasm32.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileC, firstErrors, NEEDS_CLANG } from './support.ts';
import { TARGET_FLAGS, WARNING_FLAGS } from '../../src/build/flags.ts';

const FLAGS = [...TARGET_FLAGS, ...WARNING_FLAGS, '-Werror'];

/** Each header and the facts of the WDK it must give: a C constant expression and its value. */
const HEADERS: Record<string, [string, string][]> = {
  'ntddstor.h': [
    ['IOCTL_STORAGE_CHECK_VERIFY', '0x2D4800'],
    ['IOCTL_STORAGE_CHECK_VERIFY2', '0x2D0800'],
    ['IOCTL_STORAGE_MEDIA_REMOVAL', '0x2D4804'],
    ['IOCTL_STORAGE_EJECT_MEDIA', '0x2D4808'],
    ['IOCTL_STORAGE_LOAD_MEDIA', '0x2D480C'],
    ['IOCTL_STORAGE_EJECTION_CONTROL', '0x2D0940'],
    ['IOCTL_STORAGE_MCN_CONTROL', '0x2D0944'],
    ['IOCTL_STORAGE_GET_MEDIA_TYPES_EX', '0x2D0C04'],
    ['IOCTL_STORAGE_GET_HOTPLUG_INFO', '0x2D0C14'],
    ['IOCTL_STORAGE_SET_HOTPLUG_INFO', '0x2DCC18'],
    ['IOCTL_STORAGE_RESET_BUS', '0x2D5000'],
    ['IOCTL_STORAGE_PERSISTENT_RESERVE_IN', '0x2D5018'],
    ['IOCTL_STORAGE_PERSISTENT_RESERVE_OUT', '0x2DD01C'],
    ['IOCTL_STORAGE_GET_DEVICE_NUMBER', '0x2D1080'],
    ['IOCTL_STORAGE_PREDICT_FAILURE', '0x2D1100'],
    ['IOCTL_STORAGE_READ_CAPACITY', '0x2D5140'],
    ['IOCTL_STORAGE_QUERY_PROPERTY', '0x2D1400'],
    ['IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES', '0x2D9404'],
    ['IOCTL_STORAGE_FIRMWARE_GET_INFO', '0x2D1C00'],
    ['IOCTL_STORAGE_EVENT_NOTIFICATION', '0x2D1C90'],
    ['sizeof(STORAGE_HOTPLUG_INFO)', '8'],
    ['sizeof(STORAGE_DEVICE_NUMBER)', '12'],
    ['sizeof(STORAGE_PROPERTY_QUERY)', '12'],
    ['sizeof(STORAGE_DESCRIPTOR_HEADER)', '8'],
    ['sizeof(STORAGE_DEVICE_DESCRIPTOR)', '40'],
    ['sizeof(STORAGE_ADAPTER_DESCRIPTOR)', '32'],
    ['NO_SRBTYPE_ADAPTER_DESCRIPTOR_SIZE', '30'],
    ['sizeof(STORAGE_ACCESS_ALIGNMENT_DESCRIPTOR)', '28'],
    ['sizeof(STORAGE_MINIPORT_DESCRIPTOR)', '24'],
    ['sizeof(STORAGE_WRITE_CACHE_PROPERTY)', '28'],
    ['sizeof(STORAGE_READ_CAPACITY)', '32'],
    ['sizeof(STORAGE_PREDICT_FAILURE)', '516'],
    ['sizeof(DEVICE_MEDIA_INFO)', '32'],
    ['sizeof(GET_MEDIA_TYPES)', '40'],
    ['sizeof(STORAGE_LB_PROVISIONING_MAP_RESOURCES)', '32'],
    ['sizeof(STORAGE_EVENT_NOTIFICATION)', '16'],
    ['StorageDeviceProperty', '0'],
    ['StorageAccessAlignmentProperty', '6'],
    ['StorageDeviceMediumProductType', '15'],
    ['StorageDeviceIoCapabilityProperty', '48'],
    ['BusTypeSata', '11'],
    ['BusTypeNvme', '17'],
  ],
  'ntdddisk.h': [
    ['IOCTL_DISK_GET_DRIVE_GEOMETRY', '0x70000'],
    ['IOCTL_DISK_GET_PARTITION_INFO', '0x74004'],
    ['IOCTL_DISK_SET_PARTITION_INFO', '0x7C008'],
    ['IOCTL_DISK_GET_DRIVE_LAYOUT', '0x7400C'],
    ['IOCTL_DISK_VERIFY', '0x70014'],
    ['IOCTL_DISK_REASSIGN_BLOCKS', '0x7C01C'],
    ['IOCTL_DISK_IS_WRITABLE', '0x70024'],
    ['IOCTL_DISK_GET_PARTITION_INFO_EX', '0x70048'],
    ['IOCTL_DISK_GET_DRIVE_LAYOUT_EX', '0x70050'],
    ['IOCTL_DISK_SET_DRIVE_LAYOUT_EX', '0x7C054'],
    ['IOCTL_DISK_GET_LENGTH_INFO', '0x7405C'],
    ['IOCTL_DISK_GET_DRIVE_GEOMETRY_EX', '0x700A0'],
    ['IOCTL_DISK_REASSIGN_BLOCKS_EX', '0x7C0A4'],
    ['IOCTL_DISK_UPDATE_DRIVE_SIZE', '0x7C0C8'],
    ['IOCTL_DISK_GET_CACHE_INFORMATION', '0x740D4'],
    ['IOCTL_DISK_SET_CACHE_INFORMATION', '0x7C0D8'],
    ['IOCTL_DISK_UPDATE_PROPERTIES', '0x70140'],
    ['IOCTL_DISK_CHECK_VERIFY', '0x74800'],
    ['SMART_GET_VERSION', '0x74080'],
    ['SMART_SEND_DRIVE_COMMAND', '0x7C084'],
    ['SMART_RCV_DRIVE_DATA', '0x7C088'],
    ['RemovableMedia', '11'],
    ['FixedMedia', '12'],
    ['PARTITION_STYLE_RAW', '2'],
    ['sizeof(DISK_GEOMETRY)', '24'],
    ['sizeof(DISK_GEOMETRY_EX)', '40'],
    ['sizeof(PARTITION_INFORMATION)', '32'],
    ['sizeof(DRIVE_LAYOUT_INFORMATION)', '40'],
    ['sizeof(PARTITION_INFORMATION_MBR)', '24'],
    ['sizeof(PARTITION_INFORMATION_GPT)', '112'],
    ['sizeof(PARTITION_INFORMATION_EX)', '144'],
    ['sizeof(DRIVE_LAYOUT_INFORMATION_GPT)', '40'],
    ['sizeof(DRIVE_LAYOUT_INFORMATION_EX)', '192'],
    ['sizeof(GET_LENGTH_INFORMATION)', '8'],
    ['sizeof(VERIFY_INFORMATION)', '16'],
    ['sizeof(REASSIGN_BLOCKS)', '8'],
    ['sizeof(REASSIGN_BLOCKS_EX)', '12'],
    ['sizeof(DISK_CACHE_INFORMATION)', '24'],
    ['sizeof(DISK_CACHE_SETTING)', '12'],
    ['sizeof(DISK_PARTITION_INFO)', '24'],
    ['sizeof(DISK_DETECTION_INFO)', '56'],
    ['sizeof(GETVERSIONINPARAMS)', '24'],
    ['sizeof(IDEREGS)', '8'],
    ['sizeof(SENDCMDINPARAMS)', '33'],
    ['sizeof(DRIVERSTATUS)', '12'],
    ['sizeof(SENDCMDOUTPARAMS)', '17'],
  ],
  'ntddscsi.h': [
    ['IOCTL_SCSI_PASS_THROUGH', '0x4D004'],
    ['IOCTL_SCSI_MINIPORT', '0x4D008'],
    ['IOCTL_SCSI_GET_INQUIRY_DATA', '0x4100C'],
    ['IOCTL_SCSI_GET_CAPABILITIES', '0x41010'],
    ['IOCTL_SCSI_PASS_THROUGH_DIRECT', '0x4D014'],
    ['IOCTL_SCSI_GET_ADDRESS', '0x41018'],
    ['IOCTL_ATA_PASS_THROUGH', '0x4D02C'],
    ['IOCTL_SCSI_PASS_THROUGH_EX', '0x4D044'],
    ['IOCTL_SCSI_PASS_THROUGH_DIRECT_EX', '0x4D048'],
    ['IOCTL_SCSI_EXECUTE_IN', '0x1B0011'],
    ['IOCTL_SCSI_MINIPORT_IDENTIFY', '0x1B0501'],
    ['IOCTL_SCSI_MINIPORT_WRITE_SMART_LOG', '0x1B050C'],
    // wasm32: 4-byte pointers and ULONG_PTR, as on x86 (x64: 56, 56, 64, 64)
    ['sizeof(SCSI_PASS_THROUGH)', '44'],
    ['sizeof(SCSI_PASS_THROUGH_DIRECT)', '44'],
    ['sizeof(SCSI_PASS_THROUGH_EX)', '52'],
    ['sizeof(SCSI_PASS_THROUGH_DIRECT_EX)', '52'],
    ['FIELD_OFFSET(SCSI_PASS_THROUGH, Cdb)', '28'],
    ['sizeof(STOR_ADDR_BTL8)', '12'],
    ['sizeof(SCSI_ADDRESS)', '8'],
    ['sizeof(IO_SCSI_CAPABILITIES)', '24'],
    ['sizeof(SCSI_INQUIRY_DATA)', '16'],
    ['sizeof(SCSI_ADAPTER_BUS_INFO)', '12'],
    ['sizeof(SRB_IO_CONTROL)', '28'],
  ],
  'ntddvol.h': [
    ['IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS', '0x560000'],
    ['IOCTL_VOLUME_ONLINE', '0x56C008'],
    ['IOCTL_VOLUME_IS_CLUSTERED', '0x560030'],
    ['sizeof(DISK_EXTENT)', '24'],
    ['sizeof(VOLUME_DISK_EXTENTS)', '32'],
  ],
  'ntddcdrm.h': [
    ['IOCTL_CDROM_READ_TOC', '0x24000'],
    ['IOCTL_CDROM_GET_LAST_SESSION', '0x24038'],
    ['IOCTL_CDROM_RAW_READ', '0x2403E'],
    ['IOCTL_CDROM_DISK_TYPE', '0x20040'],
    ['IOCTL_CDROM_GET_DRIVE_GEOMETRY', '0x2404C'],
    ['IOCTL_CDROM_READ_TOC_EX', '0x24054'],
    ['IOCTL_CDROM_CHECK_VERIFY', '0x24800'],
    ['sizeof(TRACK_DATA)', '8'],
    ['sizeof(CDROM_TOC)', '804'],
    ['sizeof(CDROM_TOC)', 'MAXIMUM_CDROM_SIZE'],
    ['sizeof(CDROM_TOC_SESSION_DATA)', '12'],
    ['sizeof(CDROM_READ_TOC_EX)', '4'],
    ['sizeof(RAW_READ_INFO)', '16'],
    ['CDDA', '2'],
  ],
  'mountdev.h': [
    ['IOCTL_MOUNTDEV_QUERY_UNIQUE_ID', '0x4D0000'],
    ['IOCTL_MOUNTDEV_QUERY_DEVICE_NAME', '0x4D0008'],
    ['IOCTL_MOUNTDEV_QUERY_SUGGESTED_LINK_NAME', '0x4D000C'],
    ['IOCTL_MOUNTDEV_QUERY_STABLE_GUID', '0x4D0018'],
    ['sizeof(MOUNTDEV_UNIQUE_ID)', '4'],
    ['sizeof(MOUNTDEV_NAME)', '4'],
    ['sizeof(MOUNTDEV_SUGGESTED_LINK_NAME)', '6'],
    ['FIELD_OFFSET(MOUNTDEV_SUGGESTED_LINK_NAME, Name)', '4'],
  ],
};

function asserts(facts: [string, string][]): string {
  return facts.map(([expr, value]) => `_Static_assert((${expr}) == (${value}), "${expr} is not ${value}");`).join('\n') + '\n';
}

for (const [header, facts] of Object.entries(HEADERS)) {
  test(`${header} compiles alone and gives the WDK's codes and layouts`, { skip: NEEDS_CLANG }, () => {
    const r = compileC(`#include <${header}>\n` + asserts(facts), { flags: FLAGS });
    assert.equal(r.status, 0, firstErrors(r.stderr) || r.stderr);
  });

  test(`${header} after ntddk.h, as a driver includes it`, { skip: NEEDS_CLANG }, () => {
    const r = compileC(`#include <ntddk.h>\n#include <${header}>\n#include <${header}>\n`, { flags: FLAGS });
    assert.equal(r.status, 0, firstErrors(r.stderr) || r.stderr);
  });
}

test('a wrong storage fact fails the check, naming it', { skip: NEEDS_CLANG }, () => {
  const r = compileC('#include <ntddstor.h>\n' + asserts([['IOCTL_STORAGE_QUERY_PROPERTY', '0x2D1404']]), { flags: FLAGS });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /IOCTL_STORAGE_QUERY_PROPERTY is not 0x2D1404/);
});

test('all the storage headers together, after ntifs.h as a file system includes them, with no clash', { skip: NEEDS_CLANG }, () => {
  const text = ['ntifs.h', ...Object.keys(HEADERS), 'ntddser.h', 'ntddkbd.h', 'ntddmou.h'].map((h) => `#include <${h}>`).join('\n') + '\n';
  const r = compileC(text, { flags: FLAGS });
  assert.equal(r.status, 0, firstErrors(r.stderr) || r.stderr);
});
