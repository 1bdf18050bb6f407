/**
 * The report's two charts as inline SVG, drawn when the page is written (no script, nothing fetched): pool
 * in use per tag, and the IRQL the verified drivers set, on one axis of events so a line on one stands
 * over the same moment on the other. The simulated clock moves only when the machine waits, so the axis
 * is the run's events in order, each tick labelled with the simulated time it happened at.
 */
import { irqlName } from '../../nt/irql.ts';
import type { ReportMark } from '../../verifier/report-recorder.ts';
import { esc } from './escape.ts';
import { bytesText, n1, simTime } from './format.ts';
import type { HtmlReportModel, ReportIrql, ReportSeries } from './model.ts';

const WIDTH = 960;
const LEFT = 112;
const RIGHT = 44;
const TOP = 16;
const PLOT_W = WIDTH - LEFT - RIGHT;
/** Series drawn; the table under the chart lists every tag. */
export const CHART_SERIES = 10;
/** Marks labelled with their number on the chart (each still has its line and tooltip). */
const MARKS_LABELLED = 40;
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];


/** The simulated time at each event, from every record that has one (for the axis labels). */
function timeAt(model: HtmlReportModel): (seq: number) => number {
  const known: [number, number][] = [];
  for (const s of model.pool?.series ?? []) for (const p of s.points) known.push([p.seq, p.time]);
  for (const m of model.pool?.marks ?? []) known.push([m.seq, m.time]);
  for (const e of model.irql?.entries ?? []) known.push([e.seq, e.time]);
  known.sort((a, b) => a[0] - b[0]);
  return (seq) => {
    let t = 0;
    for (const [s, time] of known) {
      if (s > seq) break;
      t = time;
    }
    return t;
  };
}

interface Axis {
  readonly events: number;
  x(seq: number): number;
}

function xAxis(axis: Axis, y0: number, time: (seq: number) => number): string {
  const ticks = Math.min(8, Math.max(1, axis.events));
  const out: string[] = [`<line class="axis" x1="${LEFT}" y1="${y0}" x2="${LEFT + PLOT_W}" y2="${y0}"/>`];
  for (let i = 0; i <= ticks; i++) {
    const seq = Math.round((axis.events * i) / ticks);
    const x = n1(axis.x(seq));
    out.push(`<line class="tick" x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + 4}"/>`);
    out.push(`<text class="tick-label" x="${x}" y="${y0 + 16}" text-anchor="middle">#${seq}</text>`);
    out.push(`<text class="tick-label time" x="${x}" y="${y0 + 28}" text-anchor="middle">${esc(simTime(time(seq)))}</text>`);
  }
  return out.join('');
}

function marks(axis: Axis, list: readonly ReportMark[], top: number, bottom: number): string {
  return list
    .map((m, i) => {
      const x = n1(axis.x(m.seq));
      const label = list.length <= MARKS_LABELLED ? `<text class="mark-label" x="${x}" y="${top + 10}" text-anchor="middle">${i + 1}</text>` : '';
      return `<g class="mark"><title>${esc(`${i + 1}. ${m.label} (event #${m.seq}, ${simTime(m.time)})`)}</title><line x1="${x}" y1="${top + 14}" x2="${x}" y2="${bottom}"/>${label}</g>`;
    })
    .join('');
}

function axisOf(events: number): Axis {
  const span = Math.max(events, 1);
  return { events, x: (seq) => LEFT + (PLOT_W * seq) / span };
}

/** The step line of one tag: level until each event, up to the peak it reached, down to what was left. */
function seriesPath(s: ReportSeries, axis: Axis, y: (bytes: number) => number): string {
  const first = s.points[0];
  if (!first) return '';
  const parts = [`M${n1(axis.x(first.seq))} ${n1(y(0))}`];
  for (const p of s.points) parts.push(`H${n1(axis.x(p.seq))}V${n1(y(p.peak))}${p.peak !== p.bytes ? `V${n1(y(p.bytes))}` : ''}`);
  parts.push(`H${n1(axis.x(axis.events))}`);
  return parts.join('');
}

export function poolChart(model: HtmlReportModel): string {
  const pool = model.pool!;
  const height = 300;
  const bottom = height - 40;
  const drawn = [...pool.series].sort((a, b) => b.peak - a.peak).slice(0, CHART_SERIES);
  const max = Math.max(1, ...drawn.map((s) => s.peak));
  const y = (bytes: number) => bottom - ((bottom - TOP) * bytes) / max;
  const axis = axisOf(pool.events);
  const time = timeAt(model);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = Math.round(max * f);
    return `<line class="grid" x1="${LEFT}" y1="${n1(y(v))}" x2="${LEFT + PLOT_W}" y2="${n1(y(v))}"/><text class="tick-label" x="${LEFT - 6}" y="${n1(y(v) + 4)}" text-anchor="end">${esc(bytesText(v))}</text>`;
  });
  const paths = drawn.map(
    (s, i) =>
      `<path class="series" data-tag="${esc(s.tag)}" data-points="${s.points.length}" stroke="${PALETTE[i % PALETTE.length]}" d="${seriesPath(s, axis, y)}"><title>${esc(`'${s.tag}': peak ${bytesText(s.peak)}, ${bytesText(s.bytes)} at the end`)}</title></path>`,
  );
  return [
    `<svg id="pool-chart" class="chart" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>Pool in use per tag over the run's events</title>`,
    ...yTicks,
    marks(axis, pool.marks, 0, bottom),
    ...paths,
    xAxis(axis, bottom, time),
    '</svg>',
  ].join('');
}

