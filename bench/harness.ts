/**
 * Repeated measurement: every figure is a median over runs, with min and max beside it. A row that
 * cannot be measured on this machine (a tool missing: clang, valgrind, the wasm toolchain)
 * is a Missing row: it keeps its place in the table with a note saying why.
 */
export interface Figure {
  readonly figure: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
  readonly note?: string;
}

export interface Missing {
  readonly figure: string;
  readonly unit: string;
  readonly note: string;
}

export type Row = Figure | Missing;

export function isFigure(r: Row): r is Figure {
  return 'median' in r;
}

export function missing(figure: string, unit: string, note: string): Missing {
  return { figure, unit, note };
}

/** Median, min and max of samples already taken. */
export function fromSamples(figure: string, unit: string, samples: readonly number[], note?: string): Figure {
  if (samples.length === 0) throw new Error(`${figure}: no samples`);
  const values = [...samples].sort((a, b) => a - b);
  const mid = values.length >> 1;
  const median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { figure, unit, median, min: values[0]!, max: values[values.length - 1]!, runs: values.length, ...(note ? { note } : {}) };
}

export async function measure(figure: string, unit: string, runs: number, sample: () => number | Promise<number>, note?: string): Promise<Figure> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await sample());
  return fromSamples(figure, unit, values, note);
}

/** a / b of two figures measured side by side in the same run: the quotient of medians; min and max are the extreme quotients. */
export function ratio(figure: string, a: Figure, b: Figure): Figure {
  const r = a.median / b.median;
  return { figure, unit: 'x', median: r, min: a.min / b.max, max: a.max / b.min, runs: Math.min(a.runs, b.runs) };
}

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) =>
    isFigure(r) ? [r.figure, fmt(r.median), fmt(r.min), fmt(r.max), r.unit, String(r.runs), r.note ?? ''] : [r.figure, '-', '-', '-', r.unit, '0', r.note],
  );
  const head = ['figure', 'median', 'min', 'max', 'unit', 'runs', 'note'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : i === 0 || i === 4 ? c.padEnd(w[i]!) : c.padStart(w[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), line(w.map((n, i) => '-'.repeat(i === head.length - 1 ? 4 : n))), ...cells.map(line)].join('\n');
}

function fmt(n: number): string {
  const a = Math.abs(n);
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  if (a >= 0.01 || a === 0) return n.toFixed(2);
  return n.toPrecision(2);
}
