/**
 * `node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP] [--by-file]`: self time by
 * function (or by source file) of a V8 CPU profile (from `node --cpu-prof`), the heaviest first, as a
 * share of all samples. V8 attributes the time of callees it inlined to their caller, so a small
 * function can vanish into a big one; builtins (Map.prototype.set, TypedArray fill) and the garbage
 * collector show as entries of their own.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const byFile = args.includes('--by-file');
const [file, topText] = args.filter((a) => a !== '--by-file');
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [TOP] [--by-file]');
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
p.samples.forEach((id, i) => {
  const f = byId.get(id)!.callFrame;
  // File only: line numbers are those of tsx's transpiled output.
  const where = f.url ? relative(process.cwd(), f.url.replace(/^file:\/\//, '').replace(/\?.*$/, '')) : '';
  const key = byFile ? where || f.functionName || '(native)' : `${f.functionName || '(anonymous)'}  ${where}`.trim();
  const dt = p.timeDeltas[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topText ?? 25));
for (const [key, us] of rows) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
console.log(`total ${(total / 1000).toFixed(0)} ms`);
