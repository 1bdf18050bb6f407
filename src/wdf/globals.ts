/**
 * FxDriverGlobals: what the framework keeps per client driver (per bind). Its public part is the
 * WDF_DRIVER_GLOBALS block the driver reads through its `WdfDriverGlobals` pointer (a cell the
 * framework owns, bound to the driver's import of that variable).
 */
import { SimulatorError } from '../kernel/errors.ts';
import { WDF_DEFAULT_POOL_TAG, WDF_DRIVER_GLOBALS, WDF_DRIVER_GLOBALS_NAME_LEN, WDF_DRIVER_INIT } from '../nt/wdf.ts';
import type { Framework } from './framework.ts';
import type { FxDriver } from './driver.ts';
import { FxIfrLog } from './ifr.ts';
import { WDF_IFR_DEFAULT_PAGES, readIfrLog } from '../nt/wdf-ifr.ts';
import type { WdfVerifierSettings } from './settings.ts';

const G = WDF_DRIVER_GLOBALS.off;
/** The framework's own tag for its per-driver blocks ('FxDG'). */
const GLOBALS_TAG = 0x47447846;

/** A pool tag from a name's first four characters (' ' pads), as a ULONG whose bytes read as the name. */
export function tagFromName(name: string): number {
  const text = name.replace(/^wdf/i, '').padEnd(4, ' ').slice(0, 4);
  if (!/^[\x20-\x7e]{4}$/.test(text) || text.trim() === '') return WDF_DEFAULT_POOL_TAG;
  return (text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24)) >>> 0;
}

export class FxDriverGlobals {
  /** WDF_DRIVER_GLOBALS. */
  readonly address: number;
  /** The driver's `WdfDriverGlobals` variable: holds `address`. */
  readonly cell: number;
  /** The tag of the pool the framework allocates for this driver's objects. */
  tag: number;
  driver: FxDriver | undefined;
  /** The framework's verifier is on for this driver (Parameters\Wdf VerifierOn, `dv run --wdf-verifier`). */
  verifierOn = false;
  /** WDFVERIFY and the IRQL assertions are on (Parameters\Wdf VerifyOn; implied by VerifierOn). */
  verifyOn = false;
  /** The driver's in-flight recorder (nonpaged pool, so dumps hold it). */
  ifr: FxIfrLog;
  /** The verifier's findings break (Parameters\Wdf DbgBreakOnError; implied by VerifierOn). */
  dbgBreakOnError = false;

  constructor(
    private readonly fx: Framework,
    /** The client's module name: the driver's name (`KmdfNonPnp`). */
    readonly name: string,
  ) {
    if (name.length >= WDF_DRIVER_GLOBALS_NAME_LEN) {
      throw new SimulatorError(`${name}.sys: a KMDF driver's name must be shorter than ${WDF_DRIVER_GLOBALS_NAME_LEN} characters (WDF_DRIVER_GLOBALS.DriverName)`);
    }
    const as = fx.k.as;
    this.tag = tagFromName(name);
    this.address = fx.allocate(WDF_DRIVER_GLOBALS.size, GLOBALS_TAG);
    as.zero(this.address, WDF_DRIVER_GLOBALS.size);
    as.write(this.address + G.DriverName, new TextEncoder().encode(name));
    as.setU32(this.address + G.DriverTag, this.tag);
    this.cell = fx.allocate(4, GLOBALS_TAG);
    as.setU32(this.cell, this.address);
    this.ifr = new FxIfrLog(fx, name, WDF_IFR_DEFAULT_PAGES);
  }

  /** Turn the framework's verifier on or off for this driver (DriverFlags' WdfVerifierOn | WdfVerifyOn). */
  setVerifier(settings: WdfVerifierSettings): void {
    const on = settings.verifierOn;
    const verify = settings.verifyOn;
    this.verifierOn = on;
    this.verifyOn = verify;
    this.dbgBreakOnError = settings.dbgBreakOnError;
    const flags = this.fx.k.as.u32(this.address + G.DriverFlags) & ~(WDF_DRIVER_INIT.VerifierOn | WDF_DRIVER_INIT.VerifyOn);
    this.fx.k.as.setU32(this.address + G.DriverFlags, flags | (on ? WDF_DRIVER_INIT.VerifierOn : 0) | (verify ? WDF_DRIVER_INIT.VerifyOn : 0));
  }

  setDriver(driver: FxDriver | undefined): void {
    this.driver = driver;
    this.fx.k.as.setU32(this.address + G.Driver, driver?.handle ?? 0);
  }

  setTag(tag: number): void {
    this.tag = tag >>> 0;
    this.fx.k.as.setU32(this.address + G.DriverTag, this.tag);
  }

  setDisplaceDriverUnload(on: boolean): void {
    this.fx.k.as.setU8(this.address + G.DisplaceDriverUnload, on ? 1 : 0);
  }

  /** The recorder's size from Parameters\Wdf LogPages, read with the other settings before the first record. */
  setIfrPages(pages: number): void {
    if (pages === this.ifr.pages || !this.ifr.empty) return;
    this.ifr.release();
    this.ifr = new FxIfrLog(this.fx, this.name, pages);
  }

  /** Record a line in the driver's in-flight recorder: `Routine - text`. */
  record(routine: string, text: string): void {
    this.ifr.write(`${routine} - ${text}`);
  }

  /** The recorder's lines still in the log, oldest first (read back from its memory). */
  get log(): string[] {
    const as = this.fx.k.as;
    const memory = { u16: (a: number) => as.u16(a), u32: (a: number) => as.u32(a), cstring: (a: number, max = 256) => as.cstring(a, max) };
    return readIfrLog(memory, this.ifr.address)?.records.map((r) => r.text) ?? [];
  }

  release(): void {
    this.ifr.release();
    this.fx.free(this.cell, GLOBALS_TAG);
    this.fx.free(this.address, GLOBALS_TAG);
  }
}
