/**
 * WDFCMRESLIST: the framework's object over one of IRP_MN_START_DEVICE's CM_RESOURCE_LISTs (raw or
 * translated), given to EvtDevicePrepareHardware and EvtDeviceReleaseHardware and deleted after the
 * release. A device started without resources gets empty lists. The descriptors are the list's own
 * (the PnP manager's pool), as Windows hands them out.
 */
import { CM_FULL_RESOURCE_DESCRIPTOR, CM_PARTIAL_RESOURCE_DESCRIPTOR, CM_PARTIAL_RESOURCE_LIST, CM_RESOURCE_LIST } from '../../nt/layout.ts';
import { FX_TYPE } from '../../nt/wdf.ts';
import type { WdfDdi } from '../ddi.ts';
import type { FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import { FxObject, NO_ATTRIBUTES } from '../object.ts';

const FIRST_PARTIAL = CM_RESOURCE_LIST.off.List + CM_FULL_RESOURCE_DESCRIPTOR.off.PartialResourceList;

export class FxCmResList extends FxObject {
  constructor(
    fx: Framework,
    device: FxDevice,
    /** The CM_RESOURCE_LIST (0: none). */
    readonly list: number,
  ) {
    super(fx, device.globals, NO_ATTRIBUTES, device, FX_TYPE.CmResList);
  }

  /** The framework owns it: the driver may not delete it. */
  override get driverMayDelete(): boolean {
    return false;
  }

  /** The partial descriptors of the (first) full descriptor: a root-enumerated device has one. */
  get count(): number {
    const as = this.fx.k.as;
    if (this.list === 0 || as.u32(this.list + CM_RESOURCE_LIST.off.Count) === 0) return 0;
    return as.u32(this.list + FIRST_PARTIAL + CM_PARTIAL_RESOURCE_LIST.off.Count);
  }

  descriptor(index: number): number {
    if (index >= this.count) return 0;
    return this.list + FIRST_PARTIAL + CM_PARTIAL_RESOURCE_LIST.off.PartialDescriptors + index * CM_PARTIAL_RESOURCE_DESCRIPTOR.size;
  }
}

export function resourceListExports(fx: Framework): Record<string, WdfDdi> {
  return {
    WdfCmResourceListGetCount(g, List: number) {
      return fx.object<FxCmResList>(g, List, FX_TYPE.CmResList).count;
    },

    WdfCmResourceListGetDescriptor(g, List: number, Index: number) {
      return fx.object<FxCmResList>(g, List, FX_TYPE.CmResList).descriptor(Index >>> 0);
    },
  };
}
