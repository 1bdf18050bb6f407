/** `npm run docs:ddi`: regenerate docs/ddi-support.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { renderDdiSupport } from './ddi-docs.ts';
import { readDdiPrototypes } from './headers.ts';
import { ddisBySubsystem } from './kernel-ddis.ts';
import { DDI_SUPPORT_DOC } from './paths.ts';

mkdirSync(dirname(DDI_SUPPORT_DOC), { recursive: true });
writeFileSync(DDI_SUPPORT_DOC, renderDdiSupport(await ddisBySubsystem(), readDdiPrototypes()));
process.stdout.write(`wrote ${relative(process.cwd(), DDI_SUPPORT_DOC)}\n`);
