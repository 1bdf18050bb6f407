/**
 * `node --expose-gc --import tsx bench/sampler-child.ts SAMPLER CONFIG ARG SAMPLES`: prepare one
 * configuration, take a warm-up sample if the sampler wants one, then SAMPLES samples; prints
 * {"samples":[...]} as its last line. Started by isolated.ts.
 */
import { SAMPLERS } from './samplers.ts';

const [name, config, arg, count] = process.argv.slice(2);
const sampler = SAMPLERS[name ?? ''];
if (!sampler || !config || !(Number(arg) > 0) || !(Number(count) > 0)) {
  throw new Error(`usage: sampler-child.ts ${Object.keys(SAMPLERS).join('|')} CONFIG ARG SAMPLES`);
}
const take = await sampler.prepare(config, Number(arg));
if (sampler.warmUp) await take();
const samples: number[] = [];
for (let i = 0; i < Number(count); i++) samples.push(await take());
console.log(JSON.stringify({ samples }));
