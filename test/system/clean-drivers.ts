/**
 * The clean samples and the scenarios their tests run them in: what `npm run clean:exhaustive` and
 * CleanExhaustive.test.ts take every failure path of. One table, so the test and the full run agree.
 */
import { join } from 'node:path';
import { parseResourceSpec } from '../../src/kernel/pnp/resources.ts';
import type { DeviceRequest, RunOptions } from '../../src/system/run.ts';
import { ROOT } from '../helpers.ts';

/** What issue 12 asks of them: /standard, then /standard with systematic low resources simulation. */
export const STANDARD_PLUS_SYSTEMATIC = 0x209bb | 0x40000;

export interface CleanCase {
  /** `Driver (lang, variant)`: a row of the report. */
  readonly name: string;
  readonly options: Omit<RunOptions, 'verifierFlags'>;
}

const ts = (...p: string[]) => join(ROOT, 'drivers', 'ts', ...p);
const c = (...p: string[]) => join(ROOT, 'drivers', 'c', ...p);
const ioctl = (code: number, inputHex: string, outputLength: number, outputInitHex?: string): DeviceRequest => ({
  kind: 'ioctl',
  code,
  input: Buffer.from(inputHex, 'hex'),
  outputLength,
  outputInit: outputInitHex === undefined ? undefined : Buffer.from(outputInitHex, 'hex'),
});

const EVERYTHING = [ioctl(0x222008, '0102030405060708', 8), ioctl(0x222008, '0a0b', 8)];
/** The demo's requests: three good, one too short (the path MyDriver leaks on). */
const MYDRIVER = [
  ioctl(0x222003, '4d794472697665720100000002000000', 8),
  ioctl(0x222003, '4d79447269766572020000000400000008000000', 8),
  ioctl(0x222003, '4d794472697665720300000006000000', 8),
  ioctl(0x222003, '4d79', 8),
];
/** Each transfer method, the pended request the timer DPC completes, and the neither-I/O XOR. */
const SAMPLE_IO = [ioctl(0x222400, '68656c6c6f', 4), ioctl(0x22a405, '', 5, '0102030405'), ioctl(0x22640a, '', 8), ioctl(0x22240f, 'ffffffff', 4), ioctl(0x222410, '', 4)];
const ECHO = [ioctl(0x222400, '41424344', 4)];
const RING = [ioctl(0x222404, '', 16), ioctl(0x222404, '', 16)];
const BUS = { UNPLUG: 0x2a2400, FAIL: 0x2a2404, EJECT: 0x2a2408 } as const;
const INTERFACE_CLASS = '{5C3C4C7A-0E2B-4F51-9A43-2D6E3F0B7A11}';

function both(name: string, tsPath: string, cPath: string, options: Omit<CleanCase['options'], 'driver'>, variant = ''): CleanCase[] {
  const v = variant ? `, ${variant}` : '';
  return [
    { name: `${name} (ts${v})`, options: { driver: tsPath, ...options } },
    { name: `${name} (c${v})`, options: { driver: cPath, ...options } },
  ];
}

const PNP_FUNCTION = [ts('pnp', 'PnpFunction.ts'), c('pnp', 'PnpFunction', 'PnpFunction.wasm')] as const;
const PNP_FILTER = [ts('pnp', 'PnpFilter.ts'), c('pnp', 'PnpFilter', 'PnpFilter.wasm')] as const;
const PNP_BUS = [ts('pnp', 'PnpBus.ts'), c('pnp', 'PnpBus', 'PnpBus.wasm')] as const;
const PNP_CHILD = [ts('pnp', 'PnpChild.ts'), c('pnp', 'PnpChild', 'PnpChild.wasm')] as const;

