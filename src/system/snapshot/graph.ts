/**
 * A snapshot of a JavaScript object graph, restored IN PLACE: every object reachable from the roots
 * keeps its identity and gets back the properties, elements, entries or bytes it had.
 *
 * Why in place, and not a clone: the machine's code closes over its objects (every DDI closure holds
 * the Kernel, the verifier's thunks hold the Verifier, wasm imports hold both). A cloned graph would
 * be called by closures that still point at the old one. Restoring in place keeps every closure
 * right, and an object made after the snapshot simply stops being referenced.
 *
 * Why a structural snapshot and not an undo log: an undo log needs a hook at every write of every
 * subsystem (hundreds of files, other helpers' hot paths); the structural walk needs none, and costs
 * about a millisecond for a booted machine (about 3,000 objects), which the fuzzer pays once per
 * machine life of many inputs, not once per input (see src/fuzz/target.ts).
 *
 * What it treats as shared, never restored: functions (code; state they close over must live in
 * objects the walk reaches, or in WeakMaps: below), class prototypes, frozen objects' own slots,
 * WebAssembly modules and instances (their exported globals and tables are restored), and the
 * bytes of `external` buffers (the machine's 4 GiB memory: memory.ts restores that).
 *
 * WeakMaps cannot be enumerated, yet the kernel keeps per-machine side tables in them
 * (`WeakMap<Kernel, State>`). While a recorder is active, WeakMap.prototype.set and delete note
 * (map, key); the snapshot keeps each noted entry whose key is in the graph (its value joins the
 * walk), and the restore puts those entries back and deletes the ones set since.
 */
import { types } from 'node:util';

type Slots = Array<string | symbol | unknown>;

interface Record {
  readonly restore: () => void;
}

/** The (map, key) pairs noted while a recorder is active. */
class WeakLog {
  readonly entries = new Map<WeakMap<object, unknown>, Set<object>>();
  /**
   * Once the snapshot is taken, the only keys worth noting are its objects: a note holds its key, and other
   * machines (the fresh ones a finding is replayed on, hundreds while minimizing) must not be kept alive by it.
   */
  keysOf?: Set<object>;
  note(map: WeakMap<object, unknown>, key: object): void {
    if (this.keysOf && !this.keysOf.has(key)) return;
    let keys = this.entries.get(map);
    if (!keys) this.entries.set(map, (keys = new Set()));
    keys.add(key);
  }
}

const recorders = new Set<WeakLog>();
let patched = false;

/** Note every WeakMap write from now on (before the machine is built: its side tables are made at boot). */
function patchWeakMap(): void {
  if (patched) return;
  patched = true;
  const proto = WeakMap.prototype;
  const set = proto.set;
  const del = proto.delete;
  proto.set = function (this: WeakMap<object, unknown>, key: object, value: unknown) {
    for (const r of recorders) r.note(this, key);
    return set.call(this, key, value);
  };
  proto.delete = function (this: WeakMap<object, unknown>, key: object) {
    for (const r of recorders) r.note(this, key);
    return del.call(this, key);
  };
}

/**
 * Notes the WeakMap writes of a machine's life. Start it before the machine is built; `stop` it when
 * the machine is dropped (the notes hold their keys).
 */
export class GraphRecorder {
  readonly log = new WeakLog();
  constructor() {
    patchWeakMap();
    recorders.add(this.log);
  }
  stop(): void {
    recorders.delete(this.log);
    this.log.entries.clear();
    this.log.keysOf = undefined;
  }
}

/** Buffers whose bytes belong to someone else (the machine's memory): views over them are kept as they are. */
export interface GraphOptions {
  readonly external?: readonly ArrayBufferLike[];
}

