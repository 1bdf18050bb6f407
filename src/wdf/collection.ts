/**
 * WDFCOLLECTION: an ordered list of objects. Adding references the object, removing dereferences
 * it; deleting the collection drops what it still holds. An item deleted while in a collection stays
 * in it (its reference keeps the handle valid) until removed, as in the framework.
 */
import { STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';

export class FxCollection extends FxObject {
  readonly items: FxObject[] = [];

  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject | undefined) {
    super(fx, g, attributes, parent, FX_TYPE.Collection);
  }

  protected override dispose(): void {
    for (const item of this.items.splice(0)) item.dereference();
  }
}

export function collectionExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const collection = (g: FxDriverGlobals, handle: number) => fx.object<FxCollection>(g, handle, FX_TYPE.Collection);
  const remove = (c: FxCollection, index: number) => {
    const [item] = c.items.splice(index, 1);
    item?.dereference();
  };
  return {
    WdfCollectionCreate(g, CollectionAttributes: number, Collection: number) {
      fx.require(g, Collection);
      as.setU32(Collection, 0);
      const attributes = readAttributes(fx, CollectionAttributes);
      if (typeof attributes === 'number') return attributes;
      const parent = attributes.parent ? fx.object(g, attributes.parent) : g.driver;
      as.setU32(Collection, new FxCollection(fx, g, attributes, parent).handle);
      return STATUS.SUCCESS;
    },
    WdfCollectionGetCount(g, Collection: number) {
      return collection(g, Collection).items.length;
    },
    WdfCollectionAdd(g, Collection: number, Object: number) {
      const c = collection(g, Collection);
      const o = fx.object(g, Object);
      o.reference();
      c.items.push(o);
      return STATUS.SUCCESS;
    },
    WdfCollectionRemove(g, Collection: number, Item: number) {
      const c = collection(g, Collection);
      const o = fx.object(g, Item);
      const i = c.items.indexOf(o);
      // Removing an object the collection does not hold is the driver's bug: the framework breaks.
      if (i < 0) g.record('FxCollection::Remove', `WDFOBJECT 0x${(Item >>> 0).toString(16)} not in WDFCOLLECTION 0x${(Collection >>> 0).toString(16)}`);
      else remove(c, i);
    },
    WdfCollectionRemoveItem(g, Collection: number, Index: number) {
      const c = collection(g, Collection);
      if (Index >= c.items.length) g.record('FxCollection::RemoveItem', `index ${Index} past the ${c.items.length} items of WDFCOLLECTION 0x${(Collection >>> 0).toString(16)}`);
      else remove(c, Index);
    },
    WdfCollectionGetItem(g, Collection: number, Index: number) {
      return collection(g, Collection).items[Index]?.handle ?? 0;
    },
    WdfCollectionGetFirstItem(g, Collection: number) {
      return collection(g, Collection).items[0]?.handle ?? 0;
    },
    WdfCollectionGetLastItem(g, Collection: number) {
      const items = collection(g, Collection).items;
      return items[items.length - 1]?.handle ?? 0;
    },
  };
}
