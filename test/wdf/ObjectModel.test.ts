/**
 * The object model on its own: a framework in a bare kernel, one bound client, objects made through
 * the DDIs with attributes in simulated memory and callbacks that record their calls. Deleting a
 * tree runs every cleanup callback children first, then the destroys (children first); a reference
 * keeps an object's memory until it is dropped; contexts are found by type and map back to their object.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';
import { FX_HANDLE_XOR, FX_OBJECT_HEADER, FX_OBJECT_STATE, FX_TYPE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_CONTEXT_TYPE_INFO } from '../../src/nt/wdf.ts';
import { Framework } from '../../src/wdf/framework.ts';

const A = WDF_OBJECT_ATTRIBUTES.off;
const TI = WDF_OBJECT_CONTEXT_TYPE_INFO.off;

function setup() {
  const k = new Kernel();
  const fx = new Framework(k, { reserve: (size) => k.pool.allocate(POOL_TYPE.NonPagedPool, size, 0x74736554), publish: () => {} });
  const binding = fx.bind({ module: { name: 'Client', imageName: 'Client.sys' } }, Object.keys(fx.ddis), ['WdfDriverGlobals']);
  const ddi = binding.routines as unknown as Record<string, (...a: number[]) => number>;
  const calls: string[] = [];
  let next = 0x7000_0000;
  /** A driver callback: a routine at a fresh address that records `name(handle)`. */
  const callback = (name: string) => {
    const address = (next += 0x10);
    k.registerRoutine(address, ((h: number) => void calls.push(`${name} ${names.get(h >>> 0) ?? h.toString(16)}`)) as never, 'Client');
    return address;
  };
  const names = new Map<number, string>();
  const scratch = k.pool.allocate(POOL_TYPE.NonPagedPool, 0x100, 0x74736554);
  /** A WDF_OBJECT_ATTRIBUTES with cleanup and destroy callbacks named after `name`, under `parent`. */
  const attributes = (name: string, parent = 0, contextType = 0) => {
    const a = k.pool.allocate(POOL_TYPE.NonPagedPool, WDF_OBJECT_ATTRIBUTES.size, 0x74736554);
    k.as.zero(a, WDF_OBJECT_ATTRIBUTES.size);
    k.as.setU32(a + A.Size, WDF_OBJECT_ATTRIBUTES.size);
    k.as.setU32(a + A.ExecutionLevel, 1);
    k.as.setU32(a + A.SynchronizationScope, 1);
    k.as.setU32(a + A.EvtCleanupCallback, callback(`cleanup`));
    k.as.setU32(a + A.EvtDestroyCallback, callback(`destroy`));
    k.as.setU32(a + A.ParentObject, parent);
    k.as.setU32(a + A.ContextTypeInfo, contextType);
    return a;
  };
  const create = (name: string, parent = 0, contextType = 0) => {
    assert.equal(ddi.WdfObjectCreate!(attributes(name, parent, contextType), scratch), STATUS.SUCCESS);
    const h = k.as.u32(scratch);
    names.set(h, name);
    return h;
  };
  /** A context type descriptor as WDF_DECLARE_CONTEXT_TYPE lays it out (UniqueType pointing at itself). */
  const contextType = (size: number) => {
    const t = k.pool.allocate(POOL_TYPE.NonPagedPool, WDF_OBJECT_CONTEXT_TYPE_INFO.size, 0x74736554);
    k.as.setU32(t + TI.Size, WDF_OBJECT_CONTEXT_TYPE_INFO.size);
    k.as.setU32(t + TI.ContextSize, size);
    k.as.setU32(t + TI.UniqueType, t);
    return t;
  };
  return { k, fx, ddi, calls, create, contextType, attributes, scratch };
}

test('deleting a tree: every cleanup children first, then every destroy children first', () => {
  const { ddi, calls, create } = setup();
  const root = create('root');
  const a = create('a', root);
  create('a1', a);
  create('b', root);
  ddi.WdfObjectDelete!(root);
  assert.deepEqual(calls, ['cleanup a1', 'cleanup a', 'cleanup b', 'cleanup root', 'destroy a1', 'destroy a', 'destroy b', 'destroy root']);
});

test('a reference keeps a deleted object: cleanup at the delete, destroy and free at the last dereference', () => {
  const { k, fx, ddi, calls, create } = setup();
  const h = create('held');
  ddi.WdfObjectReferenceActual!(h, 0, 1, 0);
  ddi.WdfObjectDelete!(h);
  assert.deepEqual(calls, ['cleanup held']);
  const address = (h ^ FX_HANDLE_XOR) >>> 0;
  assert.equal(k.as.u32(address + FX_OBJECT_HEADER.off.State), FX_OBJECT_STATE.Deleted);
  assert.equal(k.as.u16(address + FX_OBJECT_HEADER.off.Type), FX_TYPE.Object);
  assert.ok(fx.handles.has(h));
  ddi.WdfObjectDereferenceActual!(h, 0, 2, 0);
  assert.deepEqual(calls, ['cleanup held', 'destroy held']);
  assert.ok(!fx.handles.has(h));
  assert.equal(k.pool.block(address), undefined, 'the object block was freed');
});

test('contexts: the typed worker finds each by type, NULL for a type the object lacks; a context maps back to its object', () => {
  const { k, ddi, create, contextType, attributes, scratch } = setup();
  const t1 = contextType(12);
  const t2 = contextType(40);
  const h = create('o', 0, t1);
  const c1 = ddi.WdfObjectGetTypedContextWorker!(h, t1);
  assert.notEqual(c1, 0);
  assert.equal(k.as.u32(c1), 0, 'contexts start zeroed');
  assert.equal(ddi.WdfObjectGetTypedContextWorker!(h, t2), 0);
  assert.equal(ddi.WdfObjectAllocateContext!(h, attributes('ctx', 0, t2), scratch), STATUS.SUCCESS);
  const c2 = k.as.u32(scratch);
  assert.equal(ddi.WdfObjectGetTypedContextWorker!(h, t2), c2);
  assert.equal(ddi.WdfObjectContextGetObject!(c2), h);
  assert.equal(ddi.WdfObjectContextGetObject!(c1), h);
  // A second context of the same type: STATUS_OBJECT_NAME_EXISTS and the one it has.
  assert.equal(ddi.WdfObjectAllocateContext!(h, attributes('ctx2', 0, t2), scratch), STATUS.OBJECT_NAME_EXISTS);
  assert.equal(k.as.u32(scratch), c2);
});

test('attributes are validated: size, context size override below the type, a parent where none is allowed', () => {
  const { k, ddi, attributes, contextType, scratch } = setup();
  const bad = attributes('x');
  k.as.setU32(bad + A.Size, 4);
  assert.equal(ddi.WdfObjectCreate!(bad, scratch), STATUS.INFO_LENGTH_MISMATCH);
  const small = attributes('y', 0, contextType(16));
  k.as.setU32(small + A.ContextSizeOverride, 8);
  assert.equal(ddi.WdfObjectCreate!(small, scratch), STATUS.WDF_OBJECT_ATTRIBUTES_INVALID);
  const level = attributes('z');
  k.as.setU32(level + A.ExecutionLevel, 9);
  assert.equal(ddi.WdfObjectCreate!(level, scratch), STATUS.WDF_OBJECT_ATTRIBUTES_INVALID);
});
