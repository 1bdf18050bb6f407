/**
 * `npm run docs:schemas`: writes the JSON Schemas of what users write and read, from their one zod definition
 * each: docs/scenario.schema.json (scenario files) and docs/run.schema.json (`dv run --json`). A test keeps them current.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scenarioJsonSchema } from '../system/scenario/schema.ts';
import { runJsonSchemaDocument } from './run-json.ts';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

/** Each schema file and its text as the definitions give it now. */
export const SCHEMA_FILES: ReadonlyArray<{ readonly file: string; readonly text: () => string }> = [
  { file: join(DOCS, 'scenario.schema.json'), text: () => JSON.stringify(scenarioJsonSchema(), null, 2) + '\n' },
  { file: join(DOCS, 'run.schema.json'), text: () => JSON.stringify(runJsonSchemaDocument(), null, 2) + '\n' },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const s of SCHEMA_FILES) {
    writeFileSync(s.file, s.text());
    process.stdout.write(`wrote ${s.file}\n`);
  }
}
