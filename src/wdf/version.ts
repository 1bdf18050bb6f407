/** The framework's version as drivers ask for it (WdfDriverRetrieveVersionString; WdfDriverIsVersionAvailable is driver.ts'). */
import { STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDriver } from './driver.ts';
import type { Framework } from './framework.ts';
import type { FxString } from './string.ts';

/** [INF] the text's shape; this framework is KMDF 1.33. */
export const WDF_VERSION_STRING = 'Kernel Mode Driver Framework version 1.33.0';

export function versionExports(fx: Framework): Record<string, WdfDdi> {
  return {
    WdfDriverRetrieveVersionString(g, Driver: number, String: number) {
      fx.object<FxDriver>(g, Driver, FX_TYPE.Driver);
      fx.object<FxString>(g, String, FX_TYPE.String).replace(WDF_VERSION_STRING);
      return STATUS.SUCCESS;
    },
  };
}
