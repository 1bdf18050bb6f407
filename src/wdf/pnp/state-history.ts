/**
 * A framework state machine's current state and the states it last went through, as FxPkgPnp keeps
 * them (a history of eight per machine) for `!wdfkd.wdfdevice` flags 0x2, 0x4 and 0x8.
 */
import { WDF_DEVICE_PNP_STATE, WDF_DEVICE_POWER_POLICY_STATE, WDF_DEVICE_POWER_STATE } from '../../nt/wdf-states.ts';

/** How many states each machine remembers (the framework's history ring). */
export const STATE_HISTORY_DEPTH = 8;

export class FxStateHistory {
  private readonly ring: number[];

  constructor(public current: number) {
    this.ring = [current];
  }

  /** Entering a state; staying in the one it is in records nothing. */
  enter(...states: number[]): void {
    for (const state of states) {
      if (state === this.current) continue;
      this.current = state;
      this.ring.push(state);
      if (this.ring.length > STATE_HISTORY_DEPTH) this.ring.shift();
    }
  }

  /** Oldest first; the last is the current state. */
  history(): number[] {
    return [...this.ring];
  }
}

/** The three machines of one device's package. */
export class FxDeviceStates {
  readonly pnp = new FxStateHistory(WDF_DEVICE_PNP_STATE.WdfDevStatePnpObjectCreated);
  readonly power = new FxStateHistory(WDF_DEVICE_POWER_STATE.WdfDevStatePowerObjectCreated);
  readonly powerPolicy = new FxStateHistory(WDF_DEVICE_POWER_POLICY_STATE.WdfDevStatePwrPolObjectCreated);
}
