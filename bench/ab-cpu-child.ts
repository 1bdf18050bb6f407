/**
 * `node ab-cpu-child.mjs CONFIG IOCTLS ROUNDS` (bundled into each tree by ab-cpu.ts): figure 2's
 * request in one configuration (`off`, `standard`, `c-off`, `c-standard`), timed in CPU ns per IOCTL
 * (process.cpuUsage), the least of ROUNDS rounds after one of warm-up. Uses only what every tree of
 * issue 13 has (bench/machine.ts, drivers/Echo.ts, c-drivers.ts), so it runs against older sources.
 */
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { builtCDriver } from './c-drivers.ts';
import { IOCTL_ECHO } from './drivers/Echo.ts';
import { openBenchDriver } from './machine.ts';

const [config = '', countText = '', roundsText = ''] = process.argv.slice(2);
const n = Number(countText);
const rounds = Number(roundsText);
if (!/^(c-)?(off|standard)$/.test(config) || !(n > 0) || !(rounds > 0)) throw new Error('usage: ab-cpu-child CONFIG IOCTLS ROUNDS');
const d = await openBenchDriver(config.startsWith('c-') ? builtCDriver('Echo') : 'Echo.ts', '\\Device\\Echo', config.endsWith('standard') ? STANDARD_FLAGS : undefined);
const input = new Uint8Array(64).map((_, i) => i);
let best = Infinity;
for (let r = 0; r <= rounds; r++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) d.ioctl(IOCTL_ECHO, input, 64);
  const t = process.cpuUsage(t0);
  if (r > 0) best = Math.min(best, ((t.user + t.system) * 1000) / n);
}
console.log(JSON.stringify({ ns: best }));
