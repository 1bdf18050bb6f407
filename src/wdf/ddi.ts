/**
 * The framework's export table: every WdfXxx DDI by name, gathered from its families. A DDI is
 * `(globals, ...args)`: the framework passes the calling driver's globals first (what the WDK's
 * hidden PWDF_DRIVER_GLOBALS parameter carries), then the driver's arguments as wasm passes them.
 * A name here is declared once in ddk/include with WDF_IMPORT (test/wdf/Prototypes.test.ts).
 */
import { collectionExports } from './collection.ts';
import { deviceExports } from './device.ts';
import { driverExports } from './driver.ts';
import { fileExports } from './file.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { memoryExports } from './memory.ts';
import { objectExports } from './object-ddis.ts';
import { queueExports } from './queue.ts';
import { requestExports } from './request.ts';
import { stringExports } from './string.ts';
import { verifierExports } from './verifier.ts';
import { pnpInitExports } from './pnp/add-device.ts';
import { interfaceExports } from './pnp/interface.ts';
import { resourceListExports } from './pnp/resources.ts';
import { queueStateExports } from './power/queues.ts';
import { ioTargetExports } from './io-target.ts';
import { timerExports } from './timer.ts';
import { syncExports } from './sync.ts';
import { objectLockExports } from './object-lock.ts';
import { versionExports } from './version.ts';
import { idleExports } from './power/idle.ts';
import { interruptExports } from './interrupt.ts';
import { pdoExports } from './pnp/pdo.ts';
import { childListExports } from './pnp/child-list.ts';
import { queryInterfaceExports } from './pnp/query-interface.ts';
import { powerPolicyExports } from './power/policy.ts';
import { registryExports } from './registry.ts';
import { deviceStateExports } from './pnp/device-state.ts';
import { devicePropertyExports } from './pnp/device-property.ts';
import { lookasideExports } from './lookaside.ts';
import { wmiExports } from './wmi.ts';
import { ioTargetRemoteExports } from './io-target-remote.ts';
import { requestCreateExports } from './request-create.ts';
import { queueFindExports } from './queue-find.ts';
import { requestTimerExports } from './request-timer.ts';
import { powerFrameworkExports } from './power/pofx.ts';
import { dmaEnablerExports } from './dma-enabler.ts';
import { dmaTransactionExports } from './dma-transaction.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WdfDdi = (g: FxDriverGlobals, ...args: any[]) => unknown;

export function wdfExports(fx: Framework): Record<string, WdfDdi> {
  return {
    ...driverExports(fx),
    ...objectExports(fx),
    ...deviceExports(fx),
    ...queueExports(fx),
    ...requestExports(fx),
    ...fileExports(fx),
    ...memoryExports(fx),
    ...stringExports(fx),
    ...collectionExports(fx),
    ...verifierExports(fx),
    // The PnP/power half.
    ...pnpInitExports(fx),
    ...interfaceExports(fx),
    ...resourceListExports(fx),
    ...queueStateExports(fx),
    ...ioTargetExports(fx),
    ...timerExports(fx),
    ...syncExports(fx),
    ...versionExports(fx),
    ...idleExports(fx),
    ...interruptExports(fx),
    // Bus drivers.
    ...pdoExports(fx),
    ...childListExports(fx),
    ...queryInterfaceExports(fx),
    ...powerPolicyExports(fx),
    ...objectLockExports(fx),
    ...registryExports(fx),
    ...deviceStateExports(fx),
    ...devicePropertyExports(fx),
    ...lookasideExports(fx),
    ...wmiExports(fx),
    ...ioTargetRemoteExports(fx),
    ...requestCreateExports(fx),
    ...queueFindExports(fx),
    ...requestTimerExports(fx),
    ...powerFrameworkExports(fx),
    ...dmaEnablerExports(fx),
    ...dmaTransactionExports(fx),
  };
}
