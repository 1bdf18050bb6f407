/**
 * Mutated crash dumps for the property tests and `npm run fuzz:dumps`: a real dump of the demo
 * scenario, changed in one field (or a few) and put back in a valid container with its checksums
 * recomputed, so only the schema and the checks after it stand between the change and the debugger.
 *
 * - `brokenDump`: a change that makes the dump wrong (a field removed, retyped, out of range, an
 *   array element or tuple broken, two fields that contradict each other). It names the path that
 *   the error must name.
 * - `oddDump`: changes that keep every value in range but odd (empty arrays, zero and all-ones
 *   addresses, unknown modules, null sections, strange strings). Most validate; the debugger must
 *   then answer every command with text.
 * - byte flips and truncations of the file itself.
 */
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { dumpContainer, fieldName, serializeDump } from '../../src/debugger/dump.ts';
import { COMMANDS } from '../../src/debugger/engine.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { driver } from '../helpers.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = (string | number)[];

/** The demo scenario's dump (0xC4/0x62 with three leaks), as the JSON a file holds. */
export async function demoDumpJson(): Promise<Json> {
  const { dump } = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
  return JSON.parse(JSON.stringify(dump)) as Json;
}

/** A dump file whose container is valid (checksums recomputed) around this JSON. */
export const dumpFile = (json: unknown): Buffer => dumpContainer(gzipSync(Buffer.from(JSON.stringify(json))));

export const demoDumpFile = async (): Promise<Buffer> => serializeDump(JSON.parse(JSON.stringify(await demoDumpJson())));

/** `modules[*].symbols.functions[*].start`: a path with its indices wildcarded, to pick fields evenly. */
export const shapeOf = (path: Path): string => path.map((p, i) => (typeof p === 'number' ? '[*]' : i === 0 ? p : `.${p}`)).join('');

// Every field the schema lets a dump leave out (src/debugger/dump-schema.ts `.optional()`): removing one is no damage.
const OPTIONAL = new Set([
  'context.exception',
  'context.culprit',
  'context.culprit.address',
  'context.hang',
  'context.memoryAccess',
  'context.memoryAccess.block',
  'breakIn',
  'modules[*].path',
  'modules[*].kasan',
  'modules[*].symbols.inlines',
  'modules[*].symbols.locals',
  'context.frameBases',
  'trace',
  'trace.records[*].file',
  'trace.records[*].line',
  'trace.records[*].func',
  'trace.records[*].level',
  'trace.records[*].flags',
  'verifier.faults',
  'wdf.clients[*].devices[*].executionLevel',
  'wdf.clients[*].devices[*].synchronizationScope',
  'wdf.clients[*].devices[*].pnp',
  'verifier.deadlock',
  'verifier.irqlLog',
  'devices',
  'zeroPages',
  'kernel',
  'wdf',
  'recorder',
  'recorder.logs[*].records[*].file',
  'recorder.logs[*].records[*].line',
  'recorder.logs[*].records[*].func',
  'recorder.logs[*].records[*].level',
  'recorder.logs[*].records[*].flags',
  'wdf.clients[*].requests[*].target',
  'wdf.clients[*].requests[*].created',
]);
/** Numbers any integer is right for (a signed count; a time with no upper bound): no value of `range` is wrong for them. */
const UNBOUNDED = new Set(['system.time', 'kernel.timers[*].due', 'kernel.threads[*].kernelApcDisable', 'kernel.threads[*].specialApcDisable']);
const NULLABLE = new Set(['bugCheck', 'context', 'verifier', 'breakIn']);
const TUPLES = new Set(['bugCheck.params', 'breakIn.params', 'memory[*]', 'zeroPages[*]']);
/** Strings with a closed set of values, and the wrong value for each. */
const CLOSED_STRINGS: Record<string, string> = {
  format: 'minidump',
  'verifier.drivers[*].allocations[*].kind': 'lookaside',
  'verifier.drivers[*].state': 'Paused',
  'verifier.log.records[*].kind': 'realloc',
  'memory[*][*]': 'not a page',
  'modules[*].name': '',
  'kernel.processes[*].state': 'zombie',
  'kernel.threads[*].state': 'sleeping',
};

function walk(v: Json, at: Path, out: Path[]): void {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k]!, [...at, k], out);
}

