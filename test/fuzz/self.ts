/**
 * `npm run fuzz:self -- --sequences N --images N --argv N [--seed S]`: the fuzz suite at the goal
 * counts (issue 8: 10^5 DDI sequences, 10^4 mutated images), with counts of every outcome and each
 * failure printed as JSON that replays (`--replay-sequence '<json>'`, `--replay-image '<json>'`).
 * Exit 0 when nothing broke the invariants, 1 otherwise.
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { describeScenario, runScenario, type Scenario } from './ddi/harness.ts';
import { scenarioArb } from './ddi/sequence.ts';
import { ImageRunner } from './wasm/image-runner.ts';
import { imageMutationArb, mutate, readSample, sampleImages, type ImageMutation } from './wasm/mutate.ts';
import { argvArb, argvOf, makeScratch, runDv, violation } from './argv/argv.ts';

const { values } = parseArgs({
  options: {
    sequences: { type: 'string', default: '0' },
    images: { type: 'string', default: '0' },
    argv: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    /** Stop each family after this many minutes (its counts say how far it got). */
    minutes: { type: 'string', default: '0' },
    'replay-sequence': { type: 'string' },
    'replay-image': { type: 'string' },
  },
});
const seed = Number(values.seed);
const CHUNK = 500;
const budgetMs = Number(values.minutes) * 60_000 || Infinity;
let failures = 0;

/** Outcome counts of one family, printed as a table. */
class Tally {
  readonly counts = new Map<string, number>();
  n = 0;
  add(key: string): void {
    this.n++;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  print(title: string, ms: number): void {
    console.log(`\n== ${title}: ${this.n} in ${(ms / 1000).toFixed(1)} s (${(ms / Math.max(this.n, 1)).toFixed(1)} ms each)`);
    for (const [k, v] of [...this.counts].sort((a, b) => b[1] - a[1])) console.log(`${String(v).padStart(8)}  ${k}`);
  }
}

const fail = (what: string, detail: string) => {
  failures++;
  console.log(`\n!! ${what}\n${detail}`);
};

async function sequences(n: number): Promise<void> {
  const t = new Tally();
  const start = Date.now();
  for (let done = 0, chunk = 0; done < n && Date.now() - start < budgetMs; chunk++) {
    const batch = fc.sample(scenarioArb(), { numRuns: Math.min(CHUNK, n - done), seed: seed + chunk });
    for (const sc of batch) {
      const o = await runScenario(sc);
      if (o.kind === 'failure') {
        t.add(`FAILURE ${o.message.split('\n')[0]}`);
        fail(`DDI sequence (seed ${seed + chunk}): ${o.message}`, `${describeScenario(sc)}\nreplay: --replay-sequence '${JSON.stringify(sc)}'`);
      } else if (o.kind === 'bugcheck') t.add(`bug check 0x${o.code.toString(16)} ${o.name}${o.code === 0xc4 || o.code === 0xc7 || o.code === 0x133 ? ` / 0x${o.params[0]!.toString(16)}` : ''}`);
      else if (o.kind === 'clean') t.add('clean');
      else t.add(`${o.kind}: ${o.message.replace(/\b[0-9a-f]{8}\b/g, 'X').slice(0, 100)}`);
    }
    done += batch.length;
    if (done % 1000 === 0 || done === n) console.error(`sequences: ${done}/${n} (${((Date.now() - start) / 1000).toFixed(0)} s)`);
  }
  t.print('DDI sequences', Date.now() - start);
}

async function images(n: number): Promise<void> {
  const t = new Tally();
  const start = Date.now();
  const paths = sampleImages();
  const bytes = paths.map(readSample);
  const runner = new ImageRunner(60_000);
  for (let done = 0, chunk = 0; done < n && Date.now() - start < budgetMs; chunk++) {
    const batch = fc.sample(imageMutationArb(paths.length), { numRuns: Math.min(CHUNK, n - done), seed: seed + chunk });
    for (const m of batch) {
      const o = await runner.load(mutate(bytes[m.image]!, m.mutations));
      if (o.kind === 'failure' || o.kind === 'host-hang') {
        t.add(`FAILURE ${o.kind}: ${o.message.replace(/\/\S+\//g, '').slice(0, 120)}`);
        fail(`mutated image (seed ${seed + chunk}): ${o.message}`, `${paths[m.image]} ${JSON.stringify(m.mutations)}\nreplay: --replay-image '${JSON.stringify(m)}'`);
      } else if (o.kind === 'load-error') t.add(`load error: ${o.message.replace(/^.*?\.wasm:? ?/, '').replace(/0x[0-9a-f]+|\d+/g, 'N').slice(0, 70)}`);
      else if (o.kind === 'bugcheck') t.add(`bug check 0x${o.code.toString(16)}`);
      else t.add(o.kind);
    }
    done += batch.length;
    if (done % 1000 === 0 || done === n) console.error(`images: ${done}/${n} (${((Date.now() - start) / 1000).toFixed(0)} s)`);
  }
  await runner.close();
  t.print('mutated wasm images', Date.now() - start);
}

async function argvs(n: number): Promise<void> {
  const t = new Tally();
  const start = Date.now();
  const scratch = await makeScratch();
  const all = fc.sample(argvArb, { numRuns: n, seed });
  for (let i = 0; i < all.length; i += 2) {
    for (const r of await Promise.all(all.slice(i, i + 2).map((p) => runDv(argvOf(p, scratch), scratch.dir, 120_000)))) {
      const v = violation(r);
      if (v) {
        t.add(`FAILURE ${v}`);
        fail(`argv: ${v}`, `${JSON.stringify(r.argv)}\n${r.stderr.slice(0, 2000)}`);
      } else t.add(`exit ${r.status}`);
    }
  }
  rmSync(scratch.dir, { recursive: true, force: true });
  t.print('dv argv', Date.now() - start);
}

if (values['replay-sequence']) {
  const sc = JSON.parse(values['replay-sequence']) as Scenario;
  console.log(describeScenario(sc));
  console.log(await runScenario(sc));
} else if (values['replay-image']) {
  const m = JSON.parse(values['replay-image']) as ImageMutation;
  const runner = new ImageRunner(60_000);
  console.log(await runner.load(mutate(readSample(sampleImages()[m.image]!), m.mutations)));
  await runner.close();
} else {
  console.log(`fuzz:self seed ${seed}: ${values.sequences} DDI sequences, ${values.images} images, ${values.argv} argv`);
  if (Number(values.sequences) > 0) await sequences(Number(values.sequences));
  if (Number(values.images) > 0) await images(Number(values.images));
  if (Number(values.argv) > 0) await argvs(Number(values.argv));
  console.log(`\n${failures} failure(s)`);
  process.exitCode = failures === 0 ? 0 : 1;
}