export const CLEAN_CASES: readonly CleanCase[] = [
  ...both('EverythingRight', ts('rules', 'EverythingRight.ts'), c('rules', 'EverythingRight.wasm'), { requests: EVERYTHING }),
  ...both('MyDriverClean', ts('MyDriverClean.ts'), c('MyDriverClean', 'MyDriverClean.wasm'), { requests: MYDRIVER }),
  { name: 'SampleIo (c)', options: { driver: c('SampleIo', 'SampleIo.wasm'), requests: SAMPLE_IO } },
  ...both('PowerFdo', ts('PowerFdo.ts'), c('PowerFdo', 'PowerFdo.wasm'), { requests: [] }),
  ...both('PnpFunction', ...PNP_FUNCTION, { requests: ECHO }),
  ...both('PnpFunction', ...PNP_FUNCTION, { requests: ECHO, removal: 'surprise-remove' }, 'surprise-remove'),
  ...both('PnpFunction', ...PNP_FUNCTION, { requests: ECHO, stopStart: true, sleep: true }, 'stop-start, sleep'),
  { name: 'PnpFilter (ts, upper)', options: { driver: PNP_FUNCTION[0], filters: [PNP_FILTER[0]], requests: ECHO } },
  { name: 'PnpFilter (c, upper)', options: { driver: PNP_FUNCTION[1], filters: [PNP_FILTER[1]], requests: ECHO } },
  { name: 'PnpFilter (ts, lower, surprise-remove)', options: { driver: PNP_FUNCTION[0], lowerFilters: [PNP_FILTER[0]], requests: ECHO, removal: 'surprise-remove' } },
  { name: 'PnpFilter (c, lower, surprise-remove)', options: { driver: PNP_FUNCTION[1], lowerFilters: [PNP_FILTER[1]], requests: ECHO, removal: 'surprise-remove' } },
  ...[0, 1].flatMap((i) => {
    const lang = i === 0 ? 'ts' : 'c';
    const base = { driver: PNP_BUS[i]!, childDrivers: [{ hardwareId: 'PnpBus\\PnpChild', driver: PNP_CHILD[i]! }] };
    const op = (code: number, index: number) => ioctl(code, Buffer.from([index, 0, 0, 0]).toString('hex'), 0);
    return [
      { name: `PnpBus+PnpChild (${lang})`, options: { ...base, requests: [] } },
      { name: `PnpBus+PnpChild (${lang}, unplug, fail)`, options: { ...base, requests: [op(BUS.UNPLUG, 1), op(BUS.FAIL, 0)] } },
      { name: `PnpBus+PnpChild (${lang}, eject, surprise-remove)`, options: { ...base, requests: [op(BUS.EJECT, 0)], removal: 'surprise-remove' as const } },
    ];
  }),
  { name: 'PnpInterface (ts)', options: { driver: ts('pnp', 'PnpInterface.ts'), openInterface: INTERFACE_CLASS, requests: ECHO } },
  { name: 'PnpInterface (ts, surprise-remove)', options: { driver: ts('pnp', 'PnpInterface.ts'), openInterface: INTERFACE_CLASS, requests: ECHO, removal: 'surprise-remove' } },
  { name: 'PnpInterface (c)', options: { driver: c('pnp', 'PnpInterface', 'PnpInterface.wasm'), openInterface: INTERFACE_CLASS, requests: ECHO } },
  ...both('PnpDevice', ts('pnp', 'PnpDevice.ts'), c('pnp', 'PnpDevice', 'PnpDevice.wasm'), { resources: parseResourceSpec('mem:0xfe000000:0x1000,irq:5'), requests: [] }),
  ...both('PnpDevice', ts('pnp', 'PnpDevice.ts'), c('pnp', 'PnpDevice', 'PnpDevice.wasm'), { resources: parseResourceSpec('mem:0xfe000000:0x1000,irq:5'), requests: [], stopStart: true, sleep: true, removal: 'surprise-remove' }, 'stop-start, sleep, surprise-remove'),
  ...both('PnpPofx', ts('pnp', 'PnpPofx.ts'), c('pnp', 'PnpPofx', 'PnpPofx.wasm'), { requests: ECHO }),
  ...both('PnpPofx', ts('pnp', 'PnpPofx.ts'), c('pnp', 'PnpPofx', 'PnpPofx.wasm'), { requests: ECHO, stopStart: true, sleep: true }, 'stop-start, sleep'),
  { name: 'PnpResources (ts)', options: { driver: ts('pnp', 'PnpResources.ts'), resources: parseResourceSpec('mem:0xfe000000:0x1000,port:0x300:8,irq:5'), requests: RING } },
];
