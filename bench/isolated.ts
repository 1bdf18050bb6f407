/**
 * Samples taken in child processes, one configuration per process. Configurations that share a
 * process share V8's type feedback and optimised code: the verifier's thunks, run first with special
 * pool and then without, stay compiled for both and each figure then carries the other's cost (a
 * configuration measured that way came out 3x slower than alone). A user's process runs one
 * configuration, so each is measured alone, and the configurations take turns, round after round,
 * so drift on a shared machine spreads over all of them.
 */
import { join } from 'node:path';
import { BENCH_DIR } from './machine.ts';
import { childCommand } from './child-bundle.ts';
import { firstLine, runAsync } from './proc.ts';

/** `samples` samples of one configuration of a sampler (samplers.ts), in a fresh Node process; `env` is added to its environment. */
export async function sampleInChild(sampler: string, config: string, arg: number, samples: number, env: NodeJS.ProcessEnv = {}): Promise<number[]> {
  const r = await runAsync(process.execPath, ['--expose-gc', ...(await childCommand()), sampler, config, String(arg), String(samples)], {
    cwd: join(BENCH_DIR, '..'),
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`sampler ${sampler} ${config} exited ${r.status}: ${firstLine(r.stderr)}\n${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { samples: number[] }).samples;
}

/** Per configuration, `rounds * perChild` samples: each round runs every configuration once, in rotated order. */
export async function interleaved(
  sampler: string,
  configs: readonly string[],
  arg: number,
  rounds: number,
  perChild: number,
  env: NodeJS.ProcessEnv = {},
): Promise<Map<string, number[]>> {
  const out = new Map(configs.map((c) => [c, [] as number[]]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[(i + r) % configs.length]!;
      out.get(c)!.push(...(await sampleInChild(sampler, c, arg, perChild, env)));
    }
  }
  return out;
}
