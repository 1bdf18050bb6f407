/**
 * Figure 2: IRP throughput, IOCTLs per second through bench/drivers/Echo.ts (METHOD_BUFFERED, 64
 * bytes in, 64 out): the whole path from DeviceIoControl in the user thread through the I/O manager,
 * the driver's dispatch routine and completion, without the verifier and under /standard; then the
 * same through its C twin (bench/drivers/c/Echo.c, built to wasm by c-drivers.ts). Each
 * configuration runs in a process of its own (isolated.ts), all of them taking turns in the same rounds.
 */
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { STATUS } from '../src/nt/status.ts';
import { fromSamples, ratio, type Figure, type Row } from './harness.ts';
import { builtCDriver, notMeasured, withCDriver } from './c-drivers.ts';
import { interleaved } from './isolated.ts';
import { openBenchDriver } from './machine.ts';
import type { Sampler } from './samplers.ts';
import { IOCTL_ECHO } from './drivers/Echo.ts';

const BYTES = 64;

/** Configurations: the driver (TypeScript or its C twin built to wasm) and whether /standard is on. */
const CONFIGS = {
  off: { wasm: false, verified: false },
  standard: { wasm: false, verified: true },
  'c-off': { wasm: true, verified: false },
  'c-standard': { wasm: true, verified: true },
} as const;
type Config = keyof typeof CONFIGS;

const ROW = {
  off: 'IRP throughput, TS: no verifier',
  standard: 'IRP throughput, TS: /standard, callers and stacks',
  slowdown: 'IRP throughput, TS: no verifier / /standard (slowdown)',
  'c-off': 'IRP throughput, C/wasm: no verifier',
  'c-standard': 'IRP throughput, C/wasm: /standard, callers and stacks',
  cSlowdown: 'IRP throughput, C/wasm: no verifier / /standard (slowdown)',
  vsOff: 'IRP throughput, TS / C/wasm: no verifier (C/wasm slowdown)',
  vsStandard: 'IRP throughput, TS / C/wasm: /standard (C/wasm slowdown)',
} as const;

const WASM_ROWS = [
  [ROW['c-off'], 'IOCTL/s'],
  [ROW['c-standard'], 'IOCTL/s'],
  [ROW.cSlowdown, 'x'],
  [ROW.vsOff, 'x'],
  [ROW.vsStandard, 'x'],
] as const;

/** config: a key of CONFIGS; arg = IOCTLs per sample; a sample is IOCTLs per second. */
export const echoSampler: Sampler = {
  warmUp: true,
  async prepare(config, requests) {
    const c = CONFIGS[config as Config];
    if (!c) throw new Error(`echo: no configuration '${config}'`);
    const driver = c.wasm ? builtCDriver('Echo') : 'Echo.ts';
    const d = await openBenchDriver(driver, '\\Device\\Echo', c.verified ? STANDARD_FLAGS : undefined);
    const input = new Uint8Array(BYTES).map((_, i) => i);
    const r = d.ioctl(IOCTL_ECHO, input, BYTES);
    // The driver must really echo, or the figure measures an error path.
    if (r.status !== STATUS.SUCCESS || r.information !== BYTES || r.output[0] !== 0xff || r.output[BYTES - 1] !== (~(BYTES - 1) & 0xff)) {
      throw new Error(`${driver} did not echo: status 0x${r.status.toString(16)}, ${r.information} bytes`);
    }
    return () => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < requests; i++) d.ioctl(IOCTL_ECHO, input, BYTES);
      return requests / (Number(process.hrtime.bigint() - t0) / 1e9);
    };
  },
};

export async function irpThroughput(quick: boolean): Promise<Row[]> {
  const requests = quick ? 1_000 : 10_000;
  const rounds = quick ? 1 : 3;
  const note = `${requests} IOCTLs per sample, 64 B in / 64 B out`;
  const figures = (s: Map<string, number[]>) =>
    Object.fromEntries([...s].map(([k, v]) => [k, fromSamples(ROW[k as Config], 'IOCTL/s', v, note)])) as Record<Config, Figure>;
  const tsRows = (f: Record<Config, Figure>): Row[] => [f.off, f.standard, ratio(ROW.slowdown, f.off, f.standard)];
  return withCDriver(
    'Echo',
    async (env) => {
      const f = figures(await interleaved('echo', Object.keys(CONFIGS), requests, rounds, 3, env));
      return [
        ...tsRows(f),
        f['c-off'],
        f['c-standard'],
        ratio(ROW.cSlowdown, f['c-off'], f['c-standard']),
        ratio(ROW.vsOff, f.off, f['c-off']),
        ratio(ROW.vsStandard, f.standard, f['c-standard']),
      ];
    },
    async (note) => [...tsRows(figures(await interleaved('echo', ['off', 'standard'], requests, rounds, 3))), ...notMeasured(WASM_ROWS, note)],
  );
}
