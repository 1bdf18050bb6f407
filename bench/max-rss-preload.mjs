// Preloaded with `node --import` by e2e.ts when /usr/bin/time is missing: at exit, write this
// process's peak resident set size (KiB, as /usr/bin/time's %M) to $DV_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.DV_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