export class GraphSnapshot {
  private readonly records: Record[] = [];
  /** The WeakMap entries the snapshot holds: restored to these values; others noted since on graph keys are deleted. */
  private readonly weak = new Map<WeakMap<object, unknown>, Map<object, unknown>>();
  private readonly seen = new Set<object>();
  /** Byte ranges already recorded, by buffer: two views of the same bytes (a Uint8Array and a Buffer over it) are restored once. */
  private readonly ranges = new Map<ArrayBufferLike, Set<string>>();
  /** Objects by constructor name, for tests and the bench (how big the graph is). */
  readonly objects: number;

  constructor(roots: readonly object[], private readonly recorder: GraphRecorder, options: GraphOptions = {}) {
    const external = new Set<ArrayBufferLike>(options.external ?? []);
    const stack: unknown[] = [...roots];
    const visit = (v: unknown) => {
      if (v !== null && (typeof v === 'object' || typeof v === 'function') && !this.seen.has(v)) stack.push(v);
    };
    const drain = () => {
      while (stack.length > 0) {
        const o = stack.pop() as object;
        if (this.seen.has(o)) continue;
        this.seen.add(o);
        this.record(o, visit, external);
      }
    };
    drain();
    // The side tables: an entry whose key is in the graph is the graph's; its value may reach more keys.
    for (let grew = true; grew; ) {
      grew = false;
      for (const [map, keys] of recorder.log.entries) {
        for (const key of keys) {
          if (!this.seen.has(key) || !map.has(key)) continue;
          let held = this.weak.get(map);
          if (!held) this.weak.set(map, (held = new Map()));
          if (held.has(key)) continue;
          const value = map.get(key);
          held.set(key, value);
          visit(value);
          grew = true;
        }
      }
      drain();
    }
    this.objects = this.seen.size;
    recorder.log.entries.clear();
    recorder.log.keysOf = this.seen;
  }

  /** Put every object back as it was at the snapshot. */
  restore(): void {
    for (const r of this.records) r.restore();
    // Entries set since on graph objects go; the snapshot's come back (a value's own state is restored above).
    for (const [map, keys] of this.recorder.log.entries) {
      const held = this.weak.get(map);
      for (const key of keys) if (this.seen.has(key) && !held?.has(key)) map.delete(key);
    }
    for (const [map, held] of this.weak) for (const [key, value] of held) if (map.get(key) !== value) map.set(key, value);
    this.recorder.log.entries.clear();
  }

  private record(o: object, visit: (v: unknown) => void, external: Set<ArrayBufferLike>): void {
    if (typeof o === 'function') return;
    if (types.isProxy(o)) throw new Error('a Proxy in the machine graph: its state cannot be snapshotted');
    if (ArrayBuffer.isView(o)) return this.recordView(o, external);
    if (o instanceof ArrayBuffer || types.isSharedArrayBuffer(o)) {
      if (!external.has(o)) this.recordBytes(new Uint8Array(o));
      return;
    }
    if (o instanceof WebAssembly.Memory || o instanceof WebAssembly.Module) return;
    if (o instanceof WebAssembly.Instance) return visit(o.exports);
    if (o instanceof WebAssembly.Global) return this.recordGlobal(o);
    if (o instanceof WebAssembly.Table) return this.recordTable(o);
    if (o instanceof WeakMap || o instanceof WeakSet || (typeof WeakRef !== 'undefined' && o instanceof WeakRef)) return; // entries: the recorder's
    if (types.isPromise(o)) throw new Error('a Promise in the machine graph: its state cannot be snapshotted');
    if (o instanceof Map) this.recordMap(o, visit);
    else if (o instanceof Set) this.recordSet(o, visit);
    if (Array.isArray(o)) this.recordArray(o, visit);
    else this.recordProperties(o, visit);
  }

