/** The object DDIs every framework object answers: create, delete, references, contexts. */
import { STATUS, statusName } from '../nt/status.ts';
import { verifierBreak } from './verifier.ts';
import { FX_TYPE, WDF_BUGCHECK } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import { FxGeneralObject, readAttributes } from './object.ts';

export function objectExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  return {
    WdfObjectCreate(g, Attributes: number, Object: number) {
      fx.require(g, Object);
      const attributes = readAttributes(fx, Attributes, { executionLevel: true });
      if (typeof attributes === 'number') return attributes;
      const parent = attributes.parent ? fx.object(g, attributes.parent) : g.driver;
      const o = new FxGeneralObject(fx, g, attributes, parent);
      as.setU32(Object, o.handle);
      return STATUS.SUCCESS;
    },

    WdfObjectDelete(g, Object: number) {
      const o = fx.object(g, Object);
      if (!o.driverMayDelete) {
        // Ignored (the framework deletes it when its time comes), named in the IFR, and a verifier break.
        verifierBreak(fx, g, 'FxObject::DeleteObject', `Attempt to Delete an Object Which does not allow WdfDeleteObject Handle 0x${(Object >>> 0).toString(16)}, ${fx.typeName(o.type)}, ${statusName(STATUS.CANNOT_DELETE)}`);
        return;
      }
      o.delete();
    },

    WdfObjectReferenceActual(g, Handle: number, _Tag: number, _Line: number, _File: number) {
      fx.object(g, Handle).reference();
    },

    WdfObjectDereferenceActual(g, Handle: number, _Tag: number, _Line: number, _File: number) {
      fx.object(g, Handle).dereference();
    },

    WdfObjectGetTypedContextWorker(g, Handle: number, TypeInfo: number) {
      // The NULL checks are made whether or not the verifier is on (0x10D/0x4).
      fx.require(g, Handle);
      fx.require(g, TypeInfo);
      return fx.object(g, Handle).context(TypeInfo);
    },

    WdfObjectAllocateContext(g, Handle: number, ContextAttributes: number, Context: number) {
      const o = fx.object(g, Handle);
      fx.require(g, ContextAttributes);
      if (Context) as.setU32(Context, 0);
      const attributes = readAttributes(fx, ContextAttributes);
      if (typeof attributes === 'number') return attributes;
      if (attributes.contextType === 0 || attributes.parent !== 0) return STATUS.WDF_OBJECT_ATTRIBUTES_INVALID;
      if (o.hasContext(attributes.contextType)) {
        if (Context) as.setU32(Context, o.context(attributes.contextType));
        return STATUS.OBJECT_NAME_EXISTS;
      }
      const address = o.addContext(attributes);
      if (Context) as.setU32(Context, address);
      return STATUS.SUCCESS;
    },

    WdfObjectContextGetObject(g, ContextPointer: number) {
      const o = fx.contextOwners.get(ContextPointer >>> 0);
      if (!o) fx.violation(g, WDF_BUGCHECK.INVALID_HANDLE, ContextPointer, FX_TYPE.Object);
      return o!.handle;
    },
  };
}