/** Every path of a JSON value (the root excluded), grouped by shape. */
export function fieldsByShape(json: Json): Map<string, Path[]> {
  const all: Path[] = [];
  walk(json, [], all);
  const by = new Map<string, Path[]>();
  for (const p of all.slice(1)) {
    const s = shapeOf(p);
    if (!by.has(s)) by.set(s, []);
    by.get(s)!.push(p);
  }
  return by;
}

export function get(json: Json, path: Path): Json | undefined {
  let v: Json | undefined = json;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, Json>)[p] : undefined;
  return v;
}

const typeOf = (v: Json | undefined) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A copy of `json` with the value at `path` replaced (or removed when `value` is undefined). */
export function set(json: Json, path: Path, value: Json | undefined): Json {
  const copy = structuredClone(json);
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else (parent as Record<string | number, Json>)[key] = value;
  return copy;
}

type Filter = (shape: string, value: Json | undefined) => boolean;

/**
 * The field `s` picks among the shapes with a field that passes the filter, then `i` among those
 * fields. (Fields of one shape may differ: `memory[*][*]` is an address or a page.)
 */
function pickField(json: Json, shapes: readonly [string, Path[]][], filter: Filter, s: number, i: number): Path | undefined {
  const fitting = shapes.map(([shape, paths]) => paths.filter((p) => filter(shape, get(json, p)))).filter((paths) => paths.length > 0);
  if (fitting.length === 0) return undefined;
  const paths = fitting[s % fitting.length]!;
  return paths[i % paths.length]!;
}

export interface Mutation {
  readonly what: string;
  readonly path: Path;
  readonly json: Json;
}

/** fast-check prints a counterexample with this: the change, not the whole dump. */
const mutation = (what: string, path: Path, json: Json): Mutation => Object.assign({ what, path, json }, { [fc.toStringMethod]: () => what });
const describe = (what: string, path: Path, json: Json): Mutation => mutation(`${what} at ${fieldName(path)}`, path, json);

/**
 * One change that makes the dump wrong, chosen by three numbers (so fast-check can shrink them):
 * which kind of change, which field shape, which instance of it. The mutation's `path` is the
 * field the error must name (or a prefix of it).
 */
export function brokenDump(base: Json): fc.Arbitrary<Mutation> {
  const shapes = [...fieldsByShape(base)];
  const kinds = ['remove', 'retype', 'range', 'closed string', 'tuple length', 'contradiction'] as const;
  return fc.tuple(fc.nat(kinds.length - 1), fc.nat(), fc.nat(), fc.nat(4)).map(([k, s, i, v]) => {
    const pick = (filter: Filter): Path => pickField(base, shapes, filter, s, i)!;
    const kind = kinds[k]!;
    switch (kind) {
      case 'remove': {
        const path = pick((shape, _v) => !OPTIONAL.has(shape) && !/\]$/.test(shape));
        return describe('removed', path, set(base, path, undefined));
      }
      case 'retype': {
        const path = pick(() => true);
        const others = ([7, 'x', true, [], {}] as Json[]).filter((x) => typeOf(x) !== typeOf(get(base, path)));
        const value = others[v % others.length]!;
        return describe(`retyped to ${JSON.stringify(value)}`, path, set(base, path, value));
      }
      case 'range': {
        const path = pick((shape, value) => typeof value === 'number' && !UNBOUNDED.has(shape));
        const value = [-1, 0.5, 2 ** 32, -(2 ** 31), 1.25][v]!;
        return describe(`set to ${value}`, path, set(base, path, value));
      }
      case 'closed string': {
        const path = pick((shape) => shape in CLOSED_STRINGS);
        const value = CLOSED_STRINGS[shapeOf(path)]!;
        return describe(`set to ${JSON.stringify(value)}`, path, set(base, path, value));
      }
      case 'tuple length': {
        const path = pick((shape) => TUPLES.has(shape) && shape !== 'breakIn.params');
        const tuple = get(base, path) as Json[];
        const value = v % 2 === 0 ? tuple.slice(0, -1) : [...tuple, 0];
        return describe(`given ${value.length} elements`, path, set(base, path, value));
      }
      case 'contradiction':
        return contradiction(base, v, i);
    }
  });
}

