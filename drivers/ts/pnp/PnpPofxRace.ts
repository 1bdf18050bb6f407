/**
 * PnpPofxRace: the racy twin of PnpPofx, which it is with one change (readAfterIdleComponent).
 *
 * The race: it reads the result after PoFxIdleComponent, as if the component stayed powered until the
 * request ends. Nothing promises that: once the reference is released the framework may deliver the
 * idle condition and put the component in F1 at once. Without Power framework delay fuzzing the
 * framework's callbacks come after the request every time and the bug never shows; with it (0x8000)
 * they may come in between, the read returns all ones, and the request fails (STATUS_IO_DEVICE_ERROR).
 */
import type { DriverApi } from '../../../ddk/ts/wdm.ts';
import { DriverEntry as PnpPofxEntry, readAfterIdleComponent } from './PnpPofx.ts';

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  readAfterIdleComponent();
  return PnpPofxEntry(DriverObject, RegistryPath, api);
}
