/**
 * The class headers KMDF samples include (poclass.h, batclass.h, kbdmou.h, ntdd8042.h, devguid.h, gpio.h, reshub.h, and what
 * wdm.h adds for them: power settings, power limits, IoGetRelatedDeviceObject), checked by
 * compiling C with the driver flags: they compile together and twice (the GUIDs are outside the
 * guards), and their IOCTL codes and wasm32 structure sizes are the WDK's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileC, firstErrors, NEEDS_CLANG } from './support.ts';
import { TARGET_FLAGS, WARNING_FLAGS } from '../../src/build/flags.ts';

const FLAGS = [...TARGET_FLAGS, ...WARNING_FLAGS, '-Werror'];
const INCLUDES = ['ntddk.h', 'poclass.h', 'wdmguid.h', 'kbdmou.h', 'ntdd8042.h', 'devguid.h', 'batclass.h', 'gpio.h', 'reshub.h'];

/** Facts of the WDK, each as a C constant expression and its value (sizes for 32-bit pointers). */
const FACTS: [string, string][] = [
  ['IOCTL_BATTERY_QUERY_TAG', '0x294040'],
  ['IOCTL_BATTERY_QUERY_INFORMATION', '0x294044'],
  ['IOCTL_BATTERY_SET_INFORMATION', '0x298048'],
  ['IOCTL_BATTERY_QUERY_STATUS', '0x29404C'],
  ['IOCTL_THERMAL_QUERY_INFORMATION', '0x294080'],
  ['IOCTL_THERMAL_SET_COOLING_POLICY', '0x298084'],
  ['IOCTL_THERMAL_READ_TEMPERATURE', '0x294090'],
  ['IOCTL_THERMAL_READ_POLICY', '0x294094'],
  ['IOCTL_GET_SYS_BUTTON_CAPS', '0x294140'],
  ['IOCTL_INTERNAL_KEYBOARD_CONNECT', '0x0B0203'],
  ['IOCTL_INTERNAL_KEYBOARD_DISCONNECT', '0x0B0403'],
  ['IOCTL_INTERNAL_MOUSE_CONNECT', '0x0F0203'],
  ['IOCTL_INTERNAL_MOUSE_DISCONNECT', '0x0F0403'],
  ['IOCTL_INTERNAL_I8042_HOOK_KEYBOARD', '0x0B3FC3'],
  ['IOCTL_INTERNAL_I8042_HOOK_MOUSE', '0x0F3FC3'],
  ['IOCTL_INTERNAL_I8042_KEYBOARD_WRITE_BUFFER', '0x0B3FC7'],
  ['sizeof(BATTERY_QUERY_INFORMATION)', '12'],
  ['sizeof(BATTERY_INFORMATION)', '36'],
  ['sizeof(BATTERY_WAIT_STATUS)', '20'],
  ['sizeof(BATTERY_STATUS)', '16'],
  ['sizeof(BATTERY_MANUFACTURE_DATE)', '4'],
  ['sizeof(THERMAL_WAIT_READ)', '12'],
  ['sizeof(THERMAL_INFORMATION)', '76'],
  ['sizeof(POWER_LIMIT_ATTRIBUTES)', '36'],
  ['sizeof(POWER_LIMIT_VALUE)', '16'],
  ['sizeof(POWER_LIMIT_INTERFACE)', '32'],
  ['sizeof(THERMAL_COOLING_INTERFACE)', '28'],
  ['sizeof(COUNTED_REASON_CONTEXT)', '28'],
  ['sizeof(CONNECT_DATA)', '8'],
  ['sizeof(INTERNAL_I8042_HOOK_KEYBOARD)', '24'],
  ['sizeof(INTERNAL_I8042_HOOK_MOUSE)', '20'],
  ['sizeof(INTERNAL_I8042_START_INFORMATION)', '40'],
  ['sizeof(BATTERY_MINIPORT_INFO)', '40'],
  ['sizeof(BATTERY_MINIPORT_INFO_V1_1)', '44'],
  ['sizeof(BATTERY_REPORTING_SCALE)', '8'],
  ['sizeof(BATTERY_NOTIFY)', '12'],
  ['POWER_LIMIT_VALUE_NO_CONTROL', '0xFFFFFFFF'],
  ['BATTERY_UNKNOWN_RATE', '0x80000000'],
  ['DPFLTR_POWER_ID', '146'],
  ['IOCTL_GPIO_READ_PINS', '0x480000'],
  ['IOCTL_GPIO_WRITE_PINS', '0x480004'],
  ['IOCTL_GPIO_COMMIT_FUNCTION_CONFIG_PINS', '0x480010'],
  ['RESOURCE_HUB_PATH_CHARS', '38'],
  ['CmResourceTypeConnection', '132'],
  ['sizeof(((CM_PARTIAL_RESOURCE_DESCRIPTOR *)0)->u.Connection)', '12'],
];

test('the class headers compile together, twice over, and define their GUIDs after initguid.h', { skip: NEEDS_CLANG }, () => {
  const once = INCLUDES.map((h) => `#include <${h}>`).join('\n');
  const text = `${once}\n#include <initguid.h>\n${once}\nconst GUID *Guids[] = { &GUID_DEVICE_BATTERY, &GUID_DEVICE_THERMAL_ZONE, &GUID_DEVINTERFACE_THERMAL_COOLING,
    &GUID_THERMAL_COOLING_INTERFACE, &GUID_POWER_LIMIT_INTERFACE, &GUID_DEVINTERFACE_POWER_LIMIT, &GUID_DEVCLASS_KEYBOARD, &GUID_DEVCLASS_BATTERY };\n`;
  const r = compileC(text, { flags: FLAGS });
  assert.equal(r.status, 0, firstErrors(r.stderr) || r.stderr);
});

test('the class headers: IOCTL codes and structure sizes as the WDK has them', { skip: NEEDS_CLANG }, () => {
  const text =
    INCLUDES.map((h) => `#include <${h}>`).join('\n') +
    '\n' +
    FACTS.map(([expr, value]) => `_Static_assert((${expr}) == (${value}), "${expr} is not ${value}");`).join('\n') +
    '\n';
  const r = compileC(text, { flags: FLAGS });
  assert.equal(r.status, 0, firstErrors(r.stderr));
});
