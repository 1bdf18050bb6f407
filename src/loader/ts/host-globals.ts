/**
 * What a TypeScript driver cannot reach. It runs in a vm context holding the ECMAScript built-ins
 * and nothing of Node; its only way to the machine is the DDI table DriverEntry receives. One list
 * serves both sides: the load-time check refuses a free reference to any name here, naming the
 * line, and the context deletes the built-ins among them, so what slips past the check (a computed
 * `globalThis[...]`) is a TypeError in driver code: the driver's own bug check.
 */

/** Node's globals and the web APIs Node adds: none of them exists in a driver's context. */
const NODE_GLOBALS = [
  'process', 'global', 'require', 'module', 'exports', '__filename', '__dirname', 'Buffer',
  'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask',
  'structuredClone', 'fetch', 'Request', 'Response', 'Headers', 'FormData', 'WebSocket', 'navigator',
  'crypto', 'Crypto', 'CryptoKey', 'SubtleCrypto', 'performance', 'Performance', 'PerformanceObserver',
  'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'TextEncoderStream', 'TextDecoderStream', 'atob', 'btoa',
  'AbortController', 'AbortSignal', 'Event', 'EventTarget', 'CustomEvent', 'DOMException',
  'MessageChannel', 'MessagePort', 'MessageEvent', 'BroadcastChannel', 'Blob', 'File',
  'ReadableStream', 'WritableStream', 'TransformStream', 'CompressionStream', 'DecompressionStream',
] as const;

/**
 * ECMAScript built-ins deleted from a driver's context: the clock, the locale (Intl formats the
 * current time), code that escapes the loader's instrumentation (eval, WebAssembly), a wait that
 * blocks the host thread (Atomics.wait), callbacks run by the garbage collector (WeakRef,
 * FinalizationRegistry), and V8's console, which prints nowhere without an inspector.
 */
export const REMOVED_BUILTINS = ['Date', 'Intl', 'eval', 'WebAssembly', 'Atomics', 'SharedArrayBuffer', 'WeakRef', 'FinalizationRegistry', 'console'] as const;

/** Members deleted from built-ins that stay: randomness breaks a deterministic machine. */
export const REMOVED_MEMBERS = [['Math', 'random']] as const;

/** What the DDI table offers instead, where it has one. */
const INSTEAD: Readonly<Record<string, string>> = {
  console: 'DbgPrint',
  Date: 'KeQuerySystemTime',
  setTimeout: 'KeSetTimer',
  setInterval: 'KeSetTimerEx',
  setImmediate: 'IoQueueWorkItem',
  queueMicrotask: 'IoQueueWorkItem',
};

/** Every name refused at load: `Math.random` is a dotted member. */
export const HOST_NAMES: readonly string[] = [...NODE_GLOBALS, ...REMOVED_BUILTINS, ...REMOVED_MEMBERS.map((m) => m.join('.'))];

/**
 * esbuild's `define` rewrites only free references (never a local of the same name) to a marker
 * identifier, keeping the source position: the check finds markers instead of redoing scope analysis.
 * `globalThis.process` is the same reference spelled out; only a computed name gets past.
 */
const MARKER_PREFIX = '__dv_host_';
const markerOf = (name: string) => MARKER_PREFIX + name.replace('.', '$');
export const HOST_NAME_MARKERS: Readonly<Record<string, string>> = Object.fromEntries(
  HOST_NAMES.flatMap((n) => [
    [n, markerOf(n)],
    [`globalThis.${n}`, markerOf(n)],
  ]),
);
const NAME_OF_MARKER = new Map(HOST_NAMES.map((name) => [markerOf(name), name]));

/** Whether JavaScript may hold a marker (a cheap test before looking for them in its syntax tree). */
export const mayHoldMarkers = (js: string): boolean => js.includes(MARKER_PREFIX);

/** The host name a marker identifier stands for, or undefined for any other identifier. */
export function hostNameOfMarker(identifier: string): string | undefined {
  return identifier.startsWith(MARKER_PREFIX) ? NAME_OF_MARKER.get(identifier) : undefined;
}

/** The refusal for a reference to `name`. */
export function hostNameMessage(name: string): string {
  const instead = INSTEAD[name];
  return `${name} is not available to a driver: a driver may use only the DDI table${instead ? ` (see ${instead})` : ''}`;
}