  private recordView(view: ArrayBufferView, external: Set<ArrayBufferLike>): void {
    if (external.has(view.buffer)) return;
    this.recordBytes(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  }

  private recordBytes(bytes: Uint8Array): void {
    let held = this.ranges.get(bytes.buffer);
    if (!held) this.ranges.set(bytes.buffer, (held = new Set()));
    const range = `${bytes.byteOffset}:${bytes.byteLength}`;
    if (held.has(range)) return;
    held.add(range);
    const saved = bytes.slice();
    const live = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.records.push({ restore: () => void (live.compare(saved) !== 0 && bytes.set(saved)) });
  }

  private recordGlobal(g: WebAssembly.Global): void {
    const value: unknown = g.value;
    this.records.push({
      restore: () => {
        try {
          if (g.value !== value) g.value = value;
        } catch {
          // An immutable global: it cannot have changed.
        }
      },
    });
  }

  private recordTable(t: WebAssembly.Table): void {
    const entries = Array.from({ length: t.length }, (_, i) => t.get(i) as unknown);
    this.records.push({
      restore: () => {
        for (let i = 0; i < t.length; i++) {
          const want = i < entries.length ? entries[i] : null;
          if (t.get(i) !== want) t.set(i, want as never);
        }
      },
    });
  }

  private recordMap(m: Map<unknown, unknown>, visit: (v: unknown) => void): void {
    const entries = [...m];
    for (const [k, v] of entries) (visit(k), visit(v));
    this.records.push({
      restore: () => {
        if (m.size === entries.length) {
          let same = true;
          let i = 0;
          for (const [k, v] of m) {
            const e = entries[i++]!;
            if (e[0] !== k || e[1] !== v) {
              same = false;
              break;
            }
          }
          if (same) return;
        }
        m.clear();
        for (const [k, v] of entries) Map.prototype.set.call(m, k, v);
      },
    });
  }

  private recordSet(s: Set<unknown>, visit: (v: unknown) => void): void {
    const values = [...s];
    for (const v of values) visit(v);
    this.records.push({
      restore: () => {
        if (s.size === values.length) {
          let i = 0;
          let same = true;
          for (const v of s) if (values[i++] !== v) (same = false);
          if (same) return;
        }
        s.clear();
        for (const v of values) Set.prototype.add.call(s, v);
      },
    });
  }

  private recordArray(a: unknown[], visit: (v: unknown) => void): void {
    const items = a.slice();
    for (const v of items) visit(v);
    this.records.push({
      restore: () => {
        if (a.length !== items.length) a.length = items.length;
        for (let i = 0; i < items.length; i++) if (a[i] !== items[i]) a[i] = items[i];
      },
    });
  }

  /** Own data properties (symbol keys included); accessors are code. Frozen objects cannot change: only their values are walked. */
  private recordProperties(o: object, visit: (v: unknown) => void): void {
    const keys = Reflect.ownKeys(o);
    const slots: Slots = [];
    for (const key of keys) {
      const d = Object.getOwnPropertyDescriptor(o, key)!;
      if (!('value' in d)) continue;
      visit(d.value);
      if (d.writable || d.configurable) slots.push(key, d.value);
    }
    if (Object.isFrozen(o) || (slots.length === 0 && !Object.isExtensible(o))) return;
    const count = enumerableCount(o);
    const target = o as { [k: string | symbol]: unknown };
    this.records.push({
      restore: () => {
        for (let i = 0; i < slots.length; i += 2) {
          const key = slots[i] as string | symbol;
          if (target[key] !== slots[i + 1]) target[key] = slots[i + 1];
        }
        // A property added since (an optional member set later) goes; one deleted since comes back.
        // Counted by for-in, which allocates nothing (the full key list is read only when the count moved).
        if (enumerableCount(o) !== count) {
          const had = new Set(keys);
          for (const key of Reflect.ownKeys(o)) if (!had.has(key)) delete target[key];
          for (let i = 0; i < slots.length; i += 2) if (!Object.prototype.hasOwnProperty.call(o, slots[i] as PropertyKey)) target[slots[i] as string] = slots[i + 1];
        }
      },
    });
  }
}

/** Enumerable string keys, own and inherited (the class prototypes' methods are not enumerable). */
function enumerableCount(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}
