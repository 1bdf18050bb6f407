/**
 * IoGetDeviceProperty: what the PnP manager knows of a device, asked through its PDO. The properties
 * a root-enumerated device has here come from its devnode: its IDs, class, PDO name, enumerator,
 * install state and removal policy. Those it has no value for (a description or friendly name an INF
 * would give, bus numbers and addresses a bus driver would report) are STATUS_OBJECT_NAME_NOT_FOUND,
 * as on Windows for a property the device lacks. A device object that is not a PDO is bug check 0xCA
 * PNP_DETECTED_FATAL_ERROR (Parameter 1 = 2, invalid PDO), as on Windows.
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { DEVICE_PROPERTY, INSTALL_STATE_INSTALLED, REMOVAL_POLICY_EXPECT_NO_REMOVAL } from '../../nt/device-property.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

/** 0xCA's Parameter 1 for a device object that is not a PDO. */
const INVALID_PDO = 0x2;

const utf16z = (strings: readonly string[]): Uint8Array => {
  // REG_SZ is one NUL-terminated string; REG_MULTI_SZ adds a final NUL.
  const text = strings.map((s) => s + '\0').join('');
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    out[2 * i] = text.charCodeAt(i) & 0xff;
    out[2 * i + 1] = text.charCodeAt(i) >>> 8;
  }
  return out;
};
const multiSz = (strings: readonly string[]) => new Uint8Array([...utf16z(strings), 0, 0]);
const ulong = (v: number) => new Uint8Array(new Uint32Array([v >>> 0]).buffer);

export function devicePropertyExports(k: Kernel) {
  return {
    IoGetDeviceProperty(DeviceObject: number, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: number): number {
      const node = k.pnp.nodeOfPdo(DeviceObject >>> 0);
      if (!node) return k.bugCheck(BUGCHECK.PNP_DETECTED_FATAL_ERROR, INVALID_PDO, DeviceObject >>> 0, 0, 0);
      let value: Uint8Array | undefined;
      switch (DeviceProperty) {
        case DEVICE_PROPERTY.HardwareID:
          value = multiSz(node.hardwareIds);
          break;
        case DEVICE_PROPERTY.CompatibleIDs:
          value = node.compatibleIds.length > 0 ? multiSz(node.compatibleIds) : undefined;
          break;
        case DEVICE_PROPERTY.ClassName:
          value = utf16z([node.deviceClass]);
          break;
        case DEVICE_PROPERTY.PhysicalDeviceObjectName: {
          const name = k.io.deviceName(node.pdo);
          value = name === undefined ? undefined : utf16z([name]);
          break;
        }
        case DEVICE_PROPERTY.EnumeratorName:
          value = utf16z([node.instancePath.split('\\')[0]!]);
          break;
        case DEVICE_PROPERTY.InstallState:
          value = ulong(INSTALL_STATE_INSTALLED);
          break;
        case DEVICE_PROPERTY.RemovalPolicy:
          value = ulong(REMOVAL_POLICY_EXPECT_NO_REMOVAL);
          break;
        default:
          if (DeviceProperty < 0 || DeviceProperty > DEVICE_PROPERTY.ContainerID) return STATUS.INVALID_PARAMETER_2;
      }
      if (!value) return STATUS.OBJECT_NAME_NOT_FOUND;
      if (ResultLength) k.as.setU32(ResultLength >>> 0, value.length);
      if ((BufferLength >>> 0) < value.length) return STATUS.BUFFER_TOO_SMALL;
      k.as.write(PropertyBuffer >>> 0, value);
      return STATUS.SUCCESS;
    },
  };
}
