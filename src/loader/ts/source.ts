/**
 * A TypeScript driver's source as the loader reads it: transpiled by esbuild (which owns the source
 * map back to the TypeScript text), then walked once for its functions, the DDIs it imports, the
 * call sites to instrument, and what a driver may not do (reach a host global, import a package).
 */
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { parse } from 'acorn';
import { SimulatorError } from '../../kernel/errors.ts';
import { esbuild } from './esbuild.ts';
import { HOST_NAME_MARKERS, hostNameMessage, hostNameOfMarker } from './host-globals.ts';

export interface SourceInfo {
  /** Functions with their [start, end) offsets in the TypeScript source. */
  readonly functions: Array<{ name: string; start: number; end: number }>;
  readonly imports: string[];
  /** The relative specifiers of its static imports and re-exports (its own files and the DDK). */
  readonly modules: string[];
  readonly lineStarts: readonly number[];
  /** Every call, throw and loop in the JavaScript, with the source offset it is attributed to. */
  readonly calls: CallSite[];
  /** What the driver may not do, at its source offset: the load refuses it. */
  readonly refusals: Refusal[];
}

export interface Refusal {
  readonly sourceOffset: number;
  readonly message: string;
}

/** A call expression of the transpiled JavaScript, located for instrumentation. */
export interface CallSite {
  readonly node: Node;
  /** Offset in the TypeScript source: the callee's name, where V8 and kd would point. */
  readonly sourceOffset: number;
}

export interface Transpiled {
  readonly js: string;
  readonly map: TraceMap;
}

export type Node = { type: string; start: number; end: number; loc?: { start: { line: number; column: number }; end: { line: number; column: number } }; [k: string]: unknown };

/** The driver's source cannot load as it is: the message names each place (`file(line): ...`). */
export class DriverSourceError extends SimulatorError {
  constructor(message: string) {
    super(message);
    this.name = 'DriverSourceError';
  }
}

/** Visit every node of an acorn tree, parents first, in source order. */
export function forEachNode(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v === 'object' && 'type' in v) forEachNode(v as Node, visit);
    } else if (value && typeof value === 'object' && 'type' in value) {
      forEachNode(value as unknown as Node, visit);
    }
  }
}

export const LOOPS = new Set(['WhileStatement', 'DoWhileStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement']);

/**
 * Strip the types with esbuild; the source map ties the JavaScript back to the TypeScript text.
 * Free references to host globals become marker identifiers (see host-globals.ts); a source
 * without any transpiles exactly as it would without the rewrite.
 */
export async function transpile(fileName: string, text: string): Promise<Transpiled> {
  const { transform } = esbuild();
  let out;
  try {
    // Asynchronous: the same esbuild service then bundles the driver (transformSync would start a second one, ~0.1 s).
    out = await transform(text, { loader: 'ts', format: 'esm', target: 'es2022', sourcemap: 'external', sourcefile: fileName, define: HOST_NAME_MARKERS });
  } catch (e) {
    throw new SimulatorError(`cannot compile driver ${fileName}: ${(e as Error).message}`);
  }
  return { js: out.code, map: new TraceMap(out.map) };
}

/** Offsets of the first character of each line. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** A specifier a driver may import: one of its own files (or the DDK's), never a package or a Node module. */
export const isRelativeSpecifier = (spec: string): boolean => spec.startsWith('./') || spec.startsWith('../');

export function importRefusal(spec: string): string {
  return `import of '${spec}' is not available to a driver: a driver may import only its own files and the DDK, by relative path`;
}

/** Functions and DDI imports of a driver, from the syntax tree of its transpiled JavaScript. */
export function analyzeSource(text: string, t: Transpiled): SourceInfo {
  const lineStarts = lineStartsOf(text);
  const original = (p: { line: number; column: number }, bias: typeof GREATEST_LOWER_BOUND | typeof LEAST_UPPER_BOUND): number | undefined => {
    const o = originalPositionFor(t.map, { line: p.line, column: p.column, bias });
    return o.line === null ? undefined : lineStarts[o.line - 1]! + o.column;
  };
  const tree = parse(t.js, { ecmaVersion: 'latest', sourceType: 'module', locations: true }) as unknown as Node;
  const functions: SourceInfo['functions'] = [];
  const apiNames = new Set<string>(['ddi']);
  const imports = new Set<string>();
  const modules = new Set<string>();
  const calls: CallSite[] = [];
  const refusals: Refusal[] = [];
  const refuse = (node: Node, message: string) => refusals.push({ sourceOffset: original(node.loc!.start, LEAST_UPPER_BOUND) ?? 0, message });
  const addFunction = (name: string, node: Node) => {
    const start = original(node.loc!.start, LEAST_UPPER_BOUND);
    const end = original(node.loc!.end, GREATEST_LOWER_BOUND);
    if (start !== undefined) functions.push({ name, start, end: Math.max(end ?? start, start + 1) });
  };
  const visit = (node: Node): void => {
    if (node.type === 'FunctionDeclaration' && node.id) {
      const name = (node.id as Node & { name: string }).name;
      addFunction(name, node);
      const third = (node.params as Node[])[2] as (Node & { name?: string }) | undefined;
      if (name === 'DriverEntry' && third?.type === 'Identifier') apiNames.add(third.name!);
    } else if (node.type === 'VariableDeclarator' && (node.id as Node).type === 'Identifier' && node.init && ['ArrowFunctionExpression', 'FunctionExpression'].includes((node.init as Node).type)) {
      addFunction((node.id as Node & { name: string }).name, node);
    } else if (node.type === 'CallExpression' && !node.optional && (node.callee as Node).type !== 'Super') {
      const callee = node.callee as Node;
      const named = callee.type === 'MemberExpression' ? (callee.property as Node) : callee;
      const at = original(named.loc!.start, LEAST_UPPER_BOUND);
      if (at !== undefined) calls.push({ node, sourceOffset: at });
    }
    if (node.type === 'ThrowStatement' || LOOPS.has(node.type)) {
      const at = original(node.loc!.start, LEAST_UPPER_BOUND);
      if (at !== undefined) calls.push({ node, sourceOffset: at });
    }
    if (node.type === 'MemberExpression' && !node.computed) {
      const object = node.object as Node & { name?: string };
      const property = node.property as Node & { name?: string };
      if (object.type === 'Identifier' && apiNames.has(object.name!) && /^[A-Z]/.test(property.name ?? '')) imports.add(property.name!);
    }
    // What a driver may not reach: the host (a marker left by transpile), packages, dynamic loading.
    if (node.type === 'Identifier') {
      const host = hostNameOfMarker((node as Node & { name: string }).name);
      if (host !== undefined) refuse(node, hostNameMessage(host));
    } else if (node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration' || (node.type === 'ExportNamedDeclaration' && node.source)) {
      const spec = String((node.source as Node & { value: unknown }).value);
      if (!isRelativeSpecifier(spec)) refuse(node, importRefusal(spec));
      else modules.add(spec);
    } else if (node.type === 'ImportExpression') {
      refuse(node, 'import() is not available to a driver: a driver imports its files statically');
    } else if (node.type === 'MetaProperty' && (node.meta as Node & { name: string }).name === 'import') {
      refuse(node, 'import.meta is not available to a driver: a driver may use only the DDI table');
    }
  };
  forEachNode(tree, visit);
  functions.sort((a, b) => a.start - b.start);
  refusals.sort((a, b) => a.sourceOffset - b.sourceOffset);
  return { functions, imports: [...imports].sort(), modules: [...modules], lineStarts, calls, refusals };
}

/** 1-based line of a source offset. */
export function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
