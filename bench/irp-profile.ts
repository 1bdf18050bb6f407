/**
 * Where a verified IOCTL's time and garbage go: `node --import tsx bench/irp-profile.ts [IOCTLS]`.
 * For figure 2's four configurations (TS and C/wasm Echo, no verifier and /standard), one compiled
 * child each (irp-profile-child.ts, bundled as the sampler children are): CPU ns per IOCTL of the
 * whole request and of its phases timed alone, and the host bytes allocated per IOCTL by allocating
 * function. The phases do not add up to the whole exactly: the rest is the I/O manager's glue
 * (building the IRP's stack location, the wait, retiring the request) and what timing apart changes.
 * Nothing here is a ratio of two runs: read it as a breakdown, not as a figure to compare across days.
 */
import { bundleChild } from './child-bundle.ts';
import { withCDriver } from './c-drivers.ts';
import { BENCH_DIR } from './machine.ts';
import { firstLine, runAsync } from './proc.ts';
import { join } from 'node:path';

interface Result {
  config: string;
  cpu: Record<string, number>;
  bytes: number;
  sites: [string, number][];
}

const n = Number(process.argv[2] ?? 100_000);
if (!(n > 0)) throw new Error('usage: node --import tsx bench/irp-profile.ts [IOCTLS]');
const child = await bundleChild(join(BENCH_DIR, '..'), 'irp-profile-child.ts');

async function run(config: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const p = await runAsync(process.execPath, [child, config, String(n)], { cwd: join(BENCH_DIR, '..'), env: { ...process.env, ...env } });
  if (p.status !== 0) throw new Error(`${config}: exited ${p.status}: ${firstLine(p.stderr)}`);
  return JSON.parse(p.stdout.trim().split('\n').pop()!) as Result;
}

const results: Result[] = [await run('off'), await run('standard')];
await withCDriver(
  'Echo',
  async (env) => {
    results.push(await run('c-off', env), await run('c-standard', env));
  },
  (note) => console.log(`C/wasm Echo not measured: ${note}`),
);

const phases = Object.keys(results[0]!.cpu);
console.log(`| phase (CPU ns per IOCTL, least of 5 rounds of ${n}) | ${results.map((r) => r.config).join(' | ')} |`);
console.log(`| --- | ${results.map(() => '---:').join(' | ')} |`);
for (const p of phases) console.log(`| ${p} | ${results.map((r) => Math.round(r.cpu[p]!)).join(' | ')} |`);
for (const r of results) {
  console.log(`\n${r.config}: ${Math.round(r.bytes)} B allocated per IOCTL; by allocating function < its caller:`);
  for (const [site, b] of r.sites) console.log(`  ${Math.round(b).toString().padStart(5)} B  ${site}`);
}
