/** `npm run docs:scenario`: writes docs/scenario.schema.json from the scenario schema (a test keeps it current). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scenarioJsonSchema } from './schema.ts';

export const SCENARIO_SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'scenario.schema.json');
export const scenarioSchemaText = () => JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(SCENARIO_SCHEMA_FILE, scenarioSchemaText());
  process.stdout.write(`wrote ${SCENARIO_SCHEMA_FILE}\n`);
}
