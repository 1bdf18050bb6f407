/**
 * The simulated clock, in 100 ns units since boot (NT's time unit). Nothing reads host time: it
 * moves only when the scheduler runs out of work and skips to the next timer, or a wait times out.
 */
export const TICKS_PER_MS = 10_000;
/** KeQueryTimeIncrement: the clock interrupt period, 15.625 ms. */
export const TIME_INCREMENT = 156_250;
/** System time at boot: 2026-01-02T00:00:00Z as a FILETIME-style count (100 ns since 1601). */
export const BOOT_SYSTEM_TIME = 134117856000000000n;

export class Clock {
  /** 100 ns units since boot. */
  now = 0;

  advanceTo(t: number): void {
    if (t > this.now) this.now = t;
  }

  tickCount(): number {
    return Math.floor(this.now / TIME_INCREMENT);
  }

  systemTime(): bigint {
    return BOOT_SYSTEM_TIME + BigInt(this.now);
  }

  /** An NT due time: negative = relative to now, positive = absolute system time. */
  dueTimeToNow(due: bigint): number {
    if (due < 0n) return this.now + Number(-due);
    return Math.max(this.now, Number(due - BOOT_SYSTEM_TIME));
  }

  /** `2 min 3.500 s`-style, for messages. */
  static format(t: number): string {
    const ms = t / TICKS_PER_MS;
    if (ms < 1000) return `${ms} ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(3)} s`;
    return `${Math.floor(s / 60)} min ${(s % 60).toFixed(3)} s`;
  }
}
