/** The samplers sampler-child.ts can run, by name: each prepares one configuration and returns "take one sample". */
import { poolPairsSampler } from './ddi-cost.ts';
import { fuzzSampler } from './fuzz.ts';
import { heapSampler } from './heap.ts';
import { echoSampler } from './irp-throughput.ts';
import { poolLoopSampler } from './native.ts';

export interface Sampler {
  prepare(config: string, arg: number): Promise<() => number | Promise<number>>;
  /** Take and discard one sample first (JIT warm-up). */
  readonly warmUp: boolean;
}

export const SAMPLERS: Record<string, Sampler> = {
  'pool-pairs': poolPairsSampler,
  echo: echoSampler,
  heap: heapSampler,
  'pool-loop': poolLoopSampler,
  fuzz: fuzzSampler,
};
