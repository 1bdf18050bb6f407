/**
 * Reading a scenario file (YAML, or JSON, which is YAML too): a bad file is an error naming its line and
 * what is wrong there, as an editor would; nothing is guessed.
 */
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { SimulatorError } from '../../kernel/errors.ts';
import { scenarioSchema, type Scenario, type ScenarioStep } from './schema.ts';

export class ScenarioError extends SimulatorError {}

export interface LoadedScenario {
  readonly file: string;
  readonly scenario: Scenario;
  /** The line of each step in the file (1-based), for results and errors. */
  readonly stepLines: readonly number[];
}

/** The most specific message zod has for an issue (a union's branches say more than "invalid input"). */
function issueText(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // The branch that got furthest into the value: its first issue.
    const deepest = issue.errors.map((e) => e[0]).filter((e): e is z.core.$ZodIssue => e !== undefined).sort((a, b) => b.path.length - a.path.length)[0];
    if (deepest) {
      const inner = issueText(deepest);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  if (issue.code === 'unrecognized_keys') return { path: issue.path, message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}` };
  return { path: issue.path, message: issue.message };
}

export function parseScenario(text: string, file: string): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number) => lines.linePos(offset).line;
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ScenarioError(`${file}:${lineOf(e.pos[0])}: ${e.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  const r = scenarioSchema.safeParse(data);
  if (!r.success) {
    const { path, message } = issueText(r.error.issues[0]!);
    // The deepest node of the path that exists in the file says where.
    let line = 1;
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as Array<string | number>, true);
      if (isNode(node) && node.range) {
        line = lineOf(node.range[0]);
        break;
      }
    }
    const where = path.length ? ` (${path.join('.')})` : '';
    throw new ScenarioError(`${file}:${line}: ${message}${where}`);
  }
  const stepLines = r.data.steps.map((_s: ScenarioStep, i: number) => {
    const node = doc.getIn(['steps', i], true);
    return isNode(node) && node.range ? lineOf(node.range[0]) : 0;
  });
  return { file, scenario: r.data, stepLines };
}

export function readScenario(file: string): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(`cannot read the scenario ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseScenario(text, file);
}
