#!/usr/bin/env node
// The dv command. It runs the compiled bundle that `npm install` builds (npm's prepare) while that is up
// to date with src/; otherwise, or with DV_SOURCES=1 (the tests set it), the TypeScript sources through tsx,
// so an edit is never run stale and a clone without the build still works.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBundle } from './dist-fresh.js';

const bundle = process.env.DV_SOURCES === '1' ? undefined : freshBundle(fileURLToPath(new URL('../', import.meta.url)));
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