/** Values that are each in range but contradict another field the debugger relies on. */
function contradiction(base: Json, which: number, i: number): Mutation {
  const modules = get(base, ['modules']) as Json[];
  const m = i % modules.length;
  const fns = get(base, ['modules', m, 'symbols', 'functions']) as Json[];
  switch (which) {
    case 0:
      return describe('grown past 4 GB', ['modules', m, 'size'], set(base, ['modules', m, 'size'], 0xffffffff));
    case 1: {
      const j = 1 + (i % (fns.length - 1));
      return describe('moved below the previous function', ['modules', m, 'symbols', 'functions', j, 'start'], set(base, ['modules', m, 'symbols', 'functions', j, 'start'], 0));
    }
    case 2: {
      // The nt module has no line rows: use the driver's.
      const d = modules.findIndex((_, k) => (get(base, ['modules', k, 'symbols', 'lines']) as Json[]).length > 0);
      const rows = get(base, ['modules', d, 'symbols', 'lines']) as Json[];
      const j = i % rows.length;
      const path = ['modules', d, 'symbols', 'lines', j, 'file'];
      return describe('pointed past the source files', path, set(base, path, (get(base, ['modules', d, 'symbols', 'files']) as Json[]).length));
    }
    case 3:
      return describe('set to a processor the machine lacks', ['context', 'processor'], set(base, ['context', 'processor'], get(base, ['system', 'processors'])!));
    default: {
      const path = ['memory', i % (get(base, ['memory']) as Json[]).length, 0];
      return describe('moved off a page boundary', path, set(base, path, (get(base, path) as number) + 8));
    }
  }
}

const ODD_STRINGS = ['', 'Ghost', 'Ghost.sys', '\u2028 line\u2029 separators', '%s%n{0}', 'x'.repeat(300)];
const ODD_NUMBERS = [0, 1, 0xffffffff, 0x80000000, 0xfff, 0x1000, 31];

/**
 * One to four changes that keep values in range but make the dump odd. Some of them contradict a
 * field the validator cross-checks (an odd module size, an unsorted symbol); the validator turns
 * those away, and the rest must validate and be read without an exception.
 */
export function oddDump(base: Json): fc.Arbitrary<Mutation> {
  const change = fc.tuple(fc.nat(7), fc.nat(), fc.nat(), fc.nat(ODD_NUMBERS.length + ODD_STRINGS.length));
  return fc.array(change, { minLength: 1, maxLength: 4 }).map((changes) => {
    let json = base;
    const what: string[] = [];
    for (const [k, s, i, v] of changes) {
      const shapes = [...fieldsByShape(json)];
      const pick = (filter: Filter) => pickField(json, shapes, filter, s, i);
      let path: Path | undefined;
      let value: Json | undefined;
      switch (k) {
        case 0: // an in-range number: zero, all ones, a page boundary...
          path = pick((shape, x) => typeof x === 'number' && shape !== 'version');
          value = ODD_NUMBERS[v % ODD_NUMBERS.length]!;
          break;
        case 1: // an empty array
          path = pick((shape, x) => Array.isArray(x) && !TUPLES.has(shape));
          value = [];
          break;
        case 2: // an odd string where any string goes
          path = pick((shape, x) => typeof x === 'string' && !(shape in CLOSED_STRINGS));
          value = ODD_STRINGS[v % ODD_STRINGS.length]!;
          break;
        case 3: // a whole section absent: null where it may be null, removed where it may be missing
          path = pick((shape) => NULLABLE.has(shape) || OPTIONAL.has(shape));
          value = path && NULLABLE.has(shapeOf(path)) && !(OPTIONAL.has(shapeOf(path)) && v % 2 === 1) ? null : undefined;
          break;
        case 4: // an array element duplicated
          path = pick((shape, x) => Array.isArray(x) && x.length > 0 && !TUPLES.has(shape));
          if (path) value = [...(get(json, path) as Json[]), (get(json, path) as Json[])[i % (get(json, path) as Json[]).length]!];
          break;
        case 5: // a culprit in a module nobody loaded
          path = ['context', 'culprit'];
          value = get(json, ['context']) ? { module: ODD_STRINGS[v % ODD_STRINGS.length]!, address: ODD_NUMBERS[i % ODD_NUMBERS.length]! } : undefined;
          if (value === undefined) path = undefined;
          break;
        case 6: // a forced dump of a hang
          path = get(json, ['context']) ? ['context', 'hang'] : undefined;
          value = { reason: ODD_STRINGS[v % ODD_STRINGS.length]! };
          break;
        default: // a debugger break instead of a bug check
          path = ['breakIn'];
          value = { code: 0xc4, params: [0x115, ODD_NUMBERS[v % ODD_NUMBERS.length]!, 0, 0], message: [ODD_STRINGS[i % ODD_STRINGS.length]!] };
          json = set(json, ['bugCheck'], null);
      }
      if (!path) continue;
      json = set(json, path, value);
      what.push(value === undefined ? `removed ${fieldName(path)}` : `${fieldName(path)} = ${JSON.stringify(value).slice(0, 60)}`);
    }
    return mutation(what.join('; ') || 'unchanged', [], json);
  });
}

