/**
 * The export table of ntoskrnl: every DDI by its NT name. Drivers' imports are bound against it (or
 * against the verifier's wrapping of it). A name missing here is a load error, never a silent no-op.
 */
import { engExports } from './ex/eng.ts';
import { exRaiseExports } from './ex/raise.ts';
import { exExports } from './ex/exports.ts';
import { fastMutexExports } from './ex/fastmutex.ts';
import { lookasideExports } from './ex/lookaside.ts';
import { ioExports } from './io/exports.ts';
import { csqExports } from './io/csq.ts';
import { removeLockExports } from './io/removelock.ts';
import { buildRequestExports } from './io/build-request.ts';
import { deviceAccessExports } from './io/device-access.ts';
import { csqExExports } from './io/csq-ex.ts';
import { workItemExExports } from './io/workitem-ex.ts';
import { requestorExports } from './io/requestor.ts';
import { keExports } from './ke/exports.ts';
import type { Kernel } from './kernel.ts';
import { mmExports } from './mm/exports.ts';
import { probeExports } from './mm/probe.ts';
import { obExports } from './ob/exports.ts';
import { psExports } from './ps/exports.ts';
import { rtlExports } from './rtl/exports.ts';
import { breakpointExports } from './rtl/breakpoint.ts';
import { quotaExports } from './ex/quota.ts';
import { resourceExports } from './ex/resource.ts';
import { slistExports } from './ex/slist.ts';
import { uuidExports } from './ex/uuid.ts';
import { guardedMutexExports } from './ke/guarded.ts';
import { perfExports } from './ke/perf.ts';
import { semaphoreExports } from './ke/semaphore.ts';
import { routineExports } from './mm/routine.ts';
import { lookupExports } from './ps/lookup.ts';
import { versionExports } from './ps/version.ts';
import { ansiStringExports } from './rtl/ansi.ts';
import { cmExports } from './cm/exports.ts';
import { rtlRegistryExports } from './rtl/registry.ts';
import { ioRegistryExports } from './io/registry.ts';
import { psNotifyExports } from './ps/notify-exports.ts';
import { obCallbackExports } from './ob/callback-exports.ts';
import { rtlCallersExports } from './rtl/callers.ts';
import { tmExports } from './tm/exports.ts';
import { cmCallbackExports } from './cm/callback-exports.ts';
import { previousModeExports } from './ex/previous-mode.ts';
import { verifyVersionExports } from './ps/verify-version.ts';
import { ioSpaceExports } from './hal/io-space.ts';
import { interruptExports } from './hal/interrupt-exports.ts';
import { dmaExports } from './hal/dma.ts';
import { mdlPagesExports } from './mm/mdl-pages.ts';
import { deviceStackExports } from './io/stack.ts';
import { poExports } from './po/exports.ts';
import { pofxExports } from './po/pofx-exports.ts';
import { stackLimitExports } from './io/stack-limits.ts';
import { ioWmiExports } from './io/wmi.ts';
import { ioWmiServiceExports } from './io/wmi-service.ts';
import { ioWmiConsumerExports } from './io/wmi-consumer.ts';
import { devicePropertyExports } from './pnp/property.ts';
import { pnpInterfaceExports } from './pnp/interfaces-exports.ts';
import { pnpBusExports } from './pnp/bus-exports.ts';
import { devicePropertyDataExports } from './pnp/property-data.ts';
import { queuedSpinLockExports } from './ke/queued-spinlock.ts';
import { etwExports } from './etw/exports.ts';
import { wppRecorderExports } from './etw/recorder.ts';
import { fileSystemExports } from './io/file-system.ts';
import { powerSettingExports } from './po/setting.ts';
import { powerLimitExports } from './po/powerlimit.ts';
import { relatedDeviceExports } from './io/related-device.ts';
import { vDbgPrintExports } from './rtl/vdbgprint.ts';

export function buildDdiTable(k: Kernel) {
  return {
    ...exExports(k),
    ...fastMutexExports(k),
    ...lookasideExports(k),
    ...engExports(k),
    ...exRaiseExports(k),
    ...keExports(k),
    ...ioExports(k),
    ...csqExports(k),
    ...removeLockExports(k),
    ...buildRequestExports(k),
    ...deviceAccessExports(k),
    ...csqExExports(k),
    ...workItemExExports(k),
    ...requestorExports(k),
    ...mmExports(k),
    ...probeExports(k),
    ...obExports(k),
    ...psExports(k),
    ...rtlExports(k),
    ...breakpointExports(k),
    ...quotaExports(k),
    ...resourceExports(k),
    ...slistExports(k),
    ...uuidExports(k),
    ...guardedMutexExports(k),
    ...perfExports(k),
    ...semaphoreExports(k),
    ...routineExports(k),
    ...lookupExports(k),
    ...versionExports(k),
    ...ansiStringExports(k),
    ...cmExports(k),
    ...rtlRegistryExports(k),
    ...ioRegistryExports(k),
    ...psNotifyExports(k),
    ...obCallbackExports(k),
    ...rtlCallersExports(k),
    ...tmExports(k),
    ...cmCallbackExports(k),
    ...previousModeExports(k),
    ...verifyVersionExports(k),
    ...ioSpaceExports(k),
    ...interruptExports(k),
    ...dmaExports(k),
    ...deviceStackExports(k),
    ...poExports(k),
    ...pofxExports(k),
    ...stackLimitExports(k),
    ...ioWmiExports(k),
    ...ioWmiServiceExports(k),
    ...ioWmiConsumerExports(k),
    ...devicePropertyExports(k),
    ...pnpInterfaceExports(k),
    ...pnpBusExports(k),
    ...devicePropertyDataExports(k),
    ...queuedSpinLockExports(k),
    ...etwExports(k),
    ...wppRecorderExports(k),
    ...mdlPagesExports(k),
    ...fileSystemExports(k),
    ...powerSettingExports(k),
    ...powerLimitExports(k),
    ...relatedDeviceExports(k),
    ...vDbgPrintExports(k),
  };
}

export type DdiTable = ReturnType<typeof buildDdiTable>;
export type DdiName = keyof DdiTable;
export type AnyDdi = (...args: never[]) => unknown;
