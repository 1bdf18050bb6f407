/**
 * What the `--html` report charts, recorded only when a report is asked for (Verifier.startReport): the
 * verified drivers' tracked pool in use per tag after each allocation and free (read from the verifier's
 * own tracking, beside it, never inside the allocator), the IRQL transitions Force IRQL checking logs,
 * and marks the run sets between its steps, all on one sequence of events so they line up. The simulated
 * clock moves only when the machine waits, so most events share a time: the sequence is the chart's axis
 * and each point keeps its simulated time.
 *
 * Bounded whatever the driver does: at most POOL_USAGE_POINTS points (past that, neighbouring events merge
 * into one point that keeps the peak they reached), POOL_USAGE_TAGS tags (later tags share one series),
 * the last IRQL_TIMELINE_CAPACITY transitions and the first REPORT_MARKS marks.
 */
import type { IrqlTransition } from './irql-log.ts';
import { RecordRing } from './record-ring.ts';

export const POOL_USAGE_POINTS = 4096;
export const POOL_USAGE_TAGS = 256;
export const IRQL_TIMELINE_CAPACITY = 4096;
export const REPORT_MARKS = 1000;
/** The series of the tags past POOL_USAGE_TAGS. */
export const OTHER_TAGS = -1;

export interface PoolUsagePoint {
  /** The last event this point covers. */
  seq: number;
  /** Simulated time of that event (100 ns units since boot). */
  time: number;
  /** Bytes in use with the tag after it. */
  bytes: number;
  /** The most bytes in use with the tag during the events the point covers (= bytes until points merge). */
  peak: number;
}

export interface PoolUsageSeries {
  /** The pool tag (ULONG), or OTHER_TAGS. */
  readonly tag: number;
  bytes: number;
  peak: number;
  readonly points: PoolUsagePoint[];
}

export interface IrqlTimelineEntry extends IrqlTransition {
  readonly seq: number;
  /** Simulated time (100 ns units since boot): finer than the log's tick count. */
  readonly time: number;
}

export interface ReportMark {
  readonly seq: number;
  readonly time: number;
  readonly label: string;
}

export class ReportRecorder {
  /** Events recorded so far (allocations, frees, IRQL changes, marks). */
  seq = 0;
  /** Events per point: doubles each time the points are merged. */
  stride = 1;
  private readonly byTag = new Map<number, PoolUsageSeries>();
  private points = 0;
  readonly irql = new RecordRing<IrqlTimelineEntry>(IRQL_TIMELINE_CAPACITY);
  readonly marks: ReportMark[] = [];
  marksDropped = 0;

  constructor(private readonly now: () => number) {}

  get series(): readonly PoolUsageSeries[] {
    return [...this.byTag.values()];
  }

  /** A verified driver's tracked pool with `tag` grew (delta > 0) or shrank by |delta| bytes. */
  poolChange(tag: number, delta: number): void {
    const seq = this.seq++;
    const time = this.now();
    const key = this.byTag.has(tag) || this.byTag.size < POOL_USAGE_TAGS ? tag : OTHER_TAGS;
    let s = this.byTag.get(key);
    if (!s) this.byTag.set(key, (s = { tag: key, bytes: 0, peak: 0, points: [] }));
    s.bytes += delta;
    if (s.bytes > s.peak) s.peak = s.bytes;
    const last = s.points[s.points.length - 1];
    if (last && Math.floor(last.seq / this.stride) === Math.floor(seq / this.stride)) {
      Object.assign(last, { seq, time, bytes: s.bytes, peak: Math.max(last.peak, s.bytes) });
      return;
    }
    s.points.push({ seq, time, bytes: s.bytes, peak: s.bytes });
    if (++this.points > POOL_USAGE_POINTS) this.coarsen();
  }

  /** An IRQL transition the IRQL log recorded. */
  irqlChange(t: IrqlTransition): void {
    this.irql.add({ ...t, seq: this.seq++, time: this.now() });
  }

  /** A step of the run ended (a request sent, a scenario step): a line on the charts. */
  mark(label: string): void {
    if (this.marks.length >= REPORT_MARKS) {
      this.marksDropped++;
      return;
    }
    this.marks.push({ seq: this.seq++, time: this.now(), label });
  }

  /** Twice as many events per point: neighbours in the same wider bucket merge, keeping their peak. */
  private coarsen(): void {
    this.stride *= 2;
    this.points = 0;
    for (const s of this.byTag.values()) {
      const merged: PoolUsagePoint[] = [];
      for (const p of s.points) {
        const m = merged[merged.length - 1];
        if (m && Math.floor(m.seq / this.stride) === Math.floor(p.seq / this.stride)) Object.assign(m, { seq: p.seq, time: p.time, bytes: p.bytes, peak: Math.max(m.peak, p.peak) });
        else merged.push({ ...p });
      }
      s.points.splice(0, s.points.length, ...merged);
      this.points += merged.length;
    }
  }
}
