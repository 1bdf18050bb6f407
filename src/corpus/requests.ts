/**
 * The requests a sample's test application sends, for the samples the runner knows: keyed by the
 * sample's folder in Windows-driver-samples (a project at or below the key gets them). The facts
 * (control codes, buffer sizes, inputs) are read from each sample's header and test app; the
 * buffers are laid out for our ABI (wasm32: 4-byte HANDLE and pointers), not the test app's x64.
 */
import type { DeviceParameter } from '../kernel/pnp/manager.ts';
import { REG } from '../nt/registry.ts';
import { CTL_CODE, FILE_ANY_ACCESS, FILE_READ_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_NEITHER, METHOD_OUT_DIRECT } from '../nt/io.ts';

export type CorpusRequest =
  | { readonly kind: 'ioctl'; readonly code: number; readonly input: Uint8Array; readonly outputLength: number; readonly outputInit?: Uint8Array }
  | { readonly kind: 'read'; readonly length: number }
  | { readonly kind: 'write'; readonly data: Uint8Array };

export interface SampleRequests {
  /** Where the facts come from, for the reader of this table. */
  readonly source: string;
  readonly requests: readonly CorpusRequest[];
  /** How the run ends its PnP device, where the sample's test does it its own way (default: an orderly removal). */
  readonly removal?: 'surprise-remove';
  /** The name the test app opens, where it is not the driver's first device (a file name below it: \\\\.\\X\\name). */
  readonly open?: string;
  /** Values the device's installer writes to its hardware key (Device Parameters), which the driver reads. */
  readonly deviceParameters?: readonly DeviceParameter[];
}

/** REG_SZ data: UTF-16LE with its terminator. */
const utf16z = (s: string) => new Uint8Array(Buffer.from(s + '\0', 'utf16le'));

/** A C string literal's bytes with its terminator, as `strlen(s) + 1` sends it. */
const cstr = (s: string) => new Uint8Array([...Buffer.from(s, 'latin1'), 0]);

/** sioctl.h: SIOCTL_TYPE 40000, functions 0x900..0x903, one per transfer method. */
const SIOCTL_TYPE = 40000;
/** testapp.c: InputBuffer and OutputBuffer are char[100]; each call sends strlen(input)+1 and offers all 100. */
const SIOCTL_BUFFER = 100;
const sioctl = (fn: number, method: number, text: string, outputText?: string): CorpusRequest => ({
  kind: 'ioctl',
  code: CTL_CODE(SIOCTL_TYPE, fn, method, FILE_ANY_ACCESS),
  input: cstr(`This String is from User Application; using ${text}`),
  outputLength: SIOCTL_BUFFER,
  ...(outputText !== undefined ? { outputInit: cstr(outputText) } : {}),
});

/**
 * event/wdm public.h: IOCTL_REGISTER_EVENT = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED,
 * FILE_ANY_ACCESS) taking REGISTER_EVENT { NOTIFY_TYPE Type; HANDLE hEvent; LARGE_INTEGER DueTime; }.
 * The test app's IRP_BASED mode (Type 1 is EVENT_BASED, which needs a user event handle): hEvent NULL,
 * DueTime -(3 s) relative, its default delay. On wasm32 the struct is 16 bytes (DueTime at 8).
 */
function registerEventIrpBased(): CorpusRequest {
  const input = new Uint8Array(16);
  const view = new DataView(input.buffer);
  view.setUint32(0, 0, true); // IRP_BASED
  view.setUint32(4, 0, true); // hEvent
  view.setBigInt64(8, -30_000_000n, true); // 3 s in 100-ns units, relative
  return { kind: 'ioctl', code: CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS), input, outputLength: 0 };
}

/**
 * obcallback driver/shared.h: TD_IOCTL_PROTECT_NAME_CALLBACK and TD_IOCTL_UNPROTECT_CALLBACK are
 * CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802 / 0x803, METHOD_BUFFERED, FILE_SPECIAL_ACCESS (= FILE_ANY_ACCESS)).
 * TD_PROTECTNAME_INPUT is { ULONG Operation; WCHAR Name[NAME_SIZE + 1]; }, NAME_SIZE 200: 4 + 402 bytes,
 * padded to 408. control/main.cpp `-name NAME` sends Operation TDProtectName_Protect (0), then the app's
 * exit path unprotects with TD_UNPROTECT_CALLBACK_INPUT { ULONG UnusedParameter; }.
 */
function obProtectName(name: string): CorpusRequest {
  const input = new Uint8Array(408);
  const view = new DataView(input.buffer);
  view.setUint32(0, 0, true); // TDProtectName_Protect
  for (let i = 0; i < name.length; i++) view.setUint16(4 + 2 * i, name.charCodeAt(i), true);
  return { kind: 'ioctl', code: CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS), input, outputLength: 0 };
}
const obUnprotect: CorpusRequest = { kind: 'ioctl', code: CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_BUFFERED, FILE_ANY_ACCESS), input: new Uint8Array(4), outputLength: 0 };

/**
 * registry/regfltr exe/common.h: IOCTL_GET_CALLBACK_VERSION (0x803) and IOCTL_DO_KERNELMODE_SAMPLES
 * (0x800), METHOD_BUFFERED, FILE_SPECIAL_ACCESS (which is FILE_ANY_ACCESS), no input. regctrl.c
 * offers GET_CALLBACK_VERSION_OUTPUT (two ULONGs) and DO_KERNELMODE_SAMPLES_OUTPUT (a BOOLEAN per
 * kernel-mode sample, MAX_KERNELMODE_SAMPLES = 11). The user-mode samples call the registry from
 * user mode (RegCreateKeyEx...), which the runner does not do.
 */