/**
 * Every command in the table, with the arguments that reach each of its branches. Addresses come
 * from the dump, so `ln` and `!verifier 0x80` find what they look for on an unchanged one.
 */
export function commandLines(json: Json): string[] {
  const strings = (path: Path) => {
    const v = get(json, path);
    return typeof v === 'string' ? [v] : [];
  };
  const numbers = (path: Path) => {
    const v = get(json, path);
    return typeof v === 'number' ? [v.toString(16)] : [];
  };
  const driverName = get(json, ['verifier', 'drivers', 0, 'imageName']);
  const lines = [
    '!analyze',
    '!analyze -v',
    '!verifier',
    '!verifier 0',
    '!verifier 1',
    '!verifier 3',
    '!verifier 0xff',
    '!verifier 8',
    '!verifier ?',
    '!verifier 3 Ghost.sys',
    ...(typeof driverName === 'string' ? [`!verifier 3 ${driverName}`] : []),
    '!deadlock',
    '!deadlock 1',
    '!deadlock 7',
    '!verifier 0x80',
    '!verifier 0x80 1',
    '!verifier 0x80 ffffffff',
    ...numbers(['verifier', 'drivers', 0, 'allocations', 0, 'address']).map((a) => `!verifier 0x80 ${a}`),
    '!ruleinfo',
    '!ruleinfo 0x20005 1 2',
    '!ruleinfo 62',
    ...numbers(['bugCheck', 'params', 0]).map((p) => `!ruleinfo ${p}`),
    'ln 0',
    'ln ffffffff',
    ...numbers(['context', 'stack', 0]).map((a) => `ln ${a}`),
    ...numbers(['verifier', 'drivers', 0, 'allocations', 0, 'caller']).map((a) => `ln ${a}`),
    ...numbers(['modules', 1, 'base']).map((a) => `ln ${a}`),
    'lm',
    'k',
    '.bugcheck',
    // The device commands, on the dump's own devices and drivers and on addresses that are none.
    '!devnode 0 1',
    '!devnode 0',
    '!devnode 1',
    ...numbers(['devices', 'nodes', 0, 'address']).map((a) => `!devnode ${a} 1`),
    ...numbers(['devices', 'names', 0, 'address']).flatMap((a) => [`!devobj ${a}`, `!devstack ${a}`, `!irp ${a}`]),
    ...numbers(['devices', 'drivers', 0]).flatMap((a) => [`!drvobj ${a} 7`, `!devobj ${a}`]),
    '!drvobj MyDriver 3',
    '!devobj 0',
    '!irp 0 1',
    '!devstack ffffffff',
    // Memory, types and pool: on the dump's own blocks and threads, on addresses it does not hold, on symbols.
    ...numbers(['context', 'thread']).flatMap((a) => [`db ${a}`, `dw ${a} L4`, `dd ${a}`, `dq ${a} L3`, `dp ${a}`, `dps ${a} L8`, `da ${a}`, `du ${a}`, `!pool ${a}`, `!pool ${a} 2`, `dt nt!_IRP ${a} -r`, `!thread ${a}`, `!process ${a}`]),
    ...numbers(['verifier', 'drivers', 0, 'allocations', 0, 'address']).flatMap((a) => [`!pool ${a}`, `db ${a} L20`, `dps ${a}`]),
    ...numbers(['modules', 1, 'base']).flatMap((a) => [`da ${a}`, `dps ${a} L4`, `lsa ${a}`]),
    'db 0',
    'db ffffffff L10',
    'dd 0 L1',
    'dt _DEVICE_OBJECT',
    'dt _NOSUCH',
    'dt',
    '!pool 0',
    '!poolused',
    '!poolused 2',
    '!poolused 4 Thr?',
    'x nt!KeBug*',
    'x MyDriver!*',
    'x Ghost!*',
    // Threads, processors, time.
    '!irql',
    '!irql 1f',
    '!pcr',
    '!thread',
    '!thread 0',
    '!process 0 0',
    '!process 0 6',
    '!stacks',
    '!dpcs',
    '!timer',
    '!wmitrace.logdump',
    '!wmitrace.logdump -t 2 1',
    '!wmitrace.logdump 5',
    'vertarget',
    '.time',
    '!analyze -show c4 62',
    // Source.
    '.lines -e',
    'k',
    '.frame 1',
    'lsa .',
    'lsa MyDriver!DriverEntry',
    '.frame 99',
    'dv',
    'dv /t /v /i',
    'dv /x',
    'dv Irp*',
    '.lines',
    // The KMDF commands: on the dump's own clients and objects (when a KMDF driver ran), and on none.
    '!wdfkd.wdfdriverinfo',
    '!wdfkd.wdfdriverinfo Ghost.sys 0x231',
    '!wdfkd.wdfldr',
    '!wdfkd.wdflogdump',
    '!wdfkd.wdflogdump -a 0',
    '!wdfkd.wdfdevice 0',
    '!wdfkd.wdfqueue 0',
    '!wdfkd.wdfrequest 0',
    '!wdfkd.wdfhandle 0 10',
    '!wdfkd.wdfobject 0',
    ...numbers(['wdf', 'clients', 0, 'ifr']).map((a) => `!wdfkd.wdflogdump -a ${a}`),
    ...numbers(['wdf', 'clients', 0, 'driver']).flatMap((a) => [`!wdfkd.wdfhandle ${a} 10`, `!wdfkd.wdfdevice ${a}`]),
    ...numbers(['wdf', 'clients', 0, 'objects', 0, 'address']).map((a) => `!wdfkd.wdfobject ${a}`),
    ...numbers(['wdf', 'clients', 0, 'devices', 0, 'handle']).flatMap((a) => [`!wdfkd.wdfdevice ${a} 10`, `!wdfkd.wdfdevice ${a} f`, `!wdfkd.wdfdevicequeues ${a}`]),
    '!wdfkd.wdfdevicequeues 0',
    ...numbers(['wdf', 'clients', 0, 'queues', 0, 'handle']).map((a) => `!wdfkd.wdfqueue ${a}`),
    ...numbers(['wdf', 'clients', 0, 'requests', 0, 'handle']).map((a) => `!wdfkd.wdfrequest ${a}`),
    // The WPP recorder's logs (when a driver started one), and a driver with none.
    '!rcdrkd.rcdrloglist',
    '!rcdrkd.rcdrloglist Ghost.sys',
    '!rcdrkd.rcdrlogdump Ghost',
    '!rcdrkd.rcdrlogdump',
    ...strings(['recorder', 'logs', 0, 'driver']).map((d) => `!rcdrkd.rcdrlogdump ${d}`),
    ...strings(['recorder', 'logs', 0, 'driver']).flatMap((d) => numbers(['recorder', 'logs', 0, 'address']).map((a) => `!rcdrkd.rcdrlogdump ${d} -a ${a}`)),
    'help',
    '.help dt',
  ];
  // Every command of the table is in the list: a new command joins the property by being added here.
  for (const c of COMMANDS) {
    if (!lines.some((l) => l.split(' ')[0] === c.name)) throw new Error(`commandLines() does not exercise ${c.name}`);
  }
  return lines;
}

/** A file with one byte changed (xor with 1..255) at a position. */
export function flipByte(file: Buffer, at: number, xor: number): Buffer {
  const copy = Buffer.from(file);
  copy[at % copy.length] ^= 1 + (xor % 255);
  return copy;
}
