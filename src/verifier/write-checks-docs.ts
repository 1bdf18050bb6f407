/** `npm run docs:checks`: write docs/checks.md from the rule table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checksMarkdown } from './docs.ts';

export const CHECKS_DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'checks.md');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(dirname(CHECKS_DOC), { recursive: true });
  writeFileSync(CHECKS_DOC, checksMarkdown());
  process.stdout.write(`wrote ${CHECKS_DOC}\n`);
}