const regfltr = (fn: number, outputLength: number): CorpusRequest => ({
  kind: 'ioctl',
  code: CTL_CODE(FILE_DEVICE_UNKNOWN, fn, METHOD_BUFFERED, FILE_ANY_ACCESS),
  input: new Uint8Array(0),
  outputLength,
});

/**
 * ioctl/kmdf sys/public.h: FILEIO_TYPE 40001, functions 0x900..0x903 as in sioctl.h. exe/testapp.c's DoIoctls
 * sends "this String ..." (lower-case t) with strlen+1 and offers a char[100] output; then DoFileReadWrite
 * writes a buffer of rand() bytes and reads as many back: here 64 bytes of a fixed pattern (no rand in a
 * deterministic run).
 */
const FILEIO_TYPE = 40001;
const nonpnp = (fn: number, method: number, text: string, outputText?: string): CorpusRequest => ({
  kind: 'ioctl',
  code: CTL_CODE(FILEIO_TYPE, fn, method, FILE_ANY_ACCESS),
  input: cstr(`this String is from User Application; using ${text}`),
  outputLength: SIOCTL_BUFFER,
  ...(outputText !== undefined ? { outputInit: cstr(outputText) } : {}),
});
const NONPNP_FILE_BYTES = 64;

export const SAMPLE_REQUESTS: Readonly<Record<string, SampleRequests>> = {
  'general/ioctl/wdm': {
    source: 'sys/sioctl.h, exe/testapp.c',
    requests: [
      sioctl(0x902, METHOD_BUFFERED, 'METHOD_BUFFERED'),
      sioctl(0x903, METHOD_NEITHER, 'METHOD_NEITHER'),
      sioctl(0x900, METHOD_IN_DIRECT, 'METHOD_IN_DIRECT', 'This String is from User Application in OutBuffer; using METHOD_IN_DIRECT'),
      sioctl(0x901, METHOD_OUT_DIRECT, 'METHOD_OUT_DIRECT'),
    ],
  },
  'general/ioctl/kmdf': {
    source: 'sys/public.h, exe/testapp.c',
    // public.h's DEVICE_NAME: the driver keeps the file of that name under \\SystemRoot\\temp.
    open: '\\\\.\\NONPNP\\nonpnpsamp.log',
    requests: [
      nonpnp(0x902, METHOD_BUFFERED, 'METHOD_BUFFERED'),
      nonpnp(0x903, METHOD_NEITHER, 'METHOD_NEITHER'),
      nonpnp(0x900, METHOD_IN_DIRECT, 'METHOD_IN_DIRECT', 'This String is from User Application in OutBuffer; using METHOD_IN_DIRECT'),
      nonpnp(0x901, METHOD_OUT_DIRECT, 'METHOD_OUT_DIRECT'),
      { kind: 'write', data: Uint8Array.from({ length: NONPNP_FILE_BYTES }, (_, i) => (i * 7) & 0xff) },
      { kind: 'read', length: NONPNP_FILE_BYTES },
    ],
  },
  'general/event/wdm': { source: 'wdm/public.h, exe/eventtest.c', requests: [registerEventIrpBased()] },
  // exe/testapp.c: reader threads each ReadFileEx a ULONG; the driver holds each read until its timer completes it.
  'general/registry/regfltr': { source: 'exe/common.h, exe/regctrl.c', requests: [regfltr(0x803, 8), regfltr(0x800, 11)] },
  'general/cancel': { source: 'exe/testapp.c', requests: [{ kind: 'read', length: 4 }, { kind: 'read', length: 4 }] },
  // sdma.h: SDMA_TYPE is 40000 too, IOCTL_SDMA_WRITE function 0x902; testapp.c sends the same METHOD_BUFFERED text.
  'general/SystemDma/wdm': { source: 'sys/sdma.h, exe/testapp.c', requests: [sioctl(0x902, METHOD_BUFFERED, 'METHOD_BUFFERED')] },
  // README.md: the injected defect shows under the "DF - PNP Surprise Remove" test (the device surprise-removed).
  'tools/dv/samples/DV-FailDriver-WDM': { source: 'README.md', requests: [], removal: 'surprise-remove' },
  // driver.c reads PortName from the device's hardware key in EvtDriverDeviceAdd: the modem class installer writes it (mdmfake.inx has no HKR line).
  'network/modem/fakemodem': { source: 'driver.c', requests: [], deviceParameters: [{ name: 'PortName', type: REG.SZ, data: utf16z('COM9') }] },
  // exe/notify/notify.c opens the filter's control device and sends IOCTL_CUSTOM_CODE (FILE_READ_DATA access) with no buffers.
  'general/toaster/toastDrv/kmdf/filter/sideband': {
    source: 'toastDrv/exe/notify/notify.c',
    open: '\\\\.\\ToasterFilter',
    requests: [{ kind: 'ioctl', code: CTL_CODE(FILE_DEVICE_UNKNOWN, 0, METHOD_BUFFERED, FILE_READ_ACCESS), input: new Uint8Array(0), outputLength: 0 }],
  },
  'general/obcallback': { source: 'driver/shared.h, control/main.cpp, control/utils.cpp', requests: [obProtectName('notepad.exe'), obUnprotect] },
};

/** The requests for a project in `folder` (relative to the corpus root): the entry of the longest key at or above it. */
export function requestsFor(folder: string): SampleRequests | undefined {
  const key = Object.keys(SAMPLE_REQUESTS)
    .filter((k) => folder === k || folder.startsWith(k + '/'))
    .sort((a, b) => b.length - a.length)[0];
  return key === undefined ? undefined : SAMPLE_REQUESTS[key];
}