/** The IRQL each processor's verified code ran at, stepping at each transition the IRQL log recorded. */
export function irqlChart(model: HtmlReportModel): string {
  const irql = model.irql!;
  const events = model.pool?.events ?? (irql.entries.at(-1)?.seq ?? 0) + 1;
  // The levels in use, evenly spaced (a DIRQL of 27 does not squash PASSIVE, APC and DISPATCH together).
  const levels = [...new Set([0, 1, 2, ...irql.entries.flatMap((e) => [e.oldIrql, e.newIrql])])].sort((a, b) => a - b);
  const height = 60 + 24 * levels.length;
  const bottom = height - 40;
  const y = (level: number) => bottom - ((bottom - TOP - 8) * levels.indexOf(level)) / (levels.length - 1);
  const axis = axisOf(events);
  const byCpu = new Map<number, ReportIrql[]>();
  for (const e of irql.entries) {
    const list = byCpu.get(e.processor);
    if (list) list.push(e);
    else byCpu.set(e.processor, [e]);
  }
  const grid = levels.map((l) => `<line class="grid" x1="${LEFT}" y1="${n1(y(l))}" x2="${LEFT + PLOT_W}" y2="${n1(y(l))}"/><text class="tick-label" x="${LEFT - 6}" y="${n1(y(l) + 4)}" text-anchor="end">${esc(irqlName(l))}</text>`);
  const lines = [...byCpu.entries()].map(([cpu, list], i) => {
    const color = PALETTE[i % PALETTE.length];
    const d = [`M${n1(axis.x(list[0]!.seq))} ${n1(y(list[0]!.oldIrql))}`, ...list.map((e) => `H${n1(axis.x(e.seq))}V${n1(y(e.newIrql))}`), `H${n1(axis.x(events))}`].join('');
    const dots = list.map((e) => `<circle cx="${n1(axis.x(e.seq))}" cy="${n1(y(e.newIrql))}" r="2.5" fill="${color}"><title>${esc(`${irqlName(e.oldIrql)} -> ${irqlName(e.newIrql)} by ${e.caller || 'a verified driver'} (processor ${cpu}, event #${e.seq}, ${simTime(e.time)})`)}</title></circle>`);
    return `<path class="irql-line" data-processor="${cpu}" data-points="${list.length}" stroke="${color}" d="${d}"/>${dots.join('')}`;
  });
  return [
    `<svg id="irql-chart" class="chart" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>IRQL of the verified drivers' code over the run's events</title>`,
    ...grid,
    marks(axis, model.pool?.marks ?? [], 0, bottom),
    ...lines,
    xAxis(axis, bottom, timeAt(model)),
    '</svg>',
  ].join('');
}
