/**
 * Figure 2: IRP throughput, IOCTLs per second through bench/drivers/Echo.ts (METHOD_BUFFERED, 64
 * bytes in, 64 out): the whole path from DeviceIoControl in the user thread through the I/O manager,
 * the driver's dispatch routine and completion, without the verifier and under /standard. Each
 * configuration runs in a process of its own (isolated.ts).
 */
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { STATUS } from '../src/nt/status.ts';
import { fromSamples, ratio, type Row } from './harness.ts';
import { interleaved } from './isolated.ts';
import { openBenchDriver } from './machine.ts';
import type { Sampler } from './samplers.ts';
import { IOCTL_ECHO } from './drivers/Echo.ts';
import { WASM_IRP_ROWS, orPlaceholders, wasmIrpThroughput } from './wasm-hooks.ts';

const BYTES = 64;

/** config 'off' | 'standard'; arg = IOCTLs per sample; a sample is IOCTLs per second. */
export const echoSampler: Sampler = {
  warmUp: true,
  async prepare(config, requests) {
    if (config !== 'off' && config !== 'standard') throw new Error(`echo: no configuration '${config}'`);
    const d = await openBenchDriver('Echo.ts', '\\Device\\Echo', config === 'standard' ? STANDARD_FLAGS : undefined);
    const input = new Uint8Array(BYTES).map((_, i) => i);
    const r = d.ioctl(IOCTL_ECHO, input, BYTES);
    // The driver must really echo, or the figure measures an error path.
    if (r.status !== STATUS.SUCCESS || r.information !== BYTES || r.output[0] !== 0xff || r.output[BYTES - 1] !== (~(BYTES - 1) & 0xff)) {
      throw new Error(`Echo.sys did not echo: status 0x${r.status.toString(16)}, ${r.information} bytes`);
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
  const s = await interleaved('echo', ['off', 'standard'], requests, quick ? 1 : 3, 3);
  const note = `${requests} IOCTLs per sample, 64 B in / 64 B out`;
  const a = fromSamples('IRP throughput, TS: no verifier', 'IOCTL/s', s.get('off')!, note);
  const b = fromSamples('IRP throughput, TS: /standard, callers and stacks', 'IOCTL/s', s.get('standard')!, note);
  return [a, b, ratio('IRP throughput, TS: no verifier / /standard (slowdown)', a, b), ...orPlaceholders(await wasmIrpThroughput(quick), WASM_IRP_ROWS)];
}
